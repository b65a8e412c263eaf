"""On PostgreSQL a GET that wrote nothing ends its transaction with a commit (app/platform/database.py),
so that psycopg keeps the statements it has prepared; anything written keeps the rollback."""

import os

import pytest
from sqlalchemy import func, select, text

from app.platform import database
from app.platform.extensions import db
from app.towns.models import Town
from tests import factories

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL's prepared statements (TEST_DATABASE_URL)"
)
# One connection, and every page rendered (none kept): each request runs the statements on it.
ONE_CONNECTION = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0, "pool_pre_ping": True},
    "PAGE_CACHE_BYTES": 0,
}


@pytest.mark.parametrize("app", [ONE_CONNECTION], indirect=True)
def test_the_calendars_statements_stay_prepared_from_request_to_request(app, browser):
    factories.activity(factories.center())
    for _ in range(7):  # psycopg prepares a statement the 6th time a connection runs it
        assert "Calendario" in browser.get("/calendario").get_data(as_text=True)
    db.session.commit()  # the one connection back in the pool, then taken again here
    prepared = db.session.scalar(
        text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM occurrences%'")
    )
    assert prepared >= 1


def test_a_get_that_read_commits_and_one_that_wrote_does_not(app):
    with app.test_request_context("/calendario", method="GET"):
        db.session.scalar(select(func.count(Town.id)))
        database.end_read_only(None)
        assert not db.session().in_transaction()  # committed
    with app.test_request_context("/calendario", method="GET"):
        db.session.add(Town(name="Ripalta", slug="ripalta", province="CR", district="Crema"))
        db.session.flush()
        database.end_read_only(None)
        assert db.session().in_transaction()  # left to the rollback
        db.session.rollback()
    assert db.session.scalar(select(func.count(Town.id)).where(Town.slug == "ripalta")) == 0


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_post_and_an_unflushed_change_are_left_to_the_rollback(app, method):
    with app.test_request_context("/", method=method):
        town = factories.town("Offanengo")
        db.session.commit()
        town.name = "Cambiato"  # pending, not flushed
        database.end_read_only(None)
        assert db.session().in_transaction()  # not committed: the change stays unsaved
        db.session.rollback()
        assert db.session.scalar(select(Town.name).where(Town.id == town.id)) == "Offanengo"


def test_a_text_statement_counts_as_a_write(app):
    with app.test_request_context("/", method="GET"):
        db.session.execute(text("SELECT 1"))
        database.end_read_only(None)
        assert db.session().in_transaction()
        db.session.rollback()
