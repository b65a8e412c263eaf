"""Benchmark: Per il tuo tempo's catalogue page and a provider's day queue, at the scale of the
district's first months (issue 24): a dozen providers with 10 services each, and a provider with
60 orders on one day among 3,800 orders in all.

Run:  .venv/bin/python bench/conciliation_bench.py      (SQLite in a temporary folder)
      BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/conciliation_bench.py
(BENCH_RUNS=30 by default.) Requests go through the Flask test client in-process, each in its
own app context and database session as in production; prints per page the SQL statements per
request and the median, p95 and max wall time. The public page cache is off (the page's own cost).

Served, on the district (`flask demo load --scale district`, which holds a year of Per il tuo tempo):
      BENCH_SERVED=1 BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/NAME \
      .venv/bin/python bench/conciliation_bench.py          # BENCH_SECONDS=8, BENCH_PORT=8110
counts each page's SQL statements in-process on that database, then serves it as in production
(gunicorn, 4 sync workers: bench/district_bench.py's settings) twice: as in production (the
catalogue kept for visitors and the queue for each staff member until the data changes), then with
the page cache off (every request rendered: the first read after a change); prints each page's
median of 15 requests one at a time and `wrk -t2 -c50` (50 connections): requests/s, p50, p99.
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

from sqlalchemy import event, insert, select, text

from app import create_app
from app.auth import services as accounts
from app.common.timeutil import today_in_rome, utcnow
from app.conciliation import demo_district as district
from app.conciliation.models import Order, ProviderStaff
from app.platform.extensions import db
from app.towns.models import Town
from tests.conciliation_market_support import make_provider, make_service
from tests.conftest import Browser, make_config
from tests.factories import town

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
PASSWORD = "una password lunga e sicura"  # noqa: S105 - a throwaway bench account


def load() -> tuple[int, str]:
    towns = [town(f"Comune {i}") for i in range(20)]
    staff = accounts.create_user("staff@bench.example", "Staff Bench", set())
    staff.set_password(PASSWORD)
    residents = [accounts.create_user(f"r{i}@bench.example", f"Residente {i}", set()) for i in range(280)]
    providers, services = [], []
    for p in range(12):
        provider = make_provider(
            f"Cooperativa {p}", f"{p + 1:010d}", towns=towns, staff=staff if p == 0 else None
        )
        providers.append(provider)
        for s in range(10):
            services.append(make_service(provider, towns[s % 20 : s % 20 + 3], title=f"Servizio {p}-{s}"))
    db.session.flush()
    day = today_in_rome() + timedelta(days=2)
    rows, now = [], utcnow()
    for i in range(3800):
        service = services[i % len(services)]
        on = day if (i % len(services) < 10 and i < 600) else day - timedelta(days=1 + i % 300)
        rows.append({
            "service_id": service.id, "provider_id": service.provider_id, "user_id": residents[i % 280].id,
            "town_id": towns[0].id, "day": on, "start_time": clock(8 + i % 12), "quantity": 1 + i % 3,
            "unit_cents": 1200, "total_cents": 1200, "voucher_cents": 0, "family_cents": 1200,
            "is_alliance_price": False, "address": "Via Roma 1", "note": "", "state": "requested",
            "refusal_reason": "", "created_at": now, "version": 1,
        })  # fmt: skip
    db.session.execute(insert(Order), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return providers[0].id, day.isoformat()


def measure(browser: Browser, url: str, expect: str) -> tuple[int, list[float]]:
    statements: list[str] = []

    def count(*_args):
        statements.append("")

    assert expect in browser.get(url).get_data(as_text=True)  # warm up
    event.listen(db.engine, "before_cursor_execute", count)
    browser.get(url)
    event.remove(db.engine, "before_cursor_execute", count)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = browser.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return len(statements), times


def served() -> None:
    """The catalogue and the busiest day of the first provider's queue, on the district, served."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import district_bench as served_bench  # reads BENCH_DATABASE_URL when imported: served mode only

    url = os.environ["BENCH_DATABASE_URL"]
    app = create_app(make_config(url, tempfile.mkdtemp(prefix="conciliation-bench-"), PAGE_CACHE_BYTES=0))
    with app.app_context():
        staff = accounts.find_by_email(district.staff_email(0))
        staff.set_password(served_bench.PASSWORD)
        db.session.commit()
        provider_id = db.session.scalar(
            select(ProviderStaff.provider_id).where(ProviderStaff.user_id == staff.id)
        )
        town_slug = db.session.scalar(select(Town.slug).order_by(Town.id))
        day = (today_in_rome() + timedelta(days=2)).isoformat()
        pages = {
            "catalogue, all towns": "/per-il-tuo-tempo/",
            "catalogue, one town": f"/per-il-tuo-tempo/?comune={town_slug}",
            f"provider's day queue ({district.QUEUE_PER_DAY} orders)": f"/per-il-tuo-tempo/fornitori/{provider_id}/ordini?giorno={day}",
        }  # fmt: skip
        browser = Browser(app.test_client())
        counts = {}
        for name, page in pages.items():
            if "queue" in name:
                browser.login(staff, served_bench.PASSWORD)
            counts[name] = measure(browser, page, "")[0]
        db.session.remove()
        db.engine.dispose()
    print(f"served: gunicorn {' '.join(served_bench.WORKERS)}, wrk -t2 -c{served_bench.CONNECTIONS} "
          f"-d{served_bench.SECONDS}s, load average {os.getloadavg()[0]:.1f} at the start")  # fmt: skip
    # As in production (the catalogue kept for visitors, the queue for each staff member, until the
    # data changes), then with every request rendered (the first read after a change).
    for mode, cache in (("kept until a change", {}), ("rendered every request", {"PAGE_CACHE_BYTES": "0"})):
        print(f"-- {mode}")
        serve(served_bench, url, pages, counts, cache)


def serve(served_bench, url: str, pages: dict, counts: dict, cache: dict) -> None:
    env = served_bench.production_env(url, **cache)
    portal = served_bench.start("wsgi:app", served_bench.PORT, env)
    floor = served_bench.start("bench.floor_app:app", served_bench.FLOOR_PORT, env)
    try:
        row = served_bench.wrk(
            served_bench.FLOOR_PORT, "/"
        )  # a one-line Flask route: what the machine allows now
        print(f"{'floor (one-line route)':36}   -            {row['rps']:6.1f} req/s  p50 {row['p50']:6.1f} ms  "
              f"p99 {row['p99']:6.1f} ms")  # fmt: skip
        session = served_bench.login(district.staff_email(0), served_bench.PORT)
        for name, page in pages.items():
            headers = session if "queue" in name else None
            single = served_bench.single(served_bench.PORT, page, headers)
            row = served_bench.wrk(served_bench.PORT, page, headers)
            print(f"{name:36} {counts[name]:3d} queries  one at a time {single:6.1f} ms  {row['rps']:6.1f} req/s  "
                  f"p50 {row['p50']:6.1f} ms  p99 {row['p99']:6.1f} ms  errors {row['errors']}")  # fmt: skip
    finally:
        for process in (portal, floor):
            process.terminate()
            process.wait()


def main() -> None:
    if os.environ.get("BENCH_SERVED"):
        served()
        return
    folder = tempfile.mkdtemp(prefix="conciliation-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app(make_config(url, folder, PAGE_CACHE_BYTES=0))
    with app.app_context():
        db.drop_all()
        db.create_all()
        provider_id, day = load()
        browser = Browser(app.test_client())
        base = "/per-il-tuo-tempo"
        pages = [("catalogue, all towns", f"{base}/", "Servizio 11-9"),
                 ("catalogue, one town", f"{base}/?comune=comune-1", "Servizio 0-1")]  # fmt: skip
        results = [(name, *measure(browser, page, expect)) for name, page, expect in pages]
        browser.login(accounts.find_by_email("staff@bench.example"), PASSWORD)
        queue = f"{base}/fornitori/{provider_id}/ordini?giorno={day}"
        results.append(("provider's day queue (60 orders)", *measure(browser, queue, "Via Roma 1, Comune 0")))
        print(f"{db.engine.dialect.name}, {RUNS} runs")
        for name, queries, times in results:
            ordered = sorted(times)
            p95 = ordered[int(len(ordered) * 0.95) - 1]
            print(f"{name:36} {queries:3d} queries  median {statistics.median(times):6.1f} ms  "
                  f"p95 {p95:6.1f} ms  max {max(times):6.1f} ms")  # fmt: skip
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


if __name__ == "__main__":
    main()
