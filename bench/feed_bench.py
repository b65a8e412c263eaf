"""Benchmark: the everything-feed with 2,000 weekly activities, cold, warm and 304.

Run:  .venv/bin/python bench/feed_bench.py            (SQLite in a temporary folder)
      BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/feed_bench.py
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, text

from app import create_app
from app.agenda import feed_memory
from app.agenda.models import EventFragment, FeedCache
from app.civic_centers.models import Activity, ActivityStatus, CivicCenter, Closure
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from app.towns.services import create_town

CENTERS, PER_CENTER = 100, 20
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
CPU: list[float] = []


def populate() -> None:
    today = today_in_rome()
    towns = [create_town(f"Comune {n}", "CR", "Crema") for n in range(50)]
    for c in range(CENTERS):
        center = CivicCenter(
            name=f"Centro {c}", slug=f"centro-{c}", kind="other", town=towns[c % 50], address="Via Roma 1"
        )
        center.closures.append(
            Closure(start_on=today + timedelta(days=30), end_on=today + timedelta(days=40), reason="Vacanze")
        )
        db.session.add(center)
        for a in range(PER_CENTER):
            day = a % 5
            db.session.add(Activity(
                center=center, title=f"Attività {c}-{a}", audience="children", category="sport",
                status=ActivityStatus.PUBLISHED, start_on=today - timedelta(days=today.weekday() - day + 7),
                start_time=clock(16, 30), end_time=clock(18), freq="weekly", interval=1, weekdays=str(day),
                until_on=today + timedelta(days=300), description="Un'attività settimanale per i bambini.",
            ))  # fmt: skip
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Table statistics, as autovacuum gathers them within a minute of such a load: without
        # them the planner takes these fresh tables for empty ones.
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def timed(client, **kwargs) -> tuple[float, int, bytes]:
    """Wall-clock ms, status, response; the bench process's CPU ms go to `CPU` (steadier on a shared machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get("/ical/tutto.ics", **kwargs)
    CPU.append((time.process_time() - cpu) * 1000)
    return (time.perf_counter() - started) * 1000, response.status_code, response


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="legami-bench-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    app = create_app(
        {"SECRET_KEY": "bench", "DATABASE_URL": url, "INSTANCE_PATH": workdir, "LOG_LEVEL": "WARNING"}
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        populate()
    # Requests run outside the bench's app context, as in production: each
    # gets its own context and database session, and closes it.
    client = app.test_client()
    first, cold, warm, not_modified = [], [], [], []
    for run in range(RUNS):
        with app.app_context():
            db.session.execute(delete(FeedCache))
            db.session.execute(delete(EventFragment))
            db.session.commit()
        feed_memory.init_app(app)  # and nothing in this process's memory: a fresh worker
        ms, status, response = timed(client)
        assert status == 200
        first.append(ms)
        with app.app_context():  # one activity changes: the next request rebuilds the feed
            db.session.get(Activity, run + 1).touch()
            db.session.commit()
        ms, status, response = timed(client)
        assert status == 200
        cold.append(ms)
        ms, status, response = timed(client)
        warm.append(ms)
        etag = response.headers["ETag"]
        ms, status, _ = timed(client, headers={"If-None-Match": etag})
        assert status == 304
        not_modified.append(ms)
    events = response.data.count(b"BEGIN:VEVENT")
    size_kb = len(response.data) / 1024
    with app.app_context():
        db.drop_all()
    print(f"database: {url.split(':')[0]}, {events} events, {size_kb:.0f} KiB, median of {RUNS} runs")
    print("| request | median ms | max ms | median CPU ms (this process) |")
    print("| --- | ---: | ---: | ---: |")
    rows = (
        ("first build (nothing cached, e.g. after a deploy)", first),
        ("cold (feed rebuilt after one activity changed)", cold),
        ("warm (cached bytes)", warm),
        ("304 (If-None-Match)", not_modified),
    )
    for n, (name, values) in enumerate(rows):
        cpu = statistics.median(CPU[n::4])
        print(f"| {name} | {statistics.median(values):.0f} | {max(values):.0f} | {cpu:.0f} |")


if __name__ == "__main__":
    main()
