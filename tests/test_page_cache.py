"""Public pages are rendered once per change of the data; what a visitor reads is never older."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import flash, render_template_string
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.civic_centers.models import Activity, CivicCenter
from app.common.timeutil import today_in_rome
from app.messages import services
from app.messages.models import Message
from app.platform import page_cache
from app.platform.extensions import db
from app.platform.page_cache import PageGeneration
from tests import factories
from tests.conftest import PASSWORD, TOKEN_RE, Browser, text
from tests.test_query_counts import count_queries

LAB = "/laboratori/orto-condiviso"


@contextmanager
def statements():
    """The queries of the block, the pages' cache on (transaction control left out)."""
    with count_queries(keep_pages=True) as seen:
        yield seen
    seen[:] = [s for s in seen if s not in ("BEGIN", "BEGIN IMMEDIATE", "ROLLBACK", "COMMIT")]


def generation() -> int:
    db.session.commit()
    return db.session.scalar(select(PageGeneration.value))


@pytest.fixture
def center_with_activity(app):
    center = factories.center()
    factories.activity(center, title="Doposcuola", freq="none", start_on=today_in_rome())
    db.session.commit()
    return center


@pytest.fixture
def open_lab(app):
    lab = factories.lab()
    factories.session(lab, today_in_rome() + timedelta(days=3))
    db.session.commit()
    return lab


def test_a_page_seen_again_costs_one_query_and_reads_the_same(browser, center_with_activity):
    first = text(browser.get("/centri/oratorio-san-luigi"))
    with statements() as seen:
        again = text(browser.get("/centri/oratorio-san-luigi"))
    assert again == first and "Doposcuola" in again
    assert len(seen) == 1 and "page_generation" in seen[0]


def test_a_change_is_read_at_once_after_its_commit(browser, center_with_activity):
    assert "Doposcuola" in text(browser.get("/centri/oratorio-san-luigi"))
    activity = db.session.scalar(select(Activity))
    activity.title = "Compiti insieme"
    db.session.commit()
    page = text(browser.get("/centri/oratorio-san-luigi"))
    assert "Compiti insieme" in page and "Doposcuola" not in page


def test_a_change_written_as_a_statement_counts_too(browser, center_with_activity):
    browser.get("/centri/oratorio-san-luigi")
    db.session.execute(update(CivicCenter).values(description="Aperto anche il sabato"))
    db.session.commit()
    assert "Aperto anche il sabato" in text(browser.get("/centri/oratorio-san-luigi"))


def test_a_rolled_back_change_and_quiet_tables_leave_the_generation(app, admin, center_with_activity):
    before = generation()
    db.session.scalar(select(Activity)).title = "Mai salvato"
    db.session.flush()
    db.session.rollback()
    record(admin, "export", "presenze")  # the audit log is shown on no public page
    db.session.commit()
    assert generation() == before
    db.session.scalar(select(Activity)).title = "Salvato"
    db.session.commit()
    assert generation() == before + 1


def test_someone_signed_in_never_gets_or_leaves_a_kept_page(app, maker, open_lab):
    open_lab.makers.append(maker)
    db.session.commit()
    visitor, signed_in = Browser(app.test_client()), Browser(app.test_client())
    visitor.get(LAB)  # kept for visitors before the login, which leaves it kept
    signed_in.login(maker)
    assert "Gestisci il laboratorio" not in text(visitor.get(LAB))  # kept for visitors
    with statements() as seen:
        mine = text(signed_in.get(LAB))
    assert "Gestisci il laboratorio" in mine and maker.full_name in mine and len(seen) > 1
    with statements() as seen:
        anonymous = text(visitor.get(LAB))
    assert len(seen) == 1  # the visitors' kept page, not the signed-in one
    assert "Gestisci il laboratorio" not in anonymous and maker.full_name not in anonymous


def test_a_page_that_shows_a_message_raised_in_the_same_request_is_not_kept(app):
    @app.route("/prova-messaggio")
    @page_cache.public_page()
    def flashing():
        flash("Solo per te", "info")
        return render_template_string("{% for m in get_flashed_messages() %}{{ m }}{% endfor %}")

    assert "Solo per te" in Browser(app.test_client()).get("/prova-messaggio").get_data(as_text=True)
    assert len(app.extensions[page_cache.EXTENSION]._pages) == 0


def test_a_savepoint_neither_raises_the_generation_early_nor_loses_it(app, center_with_activity):
    from app.messages import services as messages

    before = generation()
    db.session.scalar(select(Activity)).title = "Nuovo titolo"
    db.session.flush()
    messages.enqueue("invitation", "a@example.org", {"url": "x"}, key="prova-1")  # a savepoint
    assert db.session.scalar(select(PageGeneration.value)) == before  # not yet: raised last, once
    with pytest.raises(IntegrityError), db.session.begin_nested():  # a savepoint rolled back
        db.session.add(Message(key="prova-1", kind="invitation", to_email="b@example.org", data={}))
        db.session.flush()
    db.session.commit()
    assert generation() == before + 1


def test_every_visitor_gets_their_own_csrf_token_and_can_sign_up(app, open_lab):
    first, second = Browser(app.test_client()), Browser(app.test_client())
    before = first.get(LAB).get_data(as_text=True)
    token_first = TOKEN_RE.search(before).group(1)
    assert "Posti liberi: 2 su 2." in before
    with statements() as seen:
        page = second.get(LAB).get_data(as_text=True)
    assert len(seen) == 1  # the kept page
    token_second = TOKEN_RE.search(page).group(1)
    assert token_second != token_first and page_cache.TOKEN_MARK.decode() not in page
    response = second.post(
        f"{LAB}/iscrizione",
        {"csrf_token": token_second, "full_name": "Anna Bianchi", "phone": "333 1234567"},
        csrf=False,
    )
    assert response.status_code == 302 and "/iscrizione/" in response.headers["Location"]
    # The place taken shows at once on the lab's page, with its flash only once.
    follow = second.get(response.headers["Location"]).get_data(as_text=True)
    assert "Iscrizione confermata: hai un posto." in follow
    assert "Iscrizione confermata" not in second.get(LAB).get_data(as_text=True)
    assert "Posti liberi: 1 su 2." in first.get(LAB).get_data(as_text=True)


def test_a_page_with_a_message_waiting_is_not_kept(app, open_lab):
    visitor = Browser(app.test_client())
    visitor.get(LAB)
    with visitor.client.session_transaction() as session:
        session["_flashes"] = [("info", "Messaggio per te")]
    assert "Messaggio per te" in visitor.get(LAB).get_data(as_text=True)
    assert "Messaggio per te" not in Browser(app.test_client()).get(LAB).get_data(as_text=True)


def test_the_remembered_town_and_the_day_are_part_of_the_key(app, browser, monkeypatch):
    crema = factories.center()
    offanengo = factories.center("Biblioteca", "Offanengo", slug="biblioteca")
    today = today_in_rome()
    factories.activity(crema, title="Merenda a Crema", freq="none", start_on=today)
    factories.activity(
        offanengo, title="Lettura a Offanengo", freq="none", start_on=today + timedelta(days=1)
    )
    db.session.commit()
    plain = text(browser.get("/"))
    browser.client.set_cookie("legami_comune", "offanengo", domain="legami.test")
    assert "Oggi a Offanengo" in text(browser.get("/")) and "Oggi a Offanengo" not in plain
    browser.client.delete_cookie("legami_comune", domain="legami.test")
    assert text(browser.get("/")) == plain
    monkeypatch.setattr(page_cache, "today_in_rome", lambda: today + timedelta(days=1))
    monkeypatch.setattr("app.home.routes_home.today_in_rome", lambda: today + timedelta(days=1))
    tomorrow = text(browser.get("/"))
    assert "Merenda a Crema" not in tomorrow and "Lettura a Offanengo" in tomorrow


@pytest.mark.parametrize("app", [{"PAGE_CACHE_BYTES": 0}], indirect=True)
def test_the_cache_can_be_turned_off(browser, center_with_activity):
    browser.get("/centri/oratorio-san-luigi")
    with statements() as seen:
        browser.get("/centri/oratorio-san-luigi")
    assert len(seen) > 1


@pytest.mark.parametrize("app", [{"PAGE_GENERATION_SECONDS": 3600}], indirect=True)
def test_a_trusted_generation_still_sees_this_workers_changes_at_once(app, browser, center_with_activity):
    browser.get("/centri/oratorio-san-luigi")
    with statements() as seen:
        browser.get("/centri/oratorio-san-luigi")
    assert seen == []  # within the trusted seconds a kept page costs no query
    # Another worker's change (here: written behind this process's back) waits for the seconds...
    with db.engine.begin() as connection:
        connection.execute(update(Activity).values(title="Da un altro processo"))
        connection.execute(update(PageGeneration).values(value=PageGeneration.value + 1))
    assert "Da un altro processo" not in text(browser.get("/centri/oratorio-san-luigi"))
    # ...a change committed in this process is read at once.
    db.session.scalar(select(Activity)).title = "Cambiato qui"
    db.session.commit()
    assert "Cambiato qui" in text(browser.get("/centri/oratorio-san-luigi"))


def test_only_html_answers_of_200_are_kept(browser):
    assert browser.get("/centri/non-esiste").status_code == 404
    cache = browser.client.application.extensions[page_cache.EXTENSION]
    assert len(cache._pages) == 0


# --- what is not a change: staff signing in and out, preferences, the outbox ---------------


def test_a_login_a_logout_and_a_new_password_leave_the_visitors_pages_kept(app, admin, center_with_activity):
    before = generation()
    staff = Browser(app.test_client())
    staff.login(admin)
    staff.post(
        "/profilo/password",
        {"current": PASSWORD, "password": "una-nuova-password-1", "confirm": "una-nuova-password-1"},
    )
    staff.logout()
    assert generation() == before
    db.session.refresh(admin)
    assert admin.last_login_at is not None and admin.check_password("una-nuova-password-1")


def test_preferences_and_queued_mail_leave_the_generation(app, admin, center_with_activity):
    staff = Browser(app.test_client())
    staff.login(admin)
    before = generation()
    assert staff.post("/profilo/notifiche", {"meetings": "y"}).status_code == 302
    services.enqueue("password_reset", "chiunque@example.org", {"user_id": admin.id}, key="reset:1")
    assert generation() == before
    assert db.session.scalar(select(Message).where(Message.key == "reset:1")) is not None


def test_a_change_of_what_pages_show_about_a_person_still_counts(app, admin):
    before = generation()
    admin.full_name = "Anna Bianchi Rossi"
    assert generation() == before + 1


@pytest.mark.parametrize("table", sorted(page_cache.QUIET_TABLES | set(page_cache.QUIET_COLUMNS)))
def test_every_quiet_table_and_column_exists(app, table):
    """A name that is wrong here would be quiet for nothing (and a real table would still count)."""
    assert table in db.metadata.tables
    assert page_cache.QUIET_COLUMNS.get(table, set()) <= set(db.metadata.tables[table].c.keys())
