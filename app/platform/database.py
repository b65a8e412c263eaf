"""Database engine set-up: SQLite pragmas and write locking; read-only requests that end with a commit."""

import logging
from contextlib import contextmanager

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.platform.extensions import db

# Requests that never write (nothing changes state on GET) read from a WAL
# snapshot without taking any lock.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The one exception: reading a pact writes its read log, so those pages
# take the write lock up front like a POST.
WRITING_GET_BLUEPRINTS = frozenset({"pacts"})

SQLITE_BUSY_TIMEOUT_MS = 15000

logger = logging.getLogger(__name__)


def app_session():
    """The application's request-scoped session, or None outside an application context.

    Session-wide hooks (stored occurrences, the pages' generation) act only on it."""
    try:
        return db.session()
    except RuntimeError:
        return None


def configure_engine(engine: Engine) -> None:
    """Make SQLite safe for several worker processes; PostgreSQL without its JIT compiler."""
    if engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A transaction that may write takes the write lock up front: a
        # deferred one that later upgrades to a writer fails at once with
        # "database is locked" instead of waiting for busy_timeout.
        if (
            has_request_context()
            and request.method in READ_ONLY_METHODS
            and request.blueprint not in WRITING_GET_BLUEPRINTS
            and not g.get("writing")
        ):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def write_transaction(session):
    """A short transaction of its own that may write, even inside a GET.

    The request's transaction ends first (a GET's is a read snapshot, which
    SQLite could not turn into a writer once another process has written);
    the new one takes the write lock up front and waits for it like a POST
    (busy_timeout). It commits at the end of the block, or rolls back.
    """
    session.commit()
    previous, g.writing = g.get("writing", False), True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        g.writing = previous


# --- read-only requests end with a commit (PostgreSQL) -------------------------------------------
#
# psycopg prepares a statement on a connection once it has run it 5 times, and PostgreSQL then
# plans it once instead of on every run (a calendar day's statement: 0.4-1.2 ms of planning). But
# psycopg forgets every prepared statement when a transaction is rolled back, and a request's
# transaction used to end that way, read-only or not: nothing was ever prepared. A GET that wrote
# nothing now ends with a commit, which for a transaction that wrote nothing is what a rollback
# is; anything written, flushed or pending keeps the rollback.
WROTE = "legami_wrote"


def _note_flush(session: Session, _context) -> None:
    session.info[WROTE] = True


def _note_statement(state) -> None:
    if not state.is_select:  # an INSERT, UPDATE or DELETE, or a text statement: taken as a write
        state.session.info[WROTE] = True


def _forget_writes(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended
        session.info.pop(WROTE, None)


def end_read_only(exc: BaseException | None) -> None:
    """Commit the transaction of a GET (HEAD, OPTIONS) that read only; leave the rest to the rollback."""
    if exc is not None or request.method not in READ_ONLY_METHODS:
        return
    session = app_session()
    if session is None or not session.in_transaction() or session.info.get(WROTE):
        return
    if session.new or session.dirty or session.deleted:
        return
    try:
        session.commit()
    except SQLAlchemyError:  # the connection went away: the page is made, the pool will replace it
        logger.warning("a read-only request's commit failed", exc_info=True)
        try:
            session.rollback()
        except SQLAlchemyError:
            logger.warning("and so did its rollback", exc_info=True)


def _configure_postgresql(engine: Engine) -> None:
    # The app's statements are short lookups. Above `jit_above_cost` PostgreSQL compiles a plan
    # before running it, and a prepared statement's generic plan can be costed that high: seen
    # here adding 9 ms to a calendar day's statement that ran in 1. Set once per connection, as
    # SQLAlchemy's own recipe sets a search path (a startup option would override PGOPTIONS and
    # is refused by some poolers).
    @event.listens_for(engine, "connect")
    def without_jit(dbapi_connection, _record):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET SESSION jit = off")
        dbapi_connection.autocommit = autocommit


def init_app(app: Flask) -> None:
    """PostgreSQL only: SQLite keeps no prepared statements across transactions to save."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
    for name, hook in (
        ("after_flush", _note_flush), ("do_orm_execute", _note_statement),
        ("after_transaction_end", _forget_writes),
    ):  # fmt: skip
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
    app.teardown_request(end_read_only)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic: leave out the full-text search objects, which no model
    describes (they are created by app/minutes/search.py and migration 0004,
    app/agenda/search.py and migration 0028)."""
    if type_ == "table" and name and name.startswith(("minutes_fts", "search_fts")):
        return False
    return not (
        type_ == "index" and name in ("ix_minutes_search_document_fts", "ix_search_entries_document_fts")
    )
