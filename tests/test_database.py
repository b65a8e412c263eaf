"""SQLite is set up for several worker processes writing at once; PostgreSQL without its JIT."""

import multiprocessing

import pytest
from sqlalchemy import func, select, text

from app import create_app
from app.platform.extensions import db
from app.towns.models import Town, Zone

WRITERS = 6
WRITES_EACH = 15


@pytest.fixture
def sqlite_only(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite-specific")


def test_sqlite_pragmas(app, sqlite_only):
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_postgresql_connections_run_without_the_jit_compiler(app, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL-specific")
    assert db.session.execute(text("SHOW jit")).scalar() == "off"
    # on every connection of the pool, not only the first one
    with db.engine.connect() as first, db.engine.connect() as second:
        assert {c.exec_driver_sql("SHOW jit").scalar() for c in (first, second)} == {"off"}


def test_foreign_keys_are_enforced(app):
    db.session.add(Zone(town_id=424242, name="Orfano", slug="orfano"))
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        db.session.flush()
    db.session.rollback()


def _writer(url: str, worker: int, queue) -> None:
    """One 'gunicorn worker': its own app and engine, writing in short transactions."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
    errors = []
    with app.app_context():
        for n in range(WRITES_EACH):
            try:
                # Read, then write, in one transaction: the pattern that fails
                # with "database is locked" when transactions begin deferred.
                count = db.session.scalar(select(func.count(Town.id)))
                db.session.add(Town(name=f"W{worker}-{n}", slug=f"w{worker}-{n}", district=str(count)))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported to the parent
                db.session.rollback()
                errors.append(repr(error))
    queue.put(errors)


def test_several_processes_writing_at_once_never_see_database_is_locked(app, db_url):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_writer, args=(db_url, w, queue)) for w in range(WRITERS)]
    for process in workers:
        process.start()
    errors = [e for _ in workers for e in queue.get(timeout=120)]
    for process in workers:
        process.join(timeout=30)
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Town.id))) == WRITERS * WRITES_EACH
