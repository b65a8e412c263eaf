"""The calendar's statements write the statuses they list, so that PostgreSQL's generic plan (what a
statement psycopg has prepared may run with) can still prove the partial indexes' conditions: a
month's days read from `ix_occurrences_shown_day`, its closed days from `ix_occurrences_closed_day`.
"""

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import psycopg

from app.agenda import listing
from app.agenda.services import Filters
from app.platform.extensions import db

FIRST, LAST = date(2026, 12, 1), date(2026, 12, 31)


def test_the_listed_statuses_are_written_not_bound(app):
    with app.app_context():
        compiled = listing.shown(Filters(), FIRST, LAST, listing.LISTED).compile(db.engine)
        sql = str(compiled)
        assert all(f"'{status}'" in sql for status in listing.LISTED)
        assert not any(name.startswith("status") for name in compiled.params)


def _generic_plan(statement, values: dict) -> str:
    """EXPLAIN of the statement prepared and run with PostgreSQL's generic plan."""
    compiled = statement.compile(dialect=psycopg.dialect(paramstyle="numeric_dollar"))
    values = compiled.params | values
    arguments = ", ".join(f"'{values[name]}'" for name in compiled.positiontup)
    connection = db.session.connection()
    connection.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    connection.execute(text("SET LOCAL enable_seqscan = off"))  # a test's few rows: seek the index
    connection.exec_driver_sql(f"PREPARE listed AS {compiled}")
    try:
        rows = connection.exec_driver_sql(f"EXPLAIN EXECUTE listed({arguments})")
        return "\n".join(row[0] for row in rows)
    finally:
        connection.exec_driver_sql("DEALLOCATE listed")


def test_a_months_days_and_closed_days_use_the_partial_indexes_in_a_generic_plan(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's plans (TEST_DATABASE_URL)")
        days = (LAST - FIRST).days + 1
        rows, _ = listing._per_day_statements(days, (), (None, False, False, None), 3, listing.LISTED, True)
        plan = _generic_plan(rows, {"first": FIRST, "last": LAST})
        assert "ix_occurrences_shown_day" in plan, plan
        closed = listing._closed_statement((), (None, False, False, None), False)
        assert "ix_occurrences_closed_day" in _generic_plan(closed, {"first": FIRST, "last": LAST})
