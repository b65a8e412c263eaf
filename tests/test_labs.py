"""Laboratori di Comunità: makers, sessions, sign-ups, the waiting list, attendance."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.common.timeutil import today_in_rome
from app.labs import registrations
from app.labs.models import Lab, LabAttendance, LabSession, Registration
from app.messages.models import Message
from app.platform.extensions import db
from tests import factories
from tests.conftest import opened, text

SIGNUP = {"full_name": "Rosa Ferrari", "email": "rosa@example.org", "phone": "", "note": ""}


@pytest.fixture
def maker(make_user):
    return make_user("maker.lab@example.org", [Role.COMMUNITY_MAKER], "Marta Maker")


@pytest.fixture
def lab(app, maker):
    found = factories.lab(makers=[maker])
    db.session.commit()
    return found


def signup(browser, lab, confirm=True, **changes):
    """Sign up from the lab's page; with an e-mail, then confirm from the message (double opt-in)
    unless confirm=False. The answer to the sign-up itself."""
    data = {**SIGNUP, **changes}
    response = browser.post(f"/laboratori/{lab.slug}/iscrizione", data, token_from=f"/laboratori/{lab.slug}")
    if confirm and data["email"].strip() and response.status_code == 302:
        confirm_from_mail(browser, lab, data["email"])
    return response


def confirm_link(lab, email: str) -> str | None:
    """The confirmation link of the latest request to confirm mailed to `email`."""
    message = db.session.scalars(
        select(Message)
        .where(Message.kind == "lab_signup_confirm", Message.to_email == email.strip().lower())
        .order_by(Message.id.desc())
    ).first()
    return f"/laboratori/{lab.slug}/conferma/{message.data['confirm']}" if message else None


def confirm_from_mail(browser, lab, email: str):
    url = confirm_link(lab, email)
    assert url is not None, f"no confirmation mailed to {email}"
    return browser.post(url, token_from=url)


def register_confirmed(lab, name: str, email: str) -> Registration:
    """A sign-up with an e-mail, confirmed by its owner (the services, no pages)."""
    registration, _token = registrations.register(lab, name, email, "", "", False)
    registrations.confirm(registration)
    return registration


def statuses(lab) -> list[str]:
    return list(
        db.session.scalars(
            select(Registration.status).where(Registration.lab_id == lab.id).order_by(Registration.id)
        )
    )


# --- public pages and sign-ups ------------------------------------------------


def test_public_pages(browser, lab):
    assert "Orto condiviso" in text(browser.get("/laboratori/"))
    page = text(browser.get(f"/laboratori/{lab.slug}"))
    assert "Posti liberi: 2 su 2." in page and "Iscriviti" in page and "Aggiungi al tuo calendario" in page


def test_draft_lab_is_not_found(browser, app):
    factories.lab(slug="bozza", status="draft")
    db.session.commit()
    assert browser.get("/laboratori/bozza").status_code == 404
    assert browser.get("/ical/laboratori/bozza.ics").status_code == 404
    assert "Orto" not in text(browser.get("/laboratori/"))


def test_signup_gets_a_place_then_the_waiting_list(browser, lab):
    # Sign-ups with a phone only see their private page at once (e-mail ones get it by e-mail).
    first = signup(browser, lab, email="", phone="0373 111111")
    assert first.status_code == 302
    page = text(browser.get(first.headers["Location"]))
    assert "Rosa Ferrari, hai un posto." in page
    signup(browser, lab, full_name="Luca", email="luca@example.org")
    third = signup(browser, lab, full_name="Anna", email="", phone="0373 123456")
    assert "sei in lista d'attesa: posizione 1" in text(browser.get(third.headers["Location"]))
    assert statuses(lab) == ["confirmed", "confirmed", "waiting"]


def test_full_lab_without_waiting_list_refuses(browser, lab):
    lab.capacity, lab.has_waiting_list = 1, False
    db.session.commit()
    signup(browser, lab)
    response = signup(browser, lab, email="altro@example.org")
    assert response.status_code == 400 and "I posti sono esauriti e non c'è una lista d'attesa." in text(
        response
    )
    assert statuses(lab) == ["confirmed"]


def test_closed_lab_refuses(browser, lab):
    lab.status = "closed"
    db.session.commit()
    assert "Le iscrizioni sono chiuse." in text(browser.get(f"/laboratori/{lab.slug}"))
    response = browser.post(f"/laboratori/{lab.slug}/iscrizione", SIGNUP, token_from="/accedi")
    assert response.status_code == 400 and "Le iscrizioni a questo laboratorio sono chiuse." in text(response)
    assert statuses(lab) == []


def test_duplicate_email_signup_shows_the_same_page_as_a_new_one(browser, lab):
    new = signup(browser, lab)
    again = signup(browser, lab, confirm=False, full_name="Rosa F.", email="ROSA@example.org ")
    assert again.status_code == new.status_code == 302
    assert again.headers["Location"] == new.headers["Location"]
    assert "già iscritto" not in text(browser.get(again.headers["Location"]))
    assert statuses(lab) == ["confirmed"]


def flash_after(browser, response) -> str:
    """The message the redirect's next page shows (showing it uses the flash up)."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(browser.get(response.headers["Location"]).get_data(as_text=True), "html.parser")
    return " ".join(alert.get_text(" ", strip=True) for alert in page.select("div.alert"))


@pytest.mark.parametrize("number", ["3331234567", "333 123 4567", "+39 333-123-4567"])
def test_a_phone_signed_up_again_answers_as_a_new_sign_up(browser, lab, number):
    # Siblings share a parent's phone; a refusal would tell a stranger the number is signed up.
    new = signup(browser, lab, full_name="Maria Rossi", email="", phone="333 123 4567")
    first_flash = flash_after(browser, new)
    again = signup(browser, lab, full_name="Luca Rossi", email="", phone=number)
    assert again.status_code == new.status_code == 302
    assert again.headers["Location"] != new.headers["Location"]
    shape = r"^/laboratori/orto-condiviso/iscrizione/[\w-]+$"
    assert re.match(shape, new.headers["Location"]) and re.match(shape, again.headers["Location"])
    assert flash_after(browser, again) == first_flash == "Iscrizione confermata: hai un posto."
    own = text(browser.get(again.headers["Location"]))
    assert "Luca Rossi, hai un posto." in own and "Maria Rossi" not in own
    assert statuses(lab) == ["confirmed", "confirmed"]
    # The third with that number finds the lab full, as anyone would: the waiting list.
    third = signup(browser, lab, full_name="Sara Rossi", email="", phone=number)
    assert flash_after(browser, third).startswith("I posti sono esauriti: sei in lista d'attesa.")
    assert statuses(lab) == ["confirmed", "confirmed", "waiting"]


def test_a_phone_signed_up_again_at_a_full_lab_is_told_it_is_full(browser, lab):
    lab.capacity, lab.has_waiting_list = 1, False
    db.session.commit()
    signup(browser, lab, email="", phone="333 123 4567")
    stranger = signup(browser, lab, full_name="Altra", email="", phone="0373 999888")
    double = signup(browser, lab, full_name="Luca Rossi", email="", phone="3331234567")
    assert double.status_code == stranger.status_code == 400
    page = text(double)
    assert "I posti sono esauriti e non c'è una lista d'attesa." in page and "C'è già" not in page
    assert text(double) == text(stranger)  # what was typed is kept in the fields, not in the text
    assert statuses(lab) == ["confirmed"]


def test_phone_doubles_can_withdraw_each_on_their_own(browser, lab):
    first = signup(browser, lab, full_name="Maria Rossi", email="", phone="333 123 4567").headers["Location"]
    second = signup(browser, lab, full_name="Luca Rossi", email="", phone="3331234567").headers["Location"]
    browser.post(f"{second}/ritiro", token_from=second)
    assert statuses(lab) == ["confirmed", "withdrawn"]
    assert "Maria Rossi, hai un posto." in text(browser.get(first))


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"full_name": ""}, "Scrivi nome e cognome."),
        ({"email": "non-una-mail"}, "Questo non è un indirizzo e-mail valido."),
        ({"email": "", "phone": "chiamami"}, "Scrivi un numero di telefono valido"),
        ({"email": "", "phone": ""}, "Lascia un'e-mail o un numero di telefono"),
        ({"note": "x" * 501}, "Al massimo 500 caratteri."),
    ],
)
def test_signup_bad_input(browser, lab, changes, message):
    response = signup(browser, lab, **changes)
    assert response.status_code == 400 and message in text(response)
    assert statuses(lab) == []


def test_withdraw_moves_the_waiting_list_up(browser, lab):
    links = [
        signup(browser, lab, full_name=n, email="", phone=f"0373 12345{i}").headers["Location"]
        for i, n in enumerate(("a", "b", "c"))
    ]
    assert statuses(lab) == ["confirmed", "confirmed", "waiting"]
    token_page = links[0]
    response = browser.post(f"{token_page}/ritiro", token_from=token_page)
    assert response.status_code == 302
    assert statuses(lab) == ["withdrawn", "confirmed", "confirmed"]
    assert "c, hai un posto." in text(browser.get(links[2]))
    assert "Hai ritirato la tua iscrizione" in text(browser.get(token_page))


def test_withdraw_link_works_only_for_its_own_registration(browser, lab):
    other = factories.lab(slug="altro-lab", title="Altro")
    db.session.commit()
    link = signup(browser, lab, email="", phone="0373 123456").headers["Location"]
    token = link.rsplit("/", 1)[1]
    assert browser.get(f"/laboratori/{lab.slug}/iscrizione/token-inventato").status_code == 404
    assert browser.get(f"/laboratori/{other.slug}/iscrizione/{token}").status_code == 404
    assert (
        browser.post(f"/laboratori/{lab.slug}/iscrizione/{token[:-2]}xx/ritiro", token_from=link).status_code
        == 404
    )
    assert statuses(lab) == ["confirmed"]


def test_registrant_names_are_never_public(browser, lab):
    factories.session(lab, today_in_rome() + timedelta(days=2))
    db.session.commit()
    signup(browser, lab)
    for url in (
        f"/laboratori/{lab.slug}",
        "/laboratori/",
        "/calendario",
        "/ical/tutto.ics",
        f"/ical/laboratori/{lab.slug}.ics",
    ):
        assert "Rosa Ferrari" not in browser.get(url).get_data(as_text=True), url


# --- makers ---------------------------------------------------------------------


def test_community_maker_creates_a_lab_and_becomes_its_maker(browser, maker):
    crema = factories.town("Crema")
    db.session.commit()
    browser.login(maker)
    response = browser.post("/gestione/laboratori/nuovo", {
        "title": "Gruppo di acquisto solidale", "theme": "gas", "town_id": crema.id, "zone_id": "0", "center_id": "0",
        "capacity": "15", "has_waiting_list": "y", "is_free": "y", "status": "open"})  # fmt: skip
    assert response.status_code == 302
    lab = db.session.scalar(select(Lab))
    assert lab.slug == "gruppo-di-acquisto-solidale-crema" and [m.id for m in lab.makers] == [maker.id]


def test_adding_a_co_maker_answers_the_same_with_or_without_an_account(browser, maker, lab, member):
    from app.messages.models import Message

    browser.login(maker)
    pages = []
    for email in (member.email, "nuova@example.org"):
        response = browser.post(
            f"/gestione/laboratori/{lab.slug}/co-maker", {"maker-email": email}, follow_redirects=True
        )
        pages.append(text(response).replace(email, "EMAIL"))
    message = (
        "EMAIL ora gestisce il laboratorio. Se non aveva ancora un account, riceverà un invito per crearlo."
    )
    assert message in pages[0] and message in pages[1]
    invited = db.session.scalar(select(User).where(User.email == "nuova@example.org"))
    makers = {m.id for m in db.session.get(Lab, lab.id).makers}
    assert invited is not None and {maker.id, member.id, invited.id} <= makers
    assert [m.kind for m in db.session.scalars(select(Message))] == ["invitation"]
    bad = browser.post(
        f"/gestione/laboratori/{lab.slug}/co-maker", {"maker-email": "x"}, follow_redirects=True
    )
    assert "Scrivi un indirizzo e-mail valido." in text(bad)
    assert len(db.session.get(Lab, lab.id).makers) == 3


@pytest.mark.parametrize(
    "capacity,message",
    [
        ("0", "I posti devono essere almeno 1."),
        ("-3", "I posti devono essere almeno 1."),
        ("", "Scrivi quanti posti ci sono."),
    ],
)
def test_lab_capacity_bad_input(browser, maker, capacity, message):
    crema = factories.town("Crema")
    db.session.commit()
    browser.login(maker)
    response = browser.post("/gestione/laboratori/nuovo", {"title": "X", "theme": "gas", "town_id": crema.id, "zone_id": "0",
                                                           "center_id": "0", "capacity": capacity, "status": "open"})  # fmt: skip
    assert message in text(response)
    assert db.session.scalar(select(func.count(Lab.id))) == 0


def test_access_rules(browser, make_user, lab):
    assert browser.get(f"/gestione/laboratori/{lab.slug}").headers["Location"].startswith("/accedi")
    browser.login(make_user("altro.maker@example.org", [Role.COMMUNITY_MAKER]))
    assert browser.get(f"/gestione/laboratori/{lab.slug}").status_code == 403
    assert browser.get(f"/gestione/laboratori/{lab.slug}/iscrizioni").status_code == 403
    assert (
        browser.post(
            f"/gestione/laboratori/{lab.slug}/incontri", {"incontri-start_on": "2026-12-01"}
        ).status_code
        == 403
    )
    assert browser.get("/gestione/laboratori/non-esiste").status_code == 404
    browser.logout()
    browser.login(make_user("residente@example.org"))
    assert browser.get("/gestione/laboratori/nuovo").status_code == 403


def test_coordinator_sees_registrations(browser, coordinator, lab):
    signup(browser, lab)
    browser.login(coordinator)
    assert "Rosa Ferrari" in text(browser.get(f"/gestione/laboratori/{lab.slug}/iscrizioni"))


def registrations_rows(browser, lab) -> dict[str, str]:
    """The organiser's list: each row's name cell, by the person's name."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(
        browser.get(f"/gestione/laboratori/{lab.slug}/iscrizioni").get_data(as_text=True), "html.parser"
    )
    cells = [row.find("td") for row in page.select("tbody tr")]
    return {cell.contents[0].strip(): " ".join(cell.get_text(" ").split()) for cell in cells}


def test_the_organiser_sees_who_shares_a_phone(browser, maker, lab):
    lab.capacity = 10
    db.session.commit()
    signup(browser, lab, full_name="Maria Rossi", email="", phone="333 123 4567")
    signup(browser, lab, full_name="Luca Rossi", email="", phone="3331234567")
    signup(browser, lab, full_name="Anna <b>Bianchi</b>", email="anna@example.org", phone="+39 333 1234567")
    signup(browser, lab, full_name="Pietro Verdi", email="", phone="0373 111222")
    signup(browser, lab, full_name="Rosa Ferrari")
    gone = signup(browser, lab, full_name="Gino Ritirato", email="", phone="0373 111 222").headers["Location"]
    browser.post(f"{gone}/ritiro", token_from=gone)
    browser.login(maker)
    rows = registrations_rows(browser, lab)
    assert rows["Maria Rossi"] == "Maria Rossi Stesso telefono di: Luca Rossi, Anna <b>Bianchi</b>"
    assert rows["Luca Rossi"] == "Luca Rossi Stesso telefono di: Maria Rossi, Anna <b>Bianchi</b>"
    assert rows["Anna <b>Bianchi</b>"].endswith("Stesso telefono di: Maria Rossi, Luca Rossi")
    page = text(browser.get(f"/gestione/laboratori/{lab.slug}/iscrizioni"))
    assert "anna@example.org +39 333 1234567" in page  # the phone to call, beside the address
    # A withdrawn registration is no double: neither Pietro nor Gino is marked.
    assert rows["Pietro Verdi"] == "Pietro Verdi" and rows["Gino Ritirato"] == "Gino Ritirato"
    assert rows["Rosa Ferrari"] == "Rosa Ferrari"


def test_the_registrations_list_makes_a_fixed_number_of_queries(browser, maker, lab):
    from tests.test_query_counts import count_queries

    def add(n):
        for i in range(n):
            registrations.register(lab, f"Persona {i}", "", f"333 000 {i // 2:04d}", "", False)
        db.session.commit()

    url = f"/gestione/laboratori/{lab.slug}/iscrizioni"
    browser.login(maker)
    add(2)
    browser.get(url)
    with count_queries() as few:
        assert "Stesso telefono di: Persona 0" in text(browser.get(url))
    add(18)
    with count_queries() as many:
        assert text(browser.get(url)).count("Stesso telefono di:") == 20
    assert few and len(many) == len(few), many


def test_plan_a_weekly_series(browser, maker, lab):
    browser.login(maker)
    response = browser.post(f"/gestione/laboratori/{lab.slug}/incontri", {
        "incontri-start_on": "2026-12-01", "incontri-start_time": "18:00", "incontri-end_time": "20:00",
        "incontri-freq": "weekly", "incontri-interval": "1", "incontri-weekdays": ["1"], "incontri-count": "4",
        "incontri-month_week": "1", "incontri-month_weekday": "0"})  # fmt: skip
    assert response.status_code == 302
    days = list(db.session.scalars(select(LabSession.start_on).order_by(LabSession.start_on)))
    assert days == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15), date(2026, 12, 22)]


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"incontri-end_time": "17:00"}, "L'ora di fine deve essere dopo l'ora di inizio."),
        ({"incontri-weekdays": []}, "Scegli almeno un giorno della settimana."),
        ({"incontri-count": "10000"}, "Scegli un numero da 1 a 500."),
    ],
)
def test_plan_bad_input(browser, maker, lab, changes, message):
    browser.login(maker)
    data = {"incontri-start_on": "2026-12-01", "incontri-start_time": "18:00", "incontri-end_time": "20:00",
            "incontri-freq": "weekly", "incontri-interval": "1", "incontri-weekdays": ["1"], "incontri-count": "4",
            "incontri-month_week": "1", "incontri-month_weekday": "0", **changes}  # fmt: skip
    response = browser.post(f"/gestione/laboratori/{lab.slug}/incontri", data)
    assert response.status_code == 400 and message in text(response)
    assert db.session.scalar(select(func.count(LabSession.id))) == 0


def test_cancelled_session_in_feed_and_calendar(browser, maker, lab):
    session = factories.session(lab, today_in_rome() + timedelta(days=2))
    db.session.commit()
    browser.login(maker)
    browser.post(f"/gestione/incontri-lab/{session.id}/annulla", {"annulla-reason": "Neve"})
    feed = browser.get(f"/ical/laboratori/{lab.slug}.ics").get_data(as_text=True)
    assert "ANNULLATO – Orto condiviso" in feed and "STATUS:CANCELLED" in feed
    assert "Orto condiviso" in browser.get("/ical/comuni/crema.ics").get_data(as_text=True)
    assert "Motivo: Neve" in text(browser.get("/calendario"))


# --- attendance -----------------------------------------------------------------


def test_attendance_only_after_the_session_started(browser, maker, lab):
    future = factories.session(lab, today_in_rome() + timedelta(days=3))
    db.session.commit()
    browser.login(maker)
    response = browser.post(f"/gestione/incontri-lab/{future.id}/presenze", {"headcount": "5"})
    assert response.status_code == 400 and "L'incontro non si è ancora svolto" in text(response)
    assert db.session.get(LabSession, future.id).headcount is None


def test_attendance_ticks_registrants_and_walk_ins(browser, maker, lab):
    past = factories.session(lab, today_in_rome() - timedelta(days=3))
    db.session.commit()
    signup(browser, lab)
    rosa = db.session.scalar(select(Registration))
    browser.login(maker)
    response = browser.post(f"/gestione/incontri-lab/{past.id}/presenze",
                            {"presenti": [str(rosa.id)], "walk_ins": "Gino\n\nPina", "headcount": ""})  # fmt: skip
    assert response.status_code == 302
    rows = db.session.scalars(select(LabAttendance).where(LabAttendance.session_id == past.id)).all()
    assert sorted((r.registration_id or 0, r.walk_in_name) for r in rows) == [
        (0, "Gino"),
        (0, "Pina"),
        (rosa.id, ""),
    ]


def test_children_are_counted_unless_a_guardian_consented(browser, maker):
    kids = factories.lab(slug="compiti", title="Compiti", makers=[maker], is_for_children=True, capacity=5)
    past = factories.session(kids, today_in_rome() - timedelta(days=1))
    db.session.commit()
    signup(browser, kids, full_name="Bimbo Senza", email="a@example.org")
    signup(browser, kids, full_name="Bimba Con", email="b@example.org", guardian_consent="y")
    without, with_consent = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    browser.login(maker)
    page = text(browser.get(f"/gestione/incontri-lab/{past.id}/presenze"))
    assert "Bimba Con" in page and "Bimbo Senza" not in page
    browser.post(f"/gestione/incontri-lab/{past.id}/presenze",
                 {"presenti": [str(without.id), str(with_consent.id)], "walk_ins": "Ospite", "headcount": "7"})  # fmt: skip
    rows = db.session.scalars(select(LabAttendance)).all()
    assert [r.registration_id for r in rows] == [with_consent.id]
    assert db.session.get(LabSession, past.id).headcount == 7


def test_withdraw_service_promotes_in_order(app, lab):
    people = [register_confirmed(lab, f"P{n}", f"p{n}@example.org") for n in range(5)]
    assert [p.status for p in people] == ["confirmed", "confirmed", "waiting", "waiting", "waiting"]
    promoted = registrations.withdraw(people[1])
    assert promoted.id == people[2].id and registrations.waiting_position(people[4]) == 2


def test_lab_pages_make_a_fixed_number_of_queries(browser, lab):
    from tests.test_query_counts import count_queries

    made = []

    def add(n):
        for i in range(n):
            made.append(i)
            factories.lab(slug=f"lab-{len(made)}", title=f"Lab {i}")
            factories.session(lab, today_in_rome() + timedelta(days=i + 1))
        db.session.commit()

    add(2)
    for url in ("/laboratori/", f"/laboratori/{lab.slug}"):
        browser.get(url)
        with count_queries() as few:
            browser.get(url)
        add(10)
        with count_queries() as many:
            browser.get(url)
        assert few and len(many) == len(few), (url, many)


def test_move_a_session(browser, maker, lab):
    session = factories.session(lab, today_in_rome() + timedelta(days=5))
    db.session.commit()
    browser.login(maker)
    new_day = today_in_rome() + timedelta(days=6)
    url = f"/gestione/incontri-lab/{session.id}/sposta"
    bad = browser.post(
        url, {"start_on": new_day.isoformat(), "start_time": "19:00", "end_time": "18:00"}, token_from=url
    )
    assert bad.status_code == 400 and "L'ora di fine deve essere dopo l'ora di inizio." in text(bad)
    browser.post(
        url,
        {"start_on": new_day.isoformat(), "start_time": "19:00", "end_time": "20:30", **opened(session)},
        token_from=url,
    )
    db.session.expire_all()
    moved = db.session.get(LabSession, session.id)
    assert (moved.start_on, moved.start_time.hour, moved.sequence) == (new_day, 19, 1)
    feed = browser.get(f"/ical/laboratori/{lab.slug}.ics").get_data(as_text=True)
    assert f"DTSTART;TZID=Europe/Rome:{new_day:%Y%m%d}T190000" in feed


def test_move_a_session_needs_its_maker(browser, make_user, lab):
    session = factories.session(lab, today_in_rome() + timedelta(days=5))
    db.session.commit()
    browser.login(make_user("altro.maker@example.org", [Role.COMMUNITY_MAKER]))
    assert browser.get(f"/gestione/incontri-lab/{session.id}/sposta").status_code == 403
    assert browser.get("/gestione/incontri-lab/999/sposta").status_code == 404


def test_lab_form_shows_real_checkboxes_and_dropdowns(browser, maker):
    """Bootstrap Italia hides a checkbox styled as a text box: each kind of field gets its own class."""
    from bs4 import BeautifulSoup

    browser.login(maker)
    soup = BeautifulSoup(browser.get("/gestione/laboratori/nuovo").get_data(as_text=True), "html.parser")
    waiting = soup.find("input", {"name": "has_waiting_list"})
    assert waiting["type"] == "checkbox" and waiting["class"] == ["form-check-input"]
    assert soup.find("label", {"for": waiting["id"]})["class"] == ["form-check-label"]
    assert all("form-select" in select["class"] for select in soup.find_all("select"))
    assert "form-control" in soup.find("input", {"name": "title"})["class"]


def test_raising_the_capacity_gives_the_new_places_to_the_waiting_list(browser, maker, lab):
    for n in range(4):  # 2 places: two confirmed, two waiting
        register_confirmed(lab, f"Persona {n}", f"p{n}@example.org")
    db.session.commit()
    assert statuses(lab) == ["confirmed", "confirmed", "waiting", "waiting"]
    browser.login(maker)
    response = browser.post(f"/gestione/laboratori/{lab.slug}", {
        "title": lab.title, "theme": lab.theme, "town_id": lab.town_id, "zone_id": "0", "center_id": "0",
        "venue": lab.venue, "capacity": "3", "has_waiting_list": "y", "is_free": "y", "status": "open",
        **opened(lab)})  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    assert statuses(lab) == ["confirmed", "confirmed", "confirmed", "waiting"]


def test_a_lab_for_children_says_for_which_ages(browser, maker):
    crema = factories.town("Crema")
    db.session.commit()
    browser.login(maker)
    data = {"title": "Compiti insieme", "theme": "gas", "town_id": crema.id, "zone_id": "0", "center_id": "0",
            "capacity": "15", "is_free": "y", "status": "open", "is_for_children": "y"}  # fmt: skip
    response = browser.post("/gestione/laboratori/nuovo", data)
    assert "Per un laboratorio per bambini indica le età (almeno una delle due)." in text(response)
    assert db.session.scalar(select(func.count(Lab.id))) == 0
    assert (
        browser.post("/gestione/laboratori/nuovo", data | {"age_min": "6", "age_max": "10"}).status_code
        == 302
    )
    assert db.session.scalar(select(Lab.age_min)) == 6
