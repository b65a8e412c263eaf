#!/usr/bin/env bash
# Throughput of gunicorn's sync and gthread workers on the app's own database (loopback only).
# Usage: bench/workers.sh            (DATABASE_URL or instance/ SQLite, with data loaded: flask demo load)
#        DURATION=60 CONNECTIONS=16 PORT=8000 bench/workers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-8000}
work=$(mktemp -d)
export PATHS_FILE=$work/paths.txt
.venv/bin/python bench/worker_paths.py > "$PATHS_FILE"
echo "$(wc -l < "$PATHS_FILE") paths; ${DURATION}s each, $CONNECTIONS connections; $(nproc) cores"

run() {  # run NAME GUNICORN-ARGS...
  local name=$1; shift
  .venv/bin/gunicorn "$@" --bind "127.0.0.1:$PORT" --access-logfile /dev/null \
    --error-logfile "$work/$name.log" wsgi:app > "$work/$name.out" 2>&1 &
  local pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/salute" > /dev/null && break; sleep 0.2; done
  wrk -t2 -c"$CONNECTIONS" -d5s -s bench/workers.lua "http://127.0.0.1:$PORT/" > /dev/null  # warm-up
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s --latency -s bench/workers.lua \
    "http://127.0.0.1:$PORT/" > "$work/$name.wrk"
  kill "$pid"; wait "$pid" || true
  local died; died=$(grep -cE "SIGSEGV|WORKER TIMEOUT|was sent" "$work/$name.log" || true)
  printf '%-22s %8s req/s  p50 %8s  p99 %8s  non-2xx/3xx %s  workers died %s  load before %s\n' "$name" \
    "$(awk '/Requests\/sec/ {print $2}' "$work/$name.wrk")" \
    "$(awk '$1=="50%" {print $2}' "$work/$name.wrk")" "$(awk '$1=="99%" {print $2}' "$work/$name.wrk")" \
    "$(awk '/Non-2xx/ {print $NF}' "$work/$name.wrk" | grep . || echo 0)" "$died" "$load"
}

run "sync 2 workers" --workers 2
run "sync 4 workers" --workers 4
run "gthread 2 x 4 threads" --worker-class gthread --workers 2 --threads 4
echo "logs and wrk output: $work"
