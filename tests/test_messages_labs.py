"""Lab sign-up messages, read from a real SMTP server, with links that work when followed."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from app.accounts.models import Role
from app.common.timeutil import ROME, today_in_rome, utcnow
from app.labs.models import Registration
from app.messages import scheduled
from app.messages.models import Message
from app.platform.extensions import db
from tests import factories
from tests.conftest import opened, text
from tests.mail_support import attachments, body, links, path_of

SIGNUP = {"full_name": "Rosa Ferrari", "email": "rosa@example.org", "phone": "", "note": ""}


@pytest.fixture
def maker(make_user):
    return make_user("maker.lab@example.org", [Role.COMMUNITY_MAKER], "Marta Maker")


@pytest.fixture
def lab(app, maker):
    found = factories.lab(makers=[maker])
    factories.session(found, today_in_rome() + timedelta(days=3))
    factories.session(found, today_in_rome() + timedelta(days=10))
    db.session.commit()
    return found


def signup(browser, lab, mailbox=None, **changes):
    """Sign up from the lab's page; given the mailbox, with an e-mail, the address's owner then
    confirms from the message (the request to confirm is taken out of the mailbox, what else
    arrived stays to be read). The answer to the sign-up itself."""
    data = {**SIGNUP, **changes}
    response = browser.post(f"/laboratori/{lab.slug}/iscrizione", data, token_from=f"/laboratori/{lab.slug}")
    if mailbox is not None and data["email"].strip() and response.status_code == 302:
        confirm_from(browser, take_request(mailbox))
    return response


def take_request(mailbox):
    """The one request to confirm that just arrived, taken out of the mailbox."""
    start = mailbox.seen
    new = mailbox.deliver()
    asks = [m for m in new if str(m["Subject"]).startswith("Conferma l'iscrizione")]
    assert len(asks) == 1, [m["Subject"] for m in new]
    mailbox.recorder.received.remove(asks[0])
    mailbox.seen = start
    return asks[0]


def confirm_link(message) -> str:
    return next(path_of(u) for u in links(message) if "/conferma/" in u)


def confirm_from(browser, message):
    """Follow the message's link: the page shows a button (nothing changes yet), which confirms."""
    link = confirm_link(message)
    assert "Conferma l'iscrizione" in text(browser.get(link))
    return browser.post(link, token_from=link)


def private_link(message) -> str:
    return next(path_of(u) for u in links(message) if "/iscrizione/" in u)


def test_confirmation_has_dates_place_link_and_an_ics(browser, lab, mailbox):
    response = signup(browser, lab, mailbox=mailbox)
    page = text(browser.get(response.headers["Location"]))
    assert "Ti abbiamo scritto" in page and "Rosa Ferrari, hai un posto" not in page
    message = mailbox.one()
    assert message["Subject"] == "Iscrizione confermata: Orto condiviso"
    assert str(message["To"]) == "Rosa Ferrari <rosa@example.org>"
    plain = body(message)
    first = lab.sessions[0].start_on
    assert "hai un posto" in plain and "Sala civica" in plain
    from flask_babel import format_date

    assert format_date(first, "EEEE d MMMM y") in plain  # Italian, e.g. "sabato 28 novembre 2026"
    assert "Ricevi questo messaggio perché questo indirizzo è stato usato per iscriversi" in plain
    (ics,) = attachments(message)
    assert ics.get_content_type() == "text/calendar" and ics.get_filename() == "laboratorio.ics"
    calendar = Calendar.from_ical(ics.get_content())
    events = calendar.walk("VEVENT")
    assert {e["UID"] for e in events} == {s.uid for s in lab.sessions}
    # A stranger may have used the address: one click stops all but account mail (issue 27).
    assert "/disiscrizione/indirizzo/" in str(message["List-Unsubscribe"])
    # The link works: the private page, then withdrawing.
    link = private_link(message)
    assert "Rosa Ferrari, hai un posto." in text(browser.get(link))
    browser.post(f"{link}/ritiro", token_from=link)
    assert db.session.scalar(select(Registration.status)) == "withdrawn"


def test_waiting_list_then_promotion_with_the_same_link(browser, lab, mailbox):
    signup(browser, lab, mailbox=mailbox, full_name="Anna", email="anna@example.org")
    signup(browser, lab, mailbox=mailbox, full_name="Bruno", email="bruno@example.org")
    signup(browser, lab, mailbox=mailbox, full_name="Carla", email="carla@example.org")
    anna, _bruno, carla = mailbox.deliver()
    assert carla["Subject"] == "Sei in lista d'attesa: Orto condiviso"
    assert "sei in lista d'attesa" in body(carla)
    anna_link = private_link(anna)
    browser.post(f"{anna_link}/ritiro", token_from=anna_link)
    promoted = mailbox.one()
    assert promoted["To"].addresses[0].addr_spec == "carla@example.org"
    assert promoted["Subject"] == "Si è liberato un posto: Orto condiviso"
    assert "l'iscrizione è confermata" in body(promoted) and "sei iscritto" not in body(promoted)
    assert private_link(promoted) == private_link(carla)
    assert "Carla, hai un posto." in text(browser.get(private_link(promoted)))


def test_second_signup_shows_the_same_page_and_mails_the_owner_their_link(browser, lab, mailbox):
    first = signup(browser, lab, mailbox=mailbox)
    original = mailbox.one()
    again = signup(browser, lab, full_name="Qualcun Altro", email="Rosa@Example.org")
    assert again.headers["Location"] == first.headers["Location"]
    assert text(browser.get(again.headers["Location"])) == text(browser.get(first.headers["Location"]))
    notice = mailbox.one()
    assert notice["To"].addresses[0].addr_spec == "rosa@example.org"
    assert notice["Subject"] == "La tua iscrizione a Orto condiviso"
    assert "Questo indirizzo risulta già tra le iscrizioni" in body(notice) and "Risulti" not in body(notice)
    assert private_link(notice) == private_link(original)
    assert len(db.session.scalars(select(Registration)).all()) == 1


def test_a_phone_signed_up_again_mails_nobody_and_an_address_with_it_is_still_one_person(
    browser, lab, mailbox
):
    signup(browser, lab, full_name="Maria Rossi", email="", phone="333 123 4567")
    again = signup(browser, lab, full_name="Luca Rossi", email="", phone="3331234567")
    assert "/iscrizione/" in again.headers["Location"] and mailbox.deliver() == []
    # With an e-mail beside that phone, the address decides: one sign-up, a notice to its owner.
    signup(
        browser, lab, mailbox=mailbox, full_name="Anna Bianchi", email="anna@example.org", phone="3331234567"
    )
    mailbox.deliver()
    signup(browser, lab, full_name="Anna B.", email="anna@example.org", phone="")
    assert "ha chiesto di nuovo di iscrivere questo indirizzo" in body(mailbox.one())
    names = db.session.scalars(select(Registration.full_name).order_by(Registration.id)).all()
    assert names == ["Maria Rossi", "Luca Rossi", "Anna Bianchi"]


def test_someone_signed_up_with_my_address_gets_one_message_and_nothing_more_without_me(
    browser, lab, mailbox
):
    for name in ("Uno Sconosciuto", "Uno S.", "Ancora Lui"):  # a stranger types my address, again and again
        signup(browser, lab, full_name=name, email="vittima@example.org")
    (message,) = mailbox.deliver()
    assert message["Subject"] == "Conferma l'iscrizione: Orto condiviso"
    plain = body(message)
    assert "Il posto è tenuto per te per 2 ore: conferma entro allora." in plain
    assert "Non hai chiesto tu questa iscrizione? Ignora questo messaggio" in plain
    assert not any("/iscrizione/" in u for u in links(message)) and attachments(message) == []
    assert db.session.scalar(select(Registration.status)) == "pending"
    db.session.execute(update(Registration).values(created_at=utcnow() - timedelta(hours=3)))
    db.session.commit()
    assert "Posti liberi: 2 su 2." in text(browser.get(f"/laboratori/{lab.slug}"))  # no place held any more
    assert mailbox.deliver() == []


def test_the_request_to_confirm_then_the_confirmation(browser, lab, mailbox):
    signup(browser, lab)
    request = mailbox.one()
    assert str(request["To"]) == "Rosa Ferrari <rosa@example.org>"
    assert "Per confermare l'iscrizione apri questo link:" in body(request)
    link = confirm_link(request)
    assert "Premi il pulsante per confermarla" in text(browser.get(link))
    assert mailbox.deliver() == [] and db.session.scalar(select(Registration.status)) == "pending"
    browser.post(link, token_from=link)
    confirmed = mailbox.one()
    assert confirmed["Subject"] == "Iscrizione confermata: Orto condiviso"
    assert "Rosa Ferrari, hai un posto." in text(browser.get(private_link(confirmed)))


def test_cancelled_session_reaches_every_registrant(browser, maker, lab, mailbox):
    signup(browser, lab, mailbox=mailbox, full_name="Anna", email="anna@example.org")
    signup(browser, lab, mailbox=mailbox, full_name="Bruno", email="", phone="0373 123456")
    signup(browser, lab, mailbox=mailbox, full_name="Carla", email="carla@example.org")
    signup(browser, lab, mailbox=mailbox, full_name="Dario", email="dario@example.org")  # waiting list
    mailbox.deliver()
    session = lab.sessions[0]
    browser.login(maker)
    browser.post(f"/gestione/incontri-lab/{session.id}/annulla", {"annulla-reason": "Sala allagata"})
    notices = mailbox.deliver()
    assert sorted(m["To"].addresses[0].addr_spec for m in notices) == [
        "anna@example.org", "carla@example.org", "dario@example.org"
    ]  # fmt: skip
    assert {m["Subject"] for m in notices} == {"Incontro annullato: Orto condiviso"}
    assert "è ANNULLATO" in body(notices[0]) and "Motivo: Sala allagata" in body(notices[0])


def test_moved_session_says_before_and_after_with_an_ics(browser, maker, lab, mailbox):
    signup(browser, lab, mailbox=mailbox)
    mailbox.deliver()
    session = lab.sessions[0]
    new_day = today_in_rome() + timedelta(days=4)
    browser.login(maker)
    url = f"/gestione/incontri-lab/{session.id}/sposta"
    browser.post(
        url,
        {"start_on": new_day.isoformat(), "start_time": "19:00", "end_time": "20:30", **opened(session)},
        token_from=url,
    )
    message = mailbox.one()
    assert message["Subject"] == "Incontro spostato: Orto condiviso"
    plain = body(message)
    assert "Prima:" in plain and "alle 18:00" in plain and "19:00–20:30" in plain
    (ics,) = attachments(message)
    events = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    moved = next(e for e in events if e["UID"] == session.uid)
    assert moved.decoded("DTSTART").astimezone(ROME).hour == 19 and int(moved["SEQUENCE"]) == 1


def test_reminder_the_day_before_once(browser, lab, mailbox):
    signup(browser, lab, mailbox=mailbox)
    mailbox.deliver()
    day_before = lab.sessions[0].starts_at - timedelta(days=1)
    scheduled.run(day_before)
    scheduled.run(day_before + timedelta(hours=1))
    message = mailbox.one()
    assert message["Subject"] == "Domani: Orto condiviso"
    assert "ti ricordiamo l'incontro" in body(message) and "18:00–20:00" in body(message)
    scheduled.run(utcnow())  # no session tomorrow
    assert mailbox.deliver() == []


def test_message_about_a_deleted_lab_fails_with_the_reason(browser, lab, mailbox):
    signup(browser, lab)
    lab.deleted_at = utcnow()
    db.session.commit()
    assert mailbox.deliver() == []
    failed = db.session.scalar(select(Message))
    assert failed.state == "failed" and "Il laboratorio o l'iscrizione non esistono più" in failed.last_error


@pytest.mark.parametrize("address", ["rosa@a@example.org", "rosa@example.org\r\nBcc: x@example.org"])
def test_signup_refuses_addresses_with_line_breaks_or_two_ats(browser, lab, address):
    response = signup(browser, lab, email=address)
    assert response.status_code == 400 and "Questo non è un indirizzo e-mail valido." in text(response)
    assert db.session.scalars(select(Message)).all() == []
