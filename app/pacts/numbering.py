"""Pact numbers PG-YYYY-NNN: one counter row per year, incremented under a row lock.

Two operators saving a pact at the same moment get consecutive numbers: the
UPDATE ... RETURNING locks the year's row (PostgreSQL) or runs inside the
write lock that every POST takes (SQLite, see app/platform/database.py). The unique
(year, seq) constraint on pacts is the last line of defence.
"""

from sqlalchemy import insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.pacts.models import PactCounter
from app.platform.extensions import db


def format_number(year: int, seq: int) -> str:
    return f"PG-{year}-{seq:03d}"


def _ensure_counter(year: int) -> None:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = pg_insert(PactCounter).values(year=year, last=0).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite_insert(PactCounter).values(year=year, last=0).on_conflict_do_nothing()
    else:  # pragma: no cover - the portal runs on SQLite and PostgreSQL only
        statement = insert(PactCounter).values(year=year, last=0)
    db.session.execute(statement)


def next_number(year: int) -> tuple[int, str]:
    """The next sequence number of `year` and its formatted pact number."""
    _ensure_counter(year)
    seq = db.session.execute(
        update(PactCounter)
        .where(PactCounter.year == year)
        .values(last=PactCounter.last + 1)
        .returning(PactCounter.last)
    ).scalar_one()
    return seq, format_number(year, seq)
