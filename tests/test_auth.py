"""Logging in and out, passwords, invitations (the login limits: test_login_throttle.py)."""

import pytest

from app.accounts.models import User
from app.auth import invitations
from app.platform.extensions import db
from tests.conftest import PASSWORD, text

WRONG = "Indirizzo e-mail o password non corretti."


def test_login_page_is_italian(browser):
    page = text(browser.get("/accedi"))
    assert "Accedi" in page and "Indirizzo e-mail" in page and "Password" in page


def test_login_with_valid_credentials_shows_dashboard(browser, member):
    response = browser.login(member)
    assert response.headers["Location"].endswith("/area-riservata")
    page = text(browser.get("/area-riservata"))
    assert "Area riservata" in page and "Ciao Mario Membro" in page
    assert db.session.get(User, member.id).last_login_at is not None


def test_email_is_case_insensitive(browser, member):
    response = browser.post("/accedi", {"email": "  MEMBRO@Example.org ", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "email,password",
    [("membro@example.org", "sbagliata-123"), ("nessuno@example.org", PASSWORD)],
    ids=["wrong-password", "unknown-account"],
)
def test_failed_login_says_the_same_whatever_was_wrong(browser, member, email, password):
    response = browser.post("/accedi", {"email": email, "password": password})
    assert response.status_code == 200
    assert WRONG in text(response)
    assert "Area riservata" not in text(browser.get("/area-riservata", follow_redirects=True))


def test_unknown_and_wrong_password_pages_are_identical(browser, member):
    pages = []
    for email in ("membro@example.org", "nessuno@example.org"):
        html = text(browser.post("/accedi", {"email": email, "password": "sbagliata-123"}))
        pages.append(html)
    assert pages[0] == pages[1]


def test_deactivated_account_cannot_log_in(browser, make_user):
    user = make_user("ex@example.org", active=False)
    response = browser.post("/accedi", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200 and WRONG in text(response)


def test_invited_account_without_password_cannot_log_in(browser, make_user):
    user = make_user("invitato@example.org", password=None)
    response = browser.post("/accedi", {"email": user.email, "password": ""})
    assert response.status_code == 200
    assert "Scrivi la password." in text(response)


@pytest.mark.parametrize(
    "data,message",
    [
        ({"email": "", "password": "x"}, "Scrivi il tuo indirizzo e-mail."),
        ({"email": "a@b.it", "password": ""}, "Scrivi la password."),
        ({"email": "a" * 300 + "@b.it", "password": "x"}, "L'indirizzo è troppo lungo."),
        ({"email": "a@b.it", "password": "x" * 200}, "La password è troppo lunga."),
    ],
)
def test_login_form_bad_input(browser, data, message):
    response = browser.post("/accedi", data)
    assert response.status_code == 200
    assert message in text(response)


def test_login_without_csrf_token_is_refused(browser, member):
    response = browser.post("/accedi", {"email": member.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "Il modulo è scaduto o non è valido" in text(response)
    assert browser.get("/area-riservata").status_code == 302


@pytest.mark.parametrize("target", ["/amministrazione/comuni/", "/profilo/password?x=1"])
def test_login_follows_a_local_next(browser, member, target):
    response = browser.post(
        f"/accedi?next={target}", {"email": member.email, "password": PASSWORD}, token_from="/accedi"
    )
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "https:evil.example",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "%252F%252Fevil.example",
        "javascript:alert(1)",
        "/%09/evil.example",
    ],
)
def test_login_refuses_a_next_that_leaves_the_site(browser, member, target):
    from urllib.parse import quote

    response = browser.post(
        f"/accedi?next={quote(target, safe='%:/')}", {"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/area-riservata"


def test_protected_page_sends_anonymous_to_login_with_next(browser):
    response = browser.get("/area-riservata")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accedi?next=")
    assert "Accedi per vedere questa pagina." in text(browser.get(response.headers["Location"]))


def test_get_on_logout_asks_and_changes_nothing(browser, member):
    browser.login(member)
    page = text(browser.get("/esci"))
    assert "Esci da Legami" in page
    assert browser.get("/area-riservata").status_code == 200


def test_logout_ends_every_session_including_copied_cookies(app, browser, member):
    browser.login(member)
    stolen = type(browser)(app.test_client())
    cookie = browser.client.get_cookie("session", domain="legami.test")
    stolen.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert stolen.get("/area-riservata").status_code == 200
    response = browser.logout()
    assert response.status_code == 302
    assert browser.get("/area-riservata").status_code == 302
    assert stolen.get("/area-riservata").status_code == 302


def test_logout_without_csrf_token_keeps_you_logged_in(browser, member):
    browser.login(member)
    assert browser.post("/esci", csrf=False).status_code == 400
    assert browser.get("/area-riservata").status_code == 200


def test_change_password_ends_other_sessions_but_keeps_this_one(app, browser, member):
    browser.login(member)
    other = type(browser)(app.test_client())
    other.login(member)
    response = browser.post(
        "/profilo/password",
        {"current": PASSWORD, "password": "una-nuova-password", "confirm": "una-nuova-password"},
    )
    assert response.status_code == 302
    assert browser.get("/area-riservata").status_code == 200
    assert other.get("/area-riservata").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password("una-nuova-password")


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {"current": "sbagliata-123", "password": "una-nuova-password", "confirm": "una-nuova-password"},
            "La password attuale non è corretta.",
        ),
        (
            {"current": PASSWORD, "password": "corta", "confirm": "corta"},
            "La password deve avere da 10 a 128 caratteri.",
        ),
        (
            {"current": PASSWORD, "password": "una-nuova-password", "confirm": "diversa-password"},
            "Le due password non coincidono.",
        ),
        (
            {"current": PASSWORD, "password": "1234567890", "confirm": "1234567890"},
            "Questa password è tra le più usate",
        ),
        (
            {"current": PASSWORD, "password": "Password123", "confirm": "Password123"},
            "Questa password è tra le più usate",
        ),
        ({"current": PASSWORD, "password": "", "confirm": ""}, "Scegli una password."),
        (
            {"current": "", "password": "una-nuova-password", "confirm": "una-nuova-password"},
            "Scrivi la password attuale.",
        ),
    ],
)
def test_change_password_bad_input_changes_nothing(browser, member, data, message):
    browser.login(member)
    response = browser.post("/profilo/password", data)
    assert response.status_code == 200
    assert message in text(response)
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password(PASSWORD)


def test_change_password_needs_login(browser):
    assert browser.get("/profilo/password").headers["Location"].startswith("/accedi")


def test_invitation_sets_password_and_logs_in(browser, make_user):
    user = make_user("nuovo@example.org", password=None)
    url = f"/invito/{invitations.invitation_token(user)}"
    assert "Ti diamo il benvenuto, Persona di Prova" in text(browser.get(url))
    response = browser.post(
        url, {"password": "password-scelta-1", "confirm": "password-scelta-1"}, token_from=url
    )
    assert response.status_code == 302
    assert browser.get("/area-riservata").status_code == 200
    # The link works once: setting the password retires it.
    assert browser.get(url).status_code == 404


def test_invitation_bad_input(browser, make_user):
    user = make_user("nuovo@example.org", password=None)
    url = f"/invito/{invitations.invitation_token(user)}"
    response = browser.post(url, {"password": "corta", "confirm": "corta"}, token_from=url)
    assert "La password deve avere da 10 a 128 caratteri." in text(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash is None


def test_invitation_refuses_a_common_password(browser, make_user):
    user = make_user("nuovo@example.org", password=None)
    url = f"/invito/{invitations.invitation_token(user)}"
    response = browser.post(url, {"password": "qwertyuiop", "confirm": "qwertyuiop"}, token_from=url)
    assert "Questa password è tra le più usate e si indovina in pochi tentativi" in text(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash is None


@pytest.mark.parametrize("token", ["non-valido", "eyJ1IjoxfQ.abc.def"])
def test_invitation_with_a_bad_token_is_not_found(browser, token):
    response = browser.get(f"/invito/{token}")
    assert response.status_code == 404
    assert "Pagina non trovata" in text(response)


def test_invitation_of_a_deactivated_account_is_not_found(browser, make_user):
    user = make_user("nuovo@example.org", password=None, active=False)
    assert browser.get(f"/invito/{invitations.invitation_token(user)}").status_code == 404


def test_expired_invitation_is_not_found(app, browser, make_user):
    user = make_user("nuovo@example.org", password=None)
    token = invitations.invitation_token(user)
    app.config["INVITE_MAX_AGE_SECONDS"] = -1
    assert browser.get(f"/invito/{token}").status_code == 404


def test_passwords_are_hashed(member):
    assert PASSWORD not in member.password_hash
    assert member.password_hash.startswith("pbkdf2:sha256:1000$")


def test_production_hashes_with_scrypt(app, member):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    member.set_password("un-altra-password")
    assert member.password_hash.startswith("scrypt:")
    assert member.check_password("un-altra-password")
