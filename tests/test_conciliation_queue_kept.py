"""A provider's day queue is kept for each person who reads it, until the data changes: never
another person's page, never after the right to read it is gone."""

import time

import pytest
from sqlalchemy import delete, update

from app.accounts.models import User
from app.conciliation import orders
from app.conciliation.models import ProviderStaff
from app.platform.extensions import db
from tests.conciliation_market_support import build, future_day, place
from tests.conftest import Browser, text
from tests.test_page_cache import kept_entries, statements

BASE = "/per-il-tuo-tempo"


@pytest.fixture
def market(app, make_user):
    return build(make_user)


def signed_in(browser, user) -> None:
    browser.login(user)
    browser.get("/")  # the welcome message is shown, and not kept, there


def queue_url(market) -> str:
    return f"{BASE}/fornitori/{market.provider.id}/ordini?giorno={future_day().isoformat()}"


def tables_read(statements: list[str]) -> list[str]:
    return [statement.split("FROM")[1].split()[0] for statement in statements]


@pytest.mark.parametrize(
    "app,tables",
    [
        ({}, ["page_generation", "users"]),  # the kept page's generation, then who is signed in
        ({"PAGE_GENERATION_SECONDS": 3600}, []),  # both trusted within the seconds: no query at all
    ],
    indirect=["app"],
)
def test_the_queue_read_again_reads_the_same_and_costs_at_most_the_login(
    app, browser, market, make_user, tables
):
    place(make_user("chiara@example.org", [], "Chiara Ferrari"), market)
    db.session.commit()
    signed_in(browser, market.staff)
    url = queue_url(market)
    first = text(browser.get(url))
    with statements() as seen:
        again = text(browser.get(url))
    assert again == first and "Chiara Ferrari" in again and "Elena Pavesi" in again
    assert tables_read(seen) == tables


@pytest.mark.parametrize("app", [{"PAGE_GENERATION_SECONDS": 3600}], indirect=True)
def test_sessions_ended_in_this_worker_get_no_kept_page(app, browser, market):
    signed_in(browser, market.staff)
    assert "Elena Pavesi" in text(browser.get(queue_url(market)))
    market.staff.end_all_sessions()  # "esci da tutti i dispositivi", or a new password
    db.session.commit()
    assert browser.get(queue_url(market)).status_code == 302  # to sign in again


@pytest.mark.parametrize("app", [{"PAGE_GENERATION_SECONDS": 0.2}], indirect=True)
def test_sessions_ended_in_another_worker_get_no_kept_page_after_the_trusted_seconds(app, browser, market):
    signed_in(browser, market.staff)
    url, staff_id = queue_url(market), market.staff.id
    assert browser.get(url).status_code == 200
    db.session.close()
    with db.engine.begin() as connection:  # written behind this process's back, as another worker would
        connection.execute(update(User).where(User.id == staff_id).values(session_token="altro"))
    time.sleep(0.25)
    assert browser.get(url).status_code == 302


@pytest.mark.parametrize("app", [{"PAGE_GENERATION_SECONDS": 3600}], indirect=True)
def test_a_login_elsewhere_leaves_the_login_trusted(app, browser, market, coordinator):
    signed_in(browser, market.staff)
    url = queue_url(market)
    browser.get(url)
    signed_in(Browser(app.test_client()), coordinator)  # writes only the time of the last login
    with statements() as seen:
        assert "Elena Pavesi" in text(browser.get(url))
    assert seen == []


def test_another_person_never_gets_the_kept_page(app, market, make_user, coordinator):
    place(make_user("chiara@example.org", [], "Chiara Ferrari"), market)
    db.session.commit()
    staff, other = Browser(app.test_client()), Browser(app.test_client())
    signed_in(staff, market.staff)
    assert "Elena Pavesi" in text(staff.get(queue_url(market)))
    signed_in(other, coordinator)
    page = text(other.get(queue_url(market)))
    assert "Carlo Coordinatore" in page and "Elena Pavesi" not in page and "Chiara Ferrari" in page
    assert kept_entries(app) == 2


def test_an_order_answered_shows_at_once(app, browser, market, make_user):
    order = place(make_user("chiara@example.org", [], "Chiara Ferrari"), market)
    db.session.commit()
    signed_in(browser, market.staff)
    assert "Stato: In attesa di risposta" in text(browser.get(queue_url(market)))
    orders.accept(order)
    db.session.commit()
    assert "Stato: Accettato" in text(browser.get(queue_url(market)))


def test_a_staff_member_removed_is_refused_at_once(app, browser, market):
    signed_in(browser, market.staff)
    assert browser.get(queue_url(market)).status_code == 200
    db.session.execute(delete(ProviderStaff).where(ProviderStaff.user_id == market.staff.id))
    db.session.commit()
    assert browser.get(queue_url(market)).status_code == 403


def test_a_visitor_is_sent_to_sign_in_and_a_bad_day_is_not_kept(app, browser, market):
    assert browser.get(queue_url(market)).status_code == 302
    signed_in(browser, market.staff)
    assert browser.get(f"{BASE}/fornitori/{market.provider.id}/ordini?giorno=domani").status_code == 404
    assert kept_entries(app) == 0


@pytest.mark.parametrize("app", [{"PAGE_GENERATION_SECONDS": 3600}], indirect=True)
def test_with_strong_session_protection_every_login_is_checked_again(app, browser, market):
    signed_in(browser, market.staff)
    url = queue_url(market)
    browser.get(url)
    app.login_manager.session_protection = "strong"  # one object for the process: put back below
    try:
        with statements() as seen:
            assert "Elena Pavesi" in text(browser.get(url))
    finally:
        app.login_manager.session_protection = "basic"
    assert tables_read(seen) == ["users"]
