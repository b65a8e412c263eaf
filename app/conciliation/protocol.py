"""Protocol numbers PTT-YYYY-NNNN: one counter row per year, incremented under a row lock.

The counter moves in the same transaction as the application it numbers: a refused or failed
application rolls the counter back with it, so numbers are gap-free. Two residents submitting at
the same moment get consecutive numbers: the UPDATE ... RETURNING locks the year's row
(PostgreSQL) or runs inside the write lock every POST takes (SQLite, app/platform/database.py).
The unique (year, seq) constraint on applications is the last line of defence.
"""

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.conciliation.voucher_models import ProtocolCounter
from app.platform.extensions import db

PREFIX = "PTT"


def format_number(year: int, seq: int) -> str:
    return f"{PREFIX}-{year}-{seq:04d}"


def next_number(year: int) -> tuple[int, str]:
    """The next sequence number of `year` and its formatted protocol number."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(ProtocolCounter).values(year=year, last=0).on_conflict_do_nothing())
    seq = db.session.execute(
        update(ProtocolCounter)
        .where(ProtocolCounter.year == year)
        .values(last=ProtocolCounter.last + 1)
        .returning(ProtocolCounter.last)
    ).scalar_one()
    return seq, format_number(year, seq)
