"""CPU per request of every rendered page, in process, and (on request) where it goes.

    export BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/legami_bench   # the district
    .venv/bin/python bench/profile_pages.py                    # every page: CPU ms per request
    .venv/bin/python bench/profile_pages.py activity center   # and a pyinstrument profile of these
    BENCH_RUNS=30 BENCH_PROFILE=cprofile .venv/bin/python bench/profile_pages.py home
    BENCH_PAGES=search .venv/bin/python bench/profile_pages.py search   # only the pages so named

Each page is requested through the Flask test client with the public pages' cache off
(`PAGE_CACHE_BYTES=0`: what a visitor gets after any change, and what signed-in people
always get), each request in its own app context and database session as in production.
It reports the process's CPU time per request (`time.process_time`, median and minimum of
BENCH_RUNS after 3 warm-up requests): far steadier than wall time on a shared machine, and
it leaves out the database server's own CPU. The query count per request is printed too.

BENCH_COMPARE=/path/to/an/older/checkout compares the two in one run: one process each, the
pages asked of them in turn (5 requests a page and side, the first one not counted, BENCH_ROUNDS rounds (6), the
side that goes first swapped each round), so both see the same load; it prints the median
and the minimum CPU ms of each (the minimum is the steadier on a busy machine).
BENCH_TWICE=<twice the district's database URL> does the same for this checkout on the district and
on twice it: the growth, measured alternately (this machine's speed varies 3x from minute to minute).

BENCH_DASHBOARD_PARTS=1 instead times each part of the dashboard's figures
(app/reports/aggregates.py: labs, activities, meetings, and the whole) in process, wall ms,
median of BENCH_RUNS after 2 warm-up calls, for the last 12 months, last calendar year and
the last 5 years.

BENCH_SQL=1 instead prints, per page, the time its statements take (sent to rows received, summed
per request, median of BENCH_RUNS) and its slowest statement: the database's share of a request.

BENCH_MEMORY=1 also sends 20,000 made-up query strings to the kept pages (cache on) and
prints the entries kept and the process's memory before and after.
"""

import cProfile
import json
import os
import pstats
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# BENCH_APP_DIR: profile another checkout (e.g. the code before a change) against the same data.
sys.path.insert(0, os.environ.get("BENCH_APP_DIR", str(ROOT)))

from sqlalchemy import event, select  # noqa: E402

from app import create_app  # noqa: E402
from app.platform import collector  # noqa: E402
from app.platform.extensions import db  # noqa: E402
from bench.district_bench import PASSWORD, chosen, targets  # noqa: E402

DATABASE_URL = os.environ["BENCH_DATABASE_URL"]
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
PROFILER = os.environ.get("BENCH_PROFILE", "pyinstrument")


def more_pages(pages: dict) -> dict:
    """The per-date pages and the indexes, found in the same data."""
    from app.agenda.models import CalendarOccurrence
    from app.civic_centers.models import Activity, CivicCenter
    from app.common.timeutil import today_in_rome
    from app.labs.models import Lab, LabSession

    center = db.session.scalar(select(CivicCenter).order_by(CivicCenter.id))
    activity = db.session.scalar(
        select(Activity).where(Activity.center_id == center.id).order_by(Activity.id)
    )
    lab = db.session.scalar(select(Lab).order_by(Lab.id))
    session = db.session.scalar(select(LabSession).where(LabSession.lab_id == lab.id).order_by(LabSession.id))
    today = today_in_rome()
    day = db.session.scalar(
        select(CalendarOccurrence.original_on)
        .where(CalendarOccurrence.activity_id == activity.id, CalendarOccurrence.day >= today_in_rome())
        .order_by(CalendarOccurrence.day)
    )
    return pages | {
        "calendar week (Christmas)": f"/calendario?vista=settimana&dal={today.year}-12-21",
        "activity date": f"/centri/{center.slug}/attivita/{activity.id}/data/{day.isoformat()}",
        "lab session": f"/laboratori/{lab.slug}/incontri/{session.id}",
        "centers": "/centri/",
        "labs": "/laboratori/",
        "groups": "/gruppi/",
        "dashboard (last 12 months)": f"/coordinamento/?dal={today - timedelta(days=365)}&al={today}",
    }


def speed() -> float:
    """CPU ms of a fixed pure-Python loop (the best of 3): compares machines, whose CPU ms per page
    differ by as much as 1.7 times (7 December 2026: 450-480 ms on a machine where the home took 13 ms)."""
    best = float("inf")
    for _ in range(3):
        started, total = time.process_time(), 0
        for n in range(3_000_000):
            total += n * n
        best = min(best, (time.process_time() - started) * 1000)
    return best


def signed_in(client, email: str) -> None:
    html = client.get("/accedi").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    response = client.post("/accedi", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code


def measure(client, path: str, queries: list) -> tuple[float, float, float, int]:
    """(CPU ms median, CPU ms min, wall ms median, queries) of RUNS requests after 3 warm-up ones."""
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    cpu, wall = [], []
    for _ in range(RUNS):
        queries.clear()
        started, clock = time.process_time(), time.perf_counter()
        response = client.get(path)
        cpu.append((time.process_time() - started) * 1000)
        wall.append((time.perf_counter() - clock) * 1000)
        assert response.status_code == 200, path
    return statistics.median(cpu), min(cpu), statistics.median(wall), len(queries)


def sql_time(app, client, pages: dict) -> None:
    """BENCH_SQL=1: the time each page waits on its statements (from sending one to having its rows,
    summed per request: mostly PostgreSQL's own work on this machine), beside the page's CPU; and
    each page's slowest statement. Under load the server's CPU is shared with the app's workers."""
    spent: list = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["legami_bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        spent.append(((time.perf_counter() - conn.info.pop("legami_bench_started")) * 1000, statement))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
    print(f"SQL wait per request, median of {RUNS} (after 3 warm-up requests), ms")
    print("| page | SQL ms | statements | slowest statement ms | its first words |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, path in pages.items():
        for _ in range(3):
            client.get(path)
        totals, slowest = [], (0.0, "")
        for _ in range(RUNS):
            spent.clear()
            client.get(path)
            totals.append(sum(ms for ms, _ in spent))
            slowest = max(slowest, *spent, key=lambda pair: pair[0]) if spent else slowest
        words = " ".join(slowest[1].split())[:60]
        print(
            f"| {name} | {statistics.median(totals):.2f} | {len(spent)} | {slowest[0]:.2f} | `{words}` |",
            flush=True,
        )


def profile(client, name: str, path: str) -> None:
    print(f"\n### {name}: {path} ({RUNS} requests)\n")
    if PROFILER == "cprofile":
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(RUNS):
            client.get(path)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(RUNS):
        client.get(path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def memory(app) -> None:
    """20,000 made-up query strings against the kept pages: entries and memory (ru_maxrss, KiB)."""
    from app.platform import page_cache

    client = app.test_client()
    paths = ["/", "/calendario", "/centri/", "/gruppi/", "/laboratori/"]
    for path in paths:
        client.get(path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for n in range(20_000):
        client.get(f"{paths[n % len(paths)]}?{urlencode({f'x{n}': n, 'utm_source': n})}")
    entries, counted = app.extensions[page_cache.EXTENSION].size()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\n20,000 made-up query strings: {entries} pages kept, {counted / 1024:.0f} KiB counted; "
          f"peak memory {before / 1024:.0f} → {after / 1024:.0f} MiB")  # fmt: skip


def serve(client, coordinator, pages: dict) -> None:
    """BENCH_SERVE: answer each page name read from stdin with the CPU ms of 5 requests (JSON)."""
    print(json.dumps(list(pages)), flush=True)
    for line in sys.stdin:
        name = line.strip()
        who = coordinator if "dashboard" in name else client
        cpu = []
        for _ in range(5):
            started = time.process_time()
            assert who.get(pages[name]).status_code == 200, name
            cpu.append((time.process_time() - started) * 1000)
        print(json.dumps(cpu), flush=True)


def compare(first: tuple[str, str, str], second: tuple[str, str, str], rounds: int) -> None:
    """Two sides, each (label, checkout, database), asked for the same pages alternately in one run:
    the code before and after a change (BENCH_COMPARE), or the district and twice it (BENCH_TWICE)."""
    sides = {}
    for label, app_dir, url in (first, second):
        env = os.environ | {"BENCH_APP_DIR": app_dir, "BENCH_SERVE": "1", "BENCH_DATABASE_URL": url}
        env.pop("BENCH_COMPARE", None)
        env.pop("BENCH_TWICE", None)
        process = subprocess.Popen(  # noqa: S603 - this very script
            [sys.executable, __file__], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        sides[label] = (process, json.loads(process.stdout.readline()))
    a, b = first[0], second[0]
    names = [name for name in sides[b][1] if name in sides[a][1]]
    cpu = {(side, name): [] for side in sides for name in names}
    loads = [os.getloadavg()[0]]
    for round_ in range(rounds):
        for name in names:
            for side in (a, b) if round_ % 2 == 0 else (b, a):
                process = sides[side][0]
                process.stdin.write(name + "\n")
                process.stdin.flush()
                cpu[(side, name)] += json.loads(process.stdout.readline())[1:]  # the first one warms up
        loads.append(os.getloadavg()[0])
    for process, _ in sides.values():
        process.stdin.close()
        process.wait()
    print(
        f"{a}: {first[1]}, {first[2]}; {b}: {second[1]}, {second[2]}; load average {min(loads):.1f}–{max(loads):.1f}"
    )
    print(f"| page | CPU ms {a}: median, min | {b}: median, min | {b} / {a} (median, min) |")
    print("| --- | ---: | ---: | ---: |")
    for name in names:
        was, now = cpu[(a, name)], cpu[(b, name)]
        medians, least = (statistics.median(was), statistics.median(now)), (min(was), min(now))
        print(
            f"| {name} | {medians[0]:.1f}, {least[0]:.1f} | {medians[1]:.1f}, {least[1]:.1f} "
            f"| {medians[1] / medians[0]:.2f}, {least[1] / least[0]:.2f} |"
        )


def dashboard_parts() -> None:
    """Each part of the dashboard's figures, timed in process (wall ms: most of it is the database's)."""
    from datetime import date, datetime

    from app.common.timeutil import ROME, today_in_rome
    from app.reports import aggregates
    from app.reports.period import Period
    from app.reports.services import Figures

    app = create_app({"DATABASE_URL": DATABASE_URL, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    parts = ("lab_figures", "activity_figures", "meeting_figures", "figures")
    with app.app_context():
        today, now = today_in_rome(), datetime.now(ROME)
        periods = {
            "last 12 months": Period(today - timedelta(days=365), today),
            str(today.year - 1): Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
            "last 5 years": Period(today - timedelta(days=5 * 366), today),
        }
        print(f"wall ms, median of {RUNS}; load average {os.getloadavg()[0]:.1f}")
        print("| period | labs | activities | meetings | all |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, period in periods.items():
            cells = []
            for part in parts:
                times = []
                for _ in range(RUNS + 2):
                    started = time.perf_counter()
                    getattr(aggregates, part)(period, now, Figures())
                    times.append((time.perf_counter() - started) * 1000)
                    db.session.rollback()
                cells.append(f"{statistics.median(times[2:]):.1f}")
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


def main() -> None:
    if os.environ.get("BENCH_DASHBOARD_PARTS"):
        dashboard_parts()
        return
    if os.environ.get("BENCH_COMPARE"):
        before = ("before", os.environ["BENCH_COMPARE"], DATABASE_URL)
        compare(before, ("after", str(ROOT), DATABASE_URL), int(os.environ.get("BENCH_ROUNDS", "6")))
        return
    if os.environ.get("BENCH_TWICE"):
        district = ("district", str(ROOT), DATABASE_URL)
        compare(
            district,
            ("twice", str(ROOT), os.environ["BENCH_TWICE"]),
            int(os.environ.get("BENCH_ROUNDS", "6")),
        )
        return
    import app as package

    pages, email = targets(DATABASE_URL)
    # The generation trusted for a second, as in production: data kept per generation (the
    # filters' choices, the home's towns) is read again after a change, not on every request.
    config = {
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": "bench",
        "LOG_LEVEL": "WARNING",
        "PAGE_GENERATION_SECONDS": 1,
    }
    app = create_app(config | {"PAGE_CACHE_BYTES": 0, "RATELIMIT_ENABLED": False})
    with app.app_context():
        pages = chosen(more_pages(pages))
    queries: list = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: queries.append(1))
    client, coordinator = app.test_client(), app.test_client()
    signed_in(coordinator, email)
    # As wsgi.py does in each worker: the started app out of the collector's sight (without it a full
    # collection, due every hundred requests or so, walked ~300,000 objects inside the measured CPU).
    collector.freeze_start()
    if os.environ.get("BENCH_SERVE"):
        serve(client, coordinator, pages)
        return
    if os.environ.get("BENCH_SQL"):
        sql_time(app, client, {n: p for n, p in pages.items() if "dashboard" not in n})
        return
    print(
        f"{package.__file__}: CPU per request, rendered (cache off), median and min of {RUNS}, ms; "
        f"load average {os.getloadavg()[0]:.1f}; this machine's speed: {speed():.0f} ms for a fixed loop"
    )
    print("| page | CPU ms (median) | min | wall ms (median) | queries |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, path in pages.items():
        median, least, wall, count = measure(coordinator if "dashboard" in name else client, path, queries)
        print(f"| {name} | {median:.1f} | {least:.1f} | {wall:.1f} | {count} |", flush=True)
    for name in sys.argv[1:]:
        profile(coordinator if "dashboard" in name else client, name, pages[name])
    if os.environ.get("BENCH_MEMORY"):
        memory(create_app(config | {"RATELIMIT_ENABLED": False}))


if __name__ == "__main__":
    main()
