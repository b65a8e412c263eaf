"""Password dimenticata? does the same work for a known and an unknown address (issue 27): the
account is looked up, and its token made, by the worker that writes the e-mail."""

import sys
from pathlib import Path

from sqlalchemy import select

from app.auth.reset import PasswordReset
from app.messages.models import Message, MessageState
from app.platform.extensions import db
from tests.mail_support import links

APP = str(Path(__file__).resolve().parents[1] / "app")


def _calls(browser, address) -> list[str]:
    """Every function of app/ the request runs, in order."""
    called = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(APP):
            called.append(f"{frame.f_code.co_filename[len(APP) :]}:{frame.f_code.co_name}")

    token = browser.token("/password-dimenticata")
    sys.setprofile(profile)
    try:
        response = browser.post("/password-dimenticata", {"email": address, "csrf_token": token}, csrf=False)
    finally:
        sys.setprofile(None)
    assert response.status_code == 302
    return called


def test_known_and_unknown_addresses_run_the_same_code(browser, member):
    _calls(browser, "primo@example.org")  # first request: whatever is built once
    known = _calls(browser, member.email)
    unknown = _calls(browser, "nessuno@example.org")
    assert known == unknown
    assert db.session.scalars(select(PasswordReset)).all() == []  # no lookup, no token yet
    rows = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert [(m.kind, m.to_name, m.user_id, sorted(m.data)) for m in rows] == [
        ("password_reset", "", None, ["email"])
    ] * 3


def test_the_worker_finds_the_account_and_mails_only_it(browser, member, mailbox):
    for address in (member.email, "nessuno@example.org"):
        browser.post("/password-dimenticata", {"email": address}, token_from="/password-dimenticata")
    message = mailbox.one()
    assert message["To"].addresses[0].addr_spec == member.email
    assert any("/password-dimenticata/" in url for url in links(message))
    assert len(db.session.scalars(select(PasswordReset)).all()) == 1
    failed = db.session.scalar(select(Message).where(Message.to_email == "nessuno@example.org"))
    assert failed.state == MessageState.FAILED and "Nessun account attivo" in failed.last_error
