"""Issue 13, done when: 4 gunicorn sync workers on SQLite, 5 writers, 5 readers and audited
exports together give no "database is locked" and no 5xx (bench/concurrency_bench.py, 20 s)."""

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.labs.models import Registration
from app.platform.extensions import db
from bench import concurrency_bench as bench

pytestmark = pytest.mark.slow
SECONDS = 20


def test_writers_readers_and_exports_together_on_sqlite(app, db_url, tmp_path):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock is what this measures")
    bench.seed()
    db.engine.dispose()
    process, port, log_path = bench.start(db_url, tmp_path)
    try:
        results = bench.load(port, SECONDS)
    finally:
        bench.stop(process)
    log = log_path.read_text()
    assert log.count("database is locked") == 0, log[-3000:]
    assert [r for r in results if r[1] >= 500] == [], log[-3000:]
    assert [r for r in results if not r[2]] == []
    kinds = {kind: sum(1 for r in results if r[0] == kind) for kind in {r[0] for r in results}}
    assert min(kinds.values()) >= 5, kinds
    exports = kinds["export (audited GET)"]
    assert (
        db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action.like("export.%")))
        == exports
    )
    assert db.session.scalar(select(func.count(Registration.id))) == kinds["write (lab sign-up)"]
