"""Residents follow a center, a lab or a town by e-mail: confirmation, weekly message with
cancellations and moves highlighted, one-click unsubscribe, forged links are 404."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from app.civic_centers import services as centers
from app.common.timeutil import ROME
from app.messages import scheduled
from app.messages.models import Follow, Message
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.mail_support import body, links, path_of

MONDAY = datetime(2026, 3, 2, 7, 30, tzinfo=ROME)  # the week of Tuesday 3 and Tuesday 10 March...


@pytest.fixture
def center(app):
    found = factories.center()
    factories.activity(found, title="Doposcuola")
    factories.activity(found, title="Merenda insieme", weekdays="3")  # Thursdays
    db.session.commit()
    return found


def ask(browser, url, address="famiglia@example.org"):
    return browser.post(url, {"email": address}, token_from=url)


def test_follow_a_center_confirm_then_weekly_message_with_cancellations(browser, center, mailbox):
    page = text(browser.get(f"/centri/{center.slug}"))
    assert "Ricevi per e-mail ogni settimana" in page
    url = f"/segui/centro/{center.slug}"
    response = ask(browser, url)
    assert "Ti abbiamo scritto" in text(browser.get(response.headers["Location"]))
    confirm = mailbox.one()
    assert confirm["Subject"] == "Conferma: vuoi seguire «Oratorio San Luigi»?"
    link = path_of(next(u for u in links(confirm) if "/segui/conferma/" in u))
    scheduled.run(MONDAY)
    assert mailbox.deliver() == []  # not confirmed yet: nothing
    assert "Vuoi ricevere ogni lunedì" in text(browser.get(link))
    assert "Ogni lunedì riceverai" in text(browser.post(link, token_from=link))
    activity = db.session.scalar(select(factories.Activity).where(factories.Activity.title == "Doposcuola"))
    centers.cancel_occurrence(activity, date(2026, 3, 3), "Sala chiusa")
    db.session.commit()
    scheduled.run(MONDAY)
    scheduled.run(MONDAY.replace(hour=10))
    weekly = mailbox.one()
    assert weekly["Subject"] == "Cosa c'è questa settimana: «Oratorio San Luigi»"
    plain = body(weekly)
    assert "ATTENZIONE, ANNULLATI:" in plain and "Doposcuola (Sala chiusa)" in plain
    assert "Merenda insieme" in plain
    assert weekly["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # One click from the mail app: no CSRF token, no login.
    stop = path_of(weekly["List-Unsubscribe"].strip("<>"))
    assert "Non riceverai più messaggi" in text(browser.post(stop, csrf=False))
    assert db.session.scalars(select(Follow)).all() == []
    assert browser.post(stop, csrf=False).status_code == 404  # an old link
    assert browser.get(link).status_code == 404


def test_follow_a_lab_and_a_town(browser, mailbox):
    lab = factories.lab()
    factories.session(lab, date(2026, 3, 4), time(17, 0), time(18, 0))
    db.session.commit()
    ask(browser, f"/segui/laboratorio/{lab.slug}", "a@example.org")
    ask(browser, "/segui/comune/crema", "b@example.org")
    for message in mailbox.deliver():
        link = path_of(next(u for u in links(message) if "/segui/conferma/" in u))
        browser.post(link, token_from=link)
    scheduled.run(MONDAY)
    weekly = {m["To"].addresses[0].addr_spec: m for m in mailbox.deliver()}
    assert weekly["a@example.org"]["Subject"] == "Cosa c'è questa settimana: il laboratorio «Orto condiviso»"
    assert "mercoledì 4 marzo 2026, 17:00–18:00: Orto condiviso" in body(weekly["a@example.org"])
    assert weekly["b@example.org"]["Subject"] == "Cosa c'è questa settimana: il Comune di Crema"
    assert "Orto condiviso" in body(weekly["b@example.org"])


def test_asking_again_reveals_nothing_and_keeps_one_row(browser, center, mailbox):
    url = f"/segui/centro/{center.slug}"
    first = ask(browser, url)
    second = ask(browser, url, "FAMIGLIA@example.org")
    assert first.headers["Location"] == second.headers["Location"]
    assert len(db.session.scalars(select(Follow)).all()) == 1


@pytest.mark.parametrize("address", ["a@b@example.org", "x@example.org\r\nBcc: y@example.org", "nulla", ""])
def test_bad_addresses_are_refused(browser, center, address):
    response = ask(browser, f"/segui/centro/{center.slug}", address)
    assert response.status_code == 400 and "Scrivi" in text(response)
    assert db.session.scalars(select(Message)).all() == []


@pytest.mark.parametrize(
    "url",
    ["/segui/centro/inesistente", "/segui/nulla/crema", "/segui/conferma/falso", "/segui/smetti/falso"],
)
def test_missing_targets_and_forged_tokens_are_not_found(browser, url):
    assert browser.get(url).status_code == 404


def test_a_draft_lab_cannot_be_followed(browser):
    factories.lab(slug="bozza", status="draft")
    db.session.commit()
    assert browser.get("/segui/laboratorio/bozza").status_code == 404
