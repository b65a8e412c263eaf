"""Invitation and Password dimenticata?, read from a real SMTP server."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.auth.reset import PasswordReset
from app.messages.models import Message
from app.platform.extensions import db
from tests.conftest import PASSWORD, text
from tests.mail_support import body, links, path_of


def _link(message, fragment):
    return next(path_of(url) for url in links(message) if fragment in url)


def test_admin_invitation_reaches_the_person_and_its_link_works_once(app, as_admin, mailbox):
    response = as_admin.post(
        "/amministrazione/utenti/nuovo",
        {"full_name": "Chiara Coordinatrice", "email": "chiara@example.org", "roles": ["coordinator"]},
    )
    assert "abbiamo mandato a Chiara Coordinatrice il link" in text(
        as_admin.get(response.headers["Location"])
    )
    message = mailbox.one()
    assert message["Subject"] == "Il tuo account su Legami"
    assert str(message["To"]) == "Chiara Coordinatrice <chiara@example.org>"
    assert "Buongiorno Chiara Coordinatrice" in body(message)
    assert "l'amministrazione di Legami ha creato un account per te" in body(message, "html")
    link = _link(message, "/invito/")
    invitee = type(as_admin)(app.test_client())
    invitee.post(link, {"password": "la-mia-password", "confirm": "la-mia-password"}, token_from=link)
    assert "Chiara Coordinatrice" in text(invitee.get("/area-riservata"))
    assert invitee.get(link).status_code == 404  # once only


def test_a_new_link_from_the_admin_is_mailed_and_retires_the_old_invitation(
    app, as_admin, mailbox, make_user
):
    user = make_user("ines@example.org", [Role.COMMUNITY_MAKER], "Ines Invitata", password=None)
    from app.auth import notices as accounts

    accounts.send_invitation(user)
    first = mailbox.one()
    as_admin.post(f"/amministrazione/utenti/{user.id}/link-password")
    second = mailbox.one()
    assert as_admin.get(_link(first, "/invito/")).status_code == 404
    assert as_admin.get(_link(second, "/invito/")).status_code == 200


def test_login_page_offers_password_dimenticata(browser):
    assert "Password dimenticata?" in text(browser.get("/accedi"))


def _forgot(browser, address):
    return browser.post("/password-dimenticata", {"email": address}, token_from="/password-dimenticata")


def test_password_reset_same_reply_for_known_and_unknown_addresses(browser, member, mailbox):
    known = text(browser.get(_forgot(browser, member.email).headers["Location"]))
    unknown = text(browser.get(_forgot(browser, "nessuno@example.org").headers["Location"]))
    assert "Se l'indirizzo corrisponde a un account, ti abbiamo scritto" in known
    assert known == unknown
    message = mailbox.one()
    assert message["To"].addresses[0].addr_spec == member.email
    assert message["Subject"] == "Legami: scegli una nuova password"
    stored = db.session.scalar(select(PasswordReset))
    token = _link(message, "/password-dimenticata/").rsplit("/", 1)[1]
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # only a hash is kept


def test_password_reset_link_works_once_and_ends_other_sessions(app, browser, member, mailbox):
    other = type(browser)(app.test_client())
    other.login(member)
    _forgot(browser, member.email)
    link = _link(mailbox.one(), "/password-dimenticata/")
    response = browser.post(
        link, {"password": "una-nuova-password", "confirm": "una-nuova-password"}, token_from=link
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password("una-nuova-password")
    assert browser.get(link).status_code == 404
    assert other.get("/area-riservata").status_code == 302  # logged out everywhere else


def test_password_reset_refuses_a_common_password(browser, member, mailbox):
    _forgot(browser, member.email)
    link = _link(mailbox.one(), "/password-dimenticata/")
    response = browser.post(link, {"password": "1234567890", "confirm": "1234567890"}, token_from=link)
    assert "Questa password è tra le più usate" in text(response)
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password(PASSWORD)


def test_password_reset_link_void_after_a_password_change_or_an_hour(app, browser, member, mailbox):
    _forgot(browser, member.email)
    _forgot(browser, member.email)
    first, second = mailbox.deliver()
    from app.auth import reset

    later = reset.utcnow() + timedelta(minutes=61)
    token = _link(first, "/password-dimenticata/").rsplit("/", 1)[1]
    assert reset.find_valid(token) is not None
    assert reset.find_valid(token, now=later) is None
    member = db.session.get(User, member.id)
    member.set_password("cambiata-altrove-123")
    db.session.commit()
    assert browser.get(_link(first, "/password-dimenticata/")).status_code == 404
    assert browser.get(_link(second, "/password-dimenticata/")).status_code == 404


@pytest.mark.parametrize(
    "address", ["a@b@example.org", "nome@example.org\r\nBcc: x@y.it", "non-una-mail", ""]
)
def test_password_reset_bad_addresses_are_refused_and_nothing_is_queued(browser, address):
    response = _forgot(browser, address)
    assert response.status_code == 200
    assert "Scrivi" in text(response)
    assert db.session.scalars(select(Message)).all() == []


def test_password_reset_is_rate_limited(app, browser, member):
    for _ in range(5):
        assert _forgot(browser, member.email).status_code == 302
    assert _forgot(browser, member.email).status_code == 429
    assert len(db.session.scalars(select(Message)).all()) == 5


def test_bad_reset_token_is_not_found(browser):
    assert browser.get("/password-dimenticata/inventato").status_code == 404


def test_login_with_the_old_password_fails_after_reset(app, browser, member, mailbox):
    _forgot(browser, member.email)
    link = _link(mailbox.one(), "/password-dimenticata/")
    browser.post(link, {"password": "una-nuova-password", "confirm": "una-nuova-password"}, token_from=link)
    browser.logout()
    response = browser.post("/accedi", {"email": member.email, "password": PASSWORD})
    assert response.status_code == 200
