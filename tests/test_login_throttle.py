"""Failures slow down their source, never the owner (app/auth/throttle.py), the login link by
e-mail of an account under guard (app/auth/login_link.py), the current-password limit."""

from sqlalchemy import select

from app.accounts.models import User
from app.messages.models import Message
from app.platform.extensions import db
from tests.conftest import PASSWORD, text
from tests.mail_support import links, path_of

WRONG = "Indirizzo e-mail o password non corretti."
PAIR = "Troppi tentativi sbagliati per questo account da questa rete"
GUARD = "per proteggerlo la password non basta"


def _login(browser, email, password, address="10.0.0.1"):
    return browser.post(
        "/accedi", {"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _logged_in_as(browser) -> str:
    return text(browser.get("/area-riservata", follow_redirects=True))


def test_correct_logins_from_one_school_network_are_never_refused(app, browser, make_user):
    users = [make_user(f"docente{n}@example.org", name=f"Docente {n}") for n in range(30)]
    for user in users:
        response = _login(browser, user.email, PASSWORD, address="192.0.2.10")
        assert response.status_code == 302, text(response)
        browser.logout()
    response = _login(browser, users[-1].email, PASSWORD, address="192.0.2.10")
    assert response.status_code == 302
    assert "Ciao Docente 29" in _logged_in_as(browser)


def test_a_stranger_guessing_locks_out_only_their_own_address(app, browser, member):
    for _ in range(5):
        assert WRONG in text(_login(browser, member.email, "sbagliata-123", address="203.0.113.66"))
    refused = _login(browser, member.email, PASSWORD, address="203.0.113.66")
    assert refused.status_code == 429
    assert PAIR in text(refused)
    assert "Ciao Mario Membro" not in _logged_in_as(browser)
    # The owner, from their own network, logs in with the right password.
    owner = type(browser)(app.test_client())
    assert _login(owner, member.email, PASSWORD, address="198.51.100.7").status_code == 302
    assert "Ciao Mario Membro" in _logged_in_as(owner)


def test_the_pair_limit_leaves_other_accounts_from_that_address_alone(app, browser, member, make_user):
    other = make_user("altra@example.org", name="Anna Altra")
    for _ in range(5):
        _login(browser, member.email, "sbagliata-123", address="203.0.113.66")
    assert WRONG in text(_login(browser, "nessuno@example.org", "sbagliata-123", address="203.0.113.66"))
    assert _login(browser, other.email, PASSWORD, address="203.0.113.66").status_code == 302


def test_many_failures_from_one_address_stop_it_for_every_account(app, browser, member):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "4 per hour"
    for n in range(4):
        assert WRONG in text(_login(browser, f"p{n}@example.org", "sbagliata-123", address="203.0.113.9"))
    refused = _login(browser, member.email, PASSWORD, address="203.0.113.9")
    assert refused.status_code == 429
    assert "Troppi accessi non riusciti da questa rete" in text(refused)
    assert _login(browser, member.email, PASSWORD, address="198.51.100.7").status_code == 302


def _attack_from_many_addresses(browser, email, count=3):
    for n in range(count):
        assert WRONG in text(_login(browser, email, "sbagliata-123", address=f"203.0.113.{n + 1}"))


def test_an_account_under_guard_answers_the_same_and_mails_the_owner_a_link(app, browser, member, mailbox):
    app.config["LOGIN_GUARD_AFTER"] = "3 per hour"
    _attack_from_many_addresses(browser, member.email)
    wrong = _login(browser, member.email, "sbagliata-456", address="198.51.100.7")
    wrong_page = text(browser.get(wrong.headers["Location"]))
    assert db.session.scalars(select(Message)).all() == []
    right = _login(browser, member.email, PASSWORD, address="198.51.100.7")
    right_page = text(browser.get(right.headers["Location"]))
    assert GUARD in right_page and wrong_page == right_page
    assert "Ciao Mario Membro" not in _logged_in_as(browser)
    message = mailbox.one()
    assert message["Subject"] == "Legami: il tuo link per entrare"
    assert message["To"].addresses[0].addr_spec == member.email
    link = next(path_of(url) for url in links(message) if "/accedi/link/" in url)
    assert "Stai per entrare in Legami come Mario Membro" in text(browser.get(link))
    response = browser.post(link, token_from=link)
    assert response.status_code == 302
    assert "Ciao Mario Membro" in _logged_in_as(browser)
    db.session.expire_all()
    assert db.session.get(User, member.id).last_login_at is not None
    browser.logout()
    assert browser.get(link).status_code == 404  # once only


def test_a_login_link_dies_when_the_account_logs_in_another_way(app, browser, member, mailbox):
    app.config["LOGIN_GUARD_AFTER"] = "3 per hour"
    _attack_from_many_addresses(browser, member.email)
    _login(browser, member.email, PASSWORD, address="198.51.100.7")
    link = next(path_of(url) for url in links(mailbox.one()) if "/accedi/link/" in url)
    app.config["LOGIN_GUARD_AFTER"] = "100 per hour"
    assert _login(browser, member.email, PASSWORD, address="198.51.100.7").status_code == 302
    assert browser.get(link).status_code == 404


def test_bad_expired_or_deactivated_login_links_are_not_found(app, browser, member):
    from app.auth import login_link

    assert browser.get("/accedi/link/inventato").status_code == 404
    token = login_link.token(member)
    app.config["LOGIN_LINK_MAX_AGE_SECONDS"] = -1
    assert "Pagina non trovata" in text(browser.get(f"/accedi/link/{token}"))
    app.config["LOGIN_LINK_MAX_AGE_SECONDS"] = 900
    member.is_active = False
    db.session.commit()
    assert browser.get(f"/accedi/link/{token}").status_code == 404


def test_a_login_link_needs_the_csrf_token(browser, member):
    from app.auth import login_link

    link = f"/accedi/link/{login_link.token(member)}"
    response = browser.post(link, csrf=False)
    assert "Ciao Mario Membro" not in _logged_in_as(browser)
    assert response.status_code == 400


def test_guessing_the_current_password_is_limited_per_account(browser, member):
    browser.login(member)
    for _ in range(5):
        response = browser.post(
            "/profilo/password",
            {"current": "sbagliata-1", "password": "nuova-password-9", "confirm": "nuova-password-9"},
        )
        assert "La password attuale non è corretta." in text(response)
    response = browser.post(
        "/profilo/password",
        {"current": PASSWORD, "password": "nuova-password-9", "confirm": "nuova-password-9"},
    )
    assert response.status_code == 429
    assert "Troppi tentativi con la password attuale" in text(response)
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password(PASSWORD)
