"""Listing pages make a fixed number of SQL queries, whatever the data size."""

from contextlib import contextmanager

import pytest
from flask import current_app
from sqlalchemy import event

from app.accounts.models import Role
from app.audit.services import record
from app.auth import services as accounts
from app.platform import page_cache
from app.platform.extensions import db
from app.towns import services as towns


@contextmanager
def count_queries(keep_pages: bool = False):
    """The statements run inside the block; the public pages' cache is off unless `keep_pages`
    (by default a test measures a page's own cost, not the cache's), and the data kept per
    generation (page_cache.kept_for_generation) is built again: a page's cost when cold."""
    statements = []
    cache_bytes = current_app.config["PAGE_CACHE_BYTES"]
    if not keep_pages:
        current_app.config["PAGE_CACHE_BYTES"] = 0
        current_app.extensions[page_cache.EXTENSION].forget_data()

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        current_app.config["PAGE_CACHE_BYTES"] = cache_bytes


def add_rows(n: int, start: int, admin) -> None:
    for i in range(start, start + n):
        town = towns.create_town(f"Comune {i}", "CR", "Crema")
        towns.add_zone(town, f"Zona {i}")
        accounts.create_user(f"u{i}@example.org", f"Utente {i}", {Role.COORDINATOR, Role.COMMUNITY_MAKER})
        record(admin, "town.create", town.name)
    db.session.commit()


@pytest.mark.parametrize(
    "url", ["/", "/amministrazione/comuni/", "/amministrazione/utenti/", "/amministrazione/registro"]
)
def test_listing_pages_make_a_fixed_number_of_queries(as_admin, admin, url):
    add_rows(3, 0, admin)
    as_admin.get(url)  # warm up
    with count_queries() as few:
        assert as_admin.get(url).status_code == 200
    add_rows(20, 3, admin)
    with count_queries() as many:
        assert as_admin.get(url).status_code == 200
    assert few, "the counter saw no query"
    assert len(many) == len(few), many
