"""Consent before mail (issue 27): a lab sign-up with an e-mail is pending until the address's owner
confirms it from the message. Nobody can hold a place in a stranger's name for longer than the
hold, nor have more than one message an hour sent to them; phone-only sign-ups stay as they were."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy import text as sql

from app.accounts.models import Role
from app.common.timeutil import utcnow
from app.labs.models import Registration
from app.messages.models import Message
from app.platform.extensions import db
from tests import factories
from tests.conftest import Browser, text
from tests.test_labs import SIGNUP, confirm_link, flash_after, signup, statuses


@pytest.fixture
def maker(make_user):
    return make_user("maker.lab@example.org", [Role.COMMUNITY_MAKER], "Marta Maker")


@pytest.fixture
def lab(app, maker):
    found = factories.lab(makers=[maker])
    db.session.commit()
    return found


def kinds(email: str = "rosa@example.org") -> list[str]:
    return list(
        db.session.scalars(select(Message.kind).where(Message.to_email == email).order_by(Message.id))
    )


def age_everything(**delta) -> None:
    """Move every sign-up and message back in time (the hold and the hourly limit run out)."""
    then = utcnow() - timedelta(**delta)
    db.session.execute(update(Registration).values(created_at=then))
    db.session.execute(update(Message).values(created_at=then))
    db.session.commit()


def test_an_email_sign_up_waits_for_its_owner_and_says_so(browser, lab):
    form = text(browser.get(f"/laboratori/{lab.slug}"))
    assert "Ti scriviamo un messaggio: l'iscrizione vale quando la confermi da lì." in form
    response = signup(browser, lab, confirm=False)
    assert response.status_code == 302
    page = text(browser.get(response.headers["Location"]))
    assert "Ti abbiamo scritto: conferma l'iscrizione dal messaggio entro 2 ore" in page
    assert "confermata" not in page.lower().replace("conferma l'iscrizione", "")
    assert statuses(lab) == ["pending"]
    assert kinds() == ["lab_signup_confirm"]  # no withdraw link, no dates, no .ics yet
    assert "Posti liberi: 1 su 2." in text(browser.get(f"/laboratori/{lab.slug}"))  # the place is held


def test_opening_the_link_changes_nothing_the_button_confirms(browser, lab):
    signup(browser, lab, confirm=False)
    url = confirm_link(lab, "rosa@example.org")
    page = browser.get(url)
    assert page.status_code == 200
    assert "Iscrizione di Rosa Ferrari con l'indirizzo rosa@example.org." in text(page)
    assert statuses(lab) == ["pending"] and kinds() == ["lab_signup_confirm"]
    confirmed = browser.post(url, token_from=url)
    assert confirmed.status_code == 302
    assert "Iscrizione confermata: hai un posto." in flash_after(browser, confirmed)
    assert "Rosa Ferrari, hai un posto." in text(browser.get(confirmed.headers["Location"]))
    assert statuses(lab) == ["confirmed"]
    assert kinds() == ["lab_signup_confirm", "lab_signup"]  # now the confirmation with the withdraw link
    again = browser.get(url)  # the link opened again: already confirmed, nothing sent twice
    assert "L'iscrizione di Rosa Ferrari è già confermata." in text(again)
    assert browser.post(url, token_from=f"/laboratori/{lab.slug}").status_code == 200
    assert statuses(lab) == ["confirmed"] and kinds() == ["lab_signup_confirm", "lab_signup"]


def test_a_confirmation_without_its_form_token_changes_nothing(browser, lab):
    signup(browser, lab, confirm=False)
    url = confirm_link(lab, "rosa@example.org")
    response = browser.post(url, csrf=False)
    assert response.status_code == 400
    assert statuses(lab) == ["pending"] and kinds() == ["lab_signup_confirm"]


@pytest.mark.parametrize("tail", ["x", "eyJyIjoxLCJlIjoicm9zYUBleGFtcGxlLm9yZyJ9.AAAAAA.forged"])
def test_a_forged_or_broken_link_is_not_found(browser, lab, tail):
    signup(browser, lab, confirm=False)
    assert browser.get(f"/laboratori/{lab.slug}/conferma/{tail}").status_code == 404
    assert (
        browser.post(
            f"/laboratori/{lab.slug}/conferma/{tail}", token_from=f"/laboratori/{lab.slug}"
        ).status_code
        == 404
    )
    assert statuses(lab) == ["pending"]


def test_a_link_works_only_under_its_own_lab(browser, lab):
    other = factories.lab(slug="cucina", title="Cucina insieme")
    db.session.commit()
    signup(browser, lab, confirm=False)
    url = confirm_link(lab, "rosa@example.org").replace(lab.slug, other.slug)
    assert browser.get(url).status_code == 404


def test_a_stranger_retyping_an_address_sends_at_most_one_message_an_hour(browser, lab):
    for name in ("Rosa Ferrari", "Rosa F.", "R. Ferrari"):
        assert signup(browser, lab, confirm=False, full_name=name).status_code == 302
    assert kinds() == ["lab_signup_confirm"] and statuses(lab) == ["pending"]
    other = factories.lab(slug="cucina", title="Cucina insieme")
    db.session.commit()
    signup(browser, other, confirm=False)  # another lab: its own message
    assert kinds() == ["lab_signup_confirm", "lab_signup_confirm"]
    age_everything(minutes=61)
    signup(browser, lab, confirm=False)
    assert kinds() == ["lab_signup_confirm"] * 3


def test_an_unconfirmed_place_is_held_only_for_the_stated_time(browser, lab):
    lab.capacity = 1
    db.session.commit()
    signup(browser, lab, confirm=False)  # holds the only place
    waiting = signup(browser, lab, full_name="Anna", email="", phone="0373 123456")
    assert "sei in lista d'attesa: posizione 1" in text(browser.get(waiting.headers["Location"]))
    assert statuses(lab) == ["pending", "waiting"]
    age_everything(minutes=121)  # the hold ran out: the place goes to the waiting list
    assert "Posti liberi: 1 su 1." in text(browser.get(f"/laboratori/{lab.slug}"))
    signup(browser, lab, full_name="Luca", email="", phone="0373 999888")
    assert statuses(lab) == ["pending", "confirmed", "waiting"]
    url = confirm_link(lab, "rosa@example.org")  # a late confirmation: the waiting list
    late = browser.post(url, token_from=url)
    assert "i posti sono esauriti, sei in lista d'attesa" in flash_after(browser, late)
    assert statuses(lab) == ["waiting", "confirmed", "waiting"]


def test_a_confirmation_within_the_hold_keeps_the_place(browser, lab):
    lab.capacity = 1
    db.session.commit()
    signup(browser, lab, confirm=False)
    signup(browser, lab, full_name="Anna", email="", phone="0373 123456")
    age_everything(minutes=100)
    url = confirm_link(lab, "rosa@example.org")
    browser.post(url, token_from=url)
    assert statuses(lab) == ["confirmed", "waiting"]


def test_withdrawing_a_held_place_gives_it_to_the_waiting_list(browser, maker, lab):
    lab.capacity = 1
    db.session.commit()
    signup(browser, lab, confirm=False)
    signup(browser, lab, full_name="Anna", email="", phone="0373 123456")
    held = db.session.scalar(select(Registration).where(Registration.status == "pending"))
    browser.login(maker)
    browser.post(
        f"/gestione/iscrizioni/{held.id}/ritira", token_from=f"/gestione/laboratori/{lab.slug}/iscrizioni"
    )
    assert statuses(lab) == ["withdrawn", "confirmed"]


def test_a_full_lab_sign_up_with_an_email_joins_the_list_once_confirmed(browser, lab):
    lab.capacity = 1
    db.session.commit()
    signup(browser, lab, email="", phone="0373 123456")
    signup(browser, lab, confirm=False)
    assert statuses(lab) == ["confirmed", "pending_waiting"]
    url = confirm_link(lab, "rosa@example.org")
    browser.post(url, token_from=url)
    assert statuses(lab) == ["confirmed", "waiting"]


def test_the_hold_is_a_setting(app, browser, lab):
    app.config["LAB_SIGNUP_HOLD_MINUTES"] = 90
    response = signup(browser, lab, confirm=False)
    assert "conferma l'iscrizione dal messaggio entro 90 minuti" in text(
        browser.get(response.headers["Location"])
    )


def test_makers_see_unconfirmed_sign_ups_marked(browser, maker, lab):
    signup(browser, lab, confirm=False)
    signup(browser, lab, full_name="Luca", email="luca@example.org")
    browser.login(maker)
    page = text(browser.get(f"/gestione/laboratori/{lab.slug}/iscrizioni"))
    assert "Con un posto (1) Nome Contatto Nota Azioni Luca luca@example.org" in page
    assert "Da confermare (1) Nome Contatto Nota Azioni Rosa Ferrari da confermare rosa@example.org" in page


def test_phone_only_sign_ups_are_confirmed_at_once(browser, lab):
    response = signup(browser, lab, email="", phone="0373 111111")
    assert "Rosa Ferrari, hai un posto." in text(browser.get(response.headers["Location"]))
    assert statuses(lab) == ["confirmed"]
    assert db.session.scalar(select(func.count(Message.id))) == 0
    assert SIGNUP["email"]  # the default sign-up, elsewhere, has an address


def test_a_page_showing_a_held_place_is_not_kept_past_the_hold(app, browser, lab):
    """The hold ends with time alone, no change to the data: the lab's page is not kept meanwhile."""
    signup(browser, lab, confirm=False)
    visitor = Browser(app.test_client())
    assert "Posti liberi: 1 su 2." in text(visitor.get(f"/laboratori/{lab.slug}"))
    db.session.commit()
    then = (utcnow() - timedelta(minutes=121)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with db.engine.begin() as connection:  # behind the ORM's back: no new generation of the pages
        connection.execute(sql("UPDATE lab_registrations SET created_at = :then"), {"then": then})
    assert "Posti liberi: 2 su 2." in text(visitor.get(f"/laboratori/{lab.slug}"))
