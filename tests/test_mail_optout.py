"""No stranger fills an inbox (issue 27): every message that is not essential carries a
one-click List-Unsubscribe (RFC 8058) for its address, and an address gets at most
MAIL_MAX_PER_ADDRESS_PER_DAY messages a day that a visitor can cause."""

import logging
from datetime import timedelta

from sqlalchemy import func, select, update

from app.auth import notices as account_notices
from app.common.timeutil import today_in_rome, utcnow
from app.labs import notices as lab_notices
from app.labs import registrations
from app.labs.models import Registration
from app.messages import services, suppressions
from app.messages.models import MailSuppression, Message
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.mail_support import body, links, path_of

VICTIM = "vittima@example.org"


def make_labs(count: int) -> list:
    labs = []
    for n in range(count):
        found = factories.lab(title=f"Laboratorio {n}", slug=f"laboratorio-{n}", capacity=20)
        factories.session(found, today_in_rome() + timedelta(days=3))
        labs.append(found)
    db.session.commit()
    return labs


def signup(browser, lab, email=VICTIM, name="Rosa Ferrari"):
    data = {"full_name": name, "email": email, "phone": "", "note": ""}
    return browser.post(f"/laboratori/{lab.slug}/iscrizione", data, token_from=f"/laboratori/{lab.slug}")


def queued(to: str = VICTIM, kind: str | None = None) -> int:
    query = select(func.count()).select_from(Message).where(Message.to_email == to)
    if kind:
        query = query.where(Message.kind == kind)
    return db.session.scalar(query)


# --- one-click opt-out for every address ---------------------------------------------------


def optout_path(message) -> str:
    header = str(message["List-Unsubscribe"])
    assert header.startswith("<https://") or header.startswith("<http://"), header
    return path_of(header.strip("<>"))


def test_a_lab_signup_carries_a_one_click_link_that_stops_the_next_messages(app, browser, mailbox):
    (lab, other) = make_labs(2)
    signup(browser, lab)
    message = mailbox.one()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = optout_path(message)
    assert path.startswith("/disiscrizione/indirizzo/")
    assert any(path_of(u) == path for u in links(message))  # the body offers it too
    assert "Non vuoi più messaggi da Legami a questo indirizzo?" in body(message)
    # GET asks and changes nothing.
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "Vuoi che Legami non scriva più a vittima@example.org?" in text(page)
    assert db.session.scalar(select(func.count()).select_from(MailSuppression)) == 0
    # The mail app's one click: a POST without any form token.
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Legami non scriverà più a vittima@example.org" in text(done)
    assert suppressions.is_suppressed(VICTIM)
    # A new sign-up with the address: the page is the same, no message leaves.
    response = signup(browser, other)
    assert response.status_code == 302
    assert "Ti abbiamo scritto" in text(browser.get(response.headers["Location"]))
    assert mailbox.deliver() == []
    assert queued() == 1


def test_changing_ones_mind_needs_the_pages_form_and_brings_mail_back(app, browser, mailbox):
    (lab, other) = make_labs(2)
    signup(browser, lab)
    path = optout_path(mailbox.one())
    done = browser.post(path, csrf=False)
    assert "Ho cambiato idea" in text(done)
    # Without the page's form token nothing changes.
    refused = browser.post(f"{path}/annulla", csrf=False)
    assert refused.status_code == 400 and suppressions.is_suppressed(VICTIM)
    restored = browser.post(f"{path}/annulla", token_from=path)
    assert "Legami può di nuovo scrivere a vittima@example.org" in text(restored)
    assert not suppressions.is_suppressed(VICTIM)
    signup(browser, other)
    assert mailbox.one()["Subject"] == "Conferma l'iscrizione: Laboratorio 1"


def test_an_opted_out_address_still_gets_its_account_messages(app, browser, make_user, mailbox):
    user = make_user(VICTIM, name="Rosa Ferrari", password=None)
    suppressions.suppress(VICTIM)
    db.session.commit()
    account_notices.send_invitation(user)
    message = mailbox.one()
    assert message["Subject"] == "Il tuo account su Legami"
    assert "List-Unsubscribe" not in message  # essential: no opt-out link


def test_the_optout_is_twice_harmless_and_a_forged_link_is_not_found(app, browser, mailbox):
    (lab,) = make_labs(1)
    signup(browser, lab)
    path = optout_path(mailbox.one())
    client = app.test_client()
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(MailSuppression)) == 1
    assert client.get(path[:-3] + "xyz").status_code == 404
    forged = suppressions.token("altro@example.org")[:-4] + "AAAA"
    assert client.post(f"/disiscrizione/indirizzo/{forged}").status_code == 404
    assert not suppressions.is_suppressed("altro@example.org")


def test_digests_skip_an_opted_out_address(app):
    suppressions.suppress(VICTIM)
    db.session.commit()
    rows = [
        {"to": VICTIM, "data": {"follow_id": 1}, "key": "follow:1:week:x"},
        {"to": "altro@example.org", "data": {"follow_id": 2}, "key": "follow:2:week:x"},
    ]
    services.enqueue_many("follow_weekly", rows)
    db.session.commit()
    assert queued(VICTIM) == 0 and queued("altro@example.org") == 1


def test_kinds_with_their_own_link_keep_it(app):
    """The weekly e-mail of a follow keeps its own "stop following" link, not the address's."""
    from app.messages import follows
    from app.messages.render import render

    (lab,) = make_labs(1)
    follow = follows.start(VICTIM, "lab", lab)
    follows.confirm(follow)
    services.enqueue("follow_weekly", VICTIM, {"follow_id": follow.id}, key="follow:week")
    db.session.commit()
    email, _subject, _text = render(db.session.scalar(select(Message)))
    assert "/segui/smetti/" in str(email["List-Unsubscribe"])
    assert "Non vuoi più messaggi da Legami a questo indirizzo" not in _text


# --- at most N messages a day that a visitor can cause ---------------------------------------


def test_fifteen_signups_with_one_address_queue_at_most_ten(app, browser, mailbox, caplog):
    labs = make_labs(15)
    caplog.set_level(logging.WARNING, logger="app.messages.services")
    for lab in labs:
        response = signup(browser, lab)
        # The visitor sees the same page every time: nothing tells them the limit was reached.
        assert response.status_code == 302 and response.headers["Location"].endswith("/iscrizione-ricevuta")
    assert queued() == 10
    assert len(mailbox.deliver()) == 10
    assert any("had its messages for the day" in r.getMessage() for r in caplog.records)
    assert VICTIM not in caplog.text  # the log does not spread the address
    # Another address is not affected.
    signup(browser, labs[0], email="altro@example.org", name="Anna")
    assert queued("altro@example.org") == 1


def test_the_limit_is_configurable_and_a_day_later_mail_goes_again(app, browser):
    app.config["MAIL_MAX_PER_ADDRESS_PER_DAY"] = 3
    labs = make_labs(5)
    for lab in labs[:4]:
        signup(browser, lab)
    assert queued() == 3
    db.session.execute(update(Message).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    signup(browser, labs[4])
    assert queued() == 4


def test_second_signup_notices_count_too(app, browser):
    """The same lab again and again, once confirmed ("already signed up": the owner gets their link)."""
    (lab,) = make_labs(1)
    signup(browser, lab)
    registrations.confirm(db.session.scalar(select(Registration)))
    db.session.commit()
    for _ in range(12):
        signup(browser, lab)
    assert queued(kind="lab_signup_confirm") == 1 and queued(kind="lab_signup") == 1
    # The request to confirm and the reminders count (10 a day); what its owner asked for does not.
    assert queued(kind="lab_signup_again") == 9
    assert queued() == 11


def test_staff_and_account_messages_are_not_limited(app, browser, make_user):
    labs = make_labs(11)
    for lab in labs:
        signup(browser, lab)
    assert queued() == 10
    # The owner confirms one; the organiser cancels a session: every registrant hears of it.
    registrations.confirm(db.session.scalar(select(Registration).where(Registration.lab_id == labs[0].id)))
    assert queued(kind="lab_signup") == 1
    session = labs[0].sessions[0]
    session.is_cancelled = True
    lab_notices.session_cancelled(session)
    db.session.commit()
    assert queued(kind="lab_session_cancelled") == 1
    # A password link for an account with this address still goes.
    user = make_user(VICTIM, name="Rosa Ferrari", password=None)
    account_notices.send_password_reset(user.email)
    db.session.commit()
    assert queued(kind="password_reset") == 1


def test_enqueue_returns_none_when_it_does_not_queue(app):
    (lab,) = make_labs(1)
    app.config["MAIL_MAX_PER_ADDRESS_PER_DAY"] = 0
    registration, token = registrations.register(lab, "Rosa", VICTIM, "", "", False)
    data = {"registration_id": registration.id}
    assert services.enqueue("lab_signup_confirm", VICTIM, data, key="k1") is None
    app.config["MAIL_MAX_PER_ADDRESS_PER_DAY"] = 10
    assert services.enqueue("lab_signup_confirm", VICTIM, data, key="k1") is not None
    assert token
