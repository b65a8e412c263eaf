"""Benchmark: Per il tuo tempo's catalogue page and a provider's day queue, at the scale of the
district's first months (issue 24): a dozen providers with 10 services each, and a provider with
60 orders on one day among 3,800 orders in all.

Run:  .venv/bin/python bench/conciliation_bench.py      (SQLite in a temporary folder)
      BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/conciliation_bench.py
(BENCH_RUNS=30 by default.) Requests go through the Flask test client in-process, each in its
own app context and database session as in production; prints per page the SQL statements per
request and the median, p95 and max wall time. The public page cache is off (the page's own cost).
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

from sqlalchemy import event, insert, text

from app import create_app
from app.auth import services as accounts
from app.common.timeutil import today_in_rome, utcnow
from app.conciliation.models import Order
from app.platform.extensions import db
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


def main() -> None:
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
