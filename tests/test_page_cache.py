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


# --- the per-date pages ---------------------------------------------------------------


def test_an_activity_date_is_kept_and_a_change_shows_at_once(browser, center_with_activity):
    activity = db.session.scalar(select(Activity))
    page = f"/centri/oratorio-san-luigi/attivita/{activity.id}/data/{today_in_rome().isoformat()}"
    first = text(browser.get(page))
    assert "Doposcuola" in first
    with statements() as seen:
        again = text(browser.get(page))
    assert again == first and len(seen) == 1 and "page_generation" in seen[0]
    activity.title = "Compiti insieme"
    db.session.commit()
    changed = text(browser.get(page))
    assert "Compiti insieme" in changed and "Doposcuola" not in changed


def test_a_lab_session_is_kept_and_a_change_shows_at_once(browser, open_lab):
    session = open_lab.sessions[0]
    page = f"{LAB}/incontri/{session.id}"
    first = text(browser.get(page))
    assert open_lab.title in first and "Annullat" not in first
    with statements() as seen:
        assert text(browser.get(page)) == first
    assert len(seen) == 1
    session.is_cancelled, session.cancel_reason = True, "Pioggia prevista"
    db.session.commit()
    assert "Pioggia prevista" in text(browser.get(page))


def test_a_missing_date_or_session_is_not_kept(browser, center_with_activity, open_lab):
    activity = db.session.scalar(select(Activity))
    tomorrow = (today_in_rome() + timedelta(days=1)).isoformat()
    assert (
        browser.get(f"/centri/oratorio-san-luigi/attivita/{activity.id}/data/{tomorrow}").status_code == 404
    )
    assert browser.get(f"{LAB}/incontri/999999").status_code == 404
    assert browser.client.application.extensions[page_cache.EXTENSION].size()[0] == 0


# --- the key: the filters a page reads, canonical; the bound: keys and bodies ----------------


def kept_entries(app) -> int:
    return app.extensions[page_cache.EXTENSION].size()[0]


def test_unknown_arguments_and_another_order_or_spelling_share_one_entry(app, browser, center_with_activity):
    calendar = [
        "/calendario?vista=mese&comune=crema&eta=7",
        "/calendario?comune=crema&eta=07&vista=mese",  # another order, another spelling of 7
        "/calendario?eta=7&vista=mese&comune=crema&utm_source=volantino&gratuito=",
        "/calendario?eta=7&vista=mese&comune=crema&categoria=non-esiste&momento=mai",  # ignored values
    ]
    pages = [text(browser.get(path)) for path in calendar]
    assert all(page == pages[0] for page in pages) and "Doposcuola" in pages[0]
    assert kept_entries(app) == 1
    assert browser.get("/calendario?vista=mese&comune=crema&eta=8").status_code == 200
    assert kept_entries(app) == 2  # other filters: another entry
    center = [text(browser.get(f"/centri/oratorio-san-luigi?{junk}")) for junk in ("", "a=1", "b=2&c=3")]
    assert center[0] == center[1] == center[2] and kept_entries(app) == 3


def test_made_up_query_strings_add_no_entry(app, browser, center_with_activity):
    for path in ("/", "/calendario", "/centri/", "/centri/oratorio-san-luigi", "/gruppi/"):
        for n in range(100):
            assert browser.get(f"{path}?x{n}={n}&page=1&dal=nessuna-{n}").status_code == 200
    assert kept_entries(app) == 5
    # A made-up town on the home and the centers' list is shown as no town, and not kept.
    for n in range(20):
        assert browser.get(f"/?comune=inventato-{n}").status_code == 200
        assert browser.get(f"/centri/?comune=inventato-{n}").status_code == 200
    assert kept_entries(app) == 5


def test_the_memory_bound_counts_keys_and_bodies(app):
    """20,000 made-up keys with tiny pages stay within the bound (counting bodies only, they did not)."""
    cache = page_cache.PageCache(max_bytes=1024 * 1024, generation_seconds=0)
    headers = [("Content-Type", "text/html; charset=utf-8")]
    for n in range(20_000):
        key = ("https", "legami.test", "/calendario", (("x", "y" * 40 + str(n)),), today_in_rome(), 1)
        cache.put(key, (b"", headers))
    entries, counted = cache.size()
    assert counted <= 1024 * 1024 and entries <= 1024 * 1024 // page_cache.ENTRY_OVERHEAD
    assert entries > 0 and cache.get(key) == (b"", headers)  # the latest is kept


def test_pages_kept_apart_push_out_only_one_another(app):
    """20,000 made-up searches in their own part: the calendar stays kept; a part of 0 keeps nothing."""
    cache = page_cache.PageCache(max_bytes=1024 * 1024, generation_seconds=0, segments={"search": 64 * 1024})
    headers = [("Content-Type", "text/html; charset=utf-8")]
    calendar = ("https", "legami.test", "/calendario", (), today_in_rome(), 1)
    cache.put(calendar, (b"<p>calendario</p>" * 1000, headers))
    for n in range(20_000):
        key = ("https", "legami.test", "/cerca", (True, (f"parola{n}",), ()), today_in_rome(), 1)
        cache.put(key, (b"<p>nessun risultato</p>" * 100, headers), "search")
    assert cache.get(calendar) == (b"<p>calendario</p>" * 1000, headers) and cache.size()[0] == 1
    entries, counted = cache.size("search")
    assert 0 < entries < 100 and counted <= 64 * 1024
    assert cache.get(key, "search") is not None and cache.get(key) is None  # each part its own keys
    off = page_cache.PageCache(max_bytes=1024 * 1024, generation_seconds=0, segments={"search": 0})
    off.put(key, (b"x", headers), "search")
    assert not off.keeps("search") and off.get(key, "search") is None and off.size("search") == (0, 0)
