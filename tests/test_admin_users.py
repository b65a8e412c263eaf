"""Administrators create, invite, edit, deactivate and reactivate accounts."""

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.audit.models import AuditEntry
from app.platform.extensions import db
from tests.conftest import PASSWORD, opened, text

USERS = "/amministrazione/utenti/"


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", USERS),
        ("get", "/amministrazione/utenti/nuovo"),
        ("get", "/amministrazione/utenti/1"),
        ("get", "/amministrazione/registro"),
        ("post", "/amministrazione/utenti/1/disattiva"),
    ],
)
def test_anonymous_is_sent_to_login(browser, method, url):
    response = browser.get(url) if method == "get" else browser.post(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accedi?next=")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.COMMUNITY_MAKER, None])
def test_non_admins_are_forbidden(browser, make_user, admin, role):
    user = make_user("altro@example.org", [role] if role else [])
    browser.login(user)
    for url in (USERS, "/amministrazione/utenti/nuovo", f"/amministrazione/utenti/{admin.id}"):
        response = browser.get(url)
        assert response.status_code == 403
        assert "Accesso negato" in text(response)
    response = browser.post(f"/amministrazione/utenti/{admin.id}/disattiva")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active


def test_missing_user_is_not_found(as_admin):
    assert as_admin.get("/amministrazione/utenti/9999").status_code == 404
    assert as_admin.post("/amministrazione/utenti/9999/disattiva").status_code == 404


def test_list_shows_accounts_and_their_state(as_admin, make_user):
    make_user("invitato@example.org", [Role.COMMUNITY_MAKER], "Ines Invitata", password=None)
    make_user("ex@example.org", [], "Ettore Ex", active=False)
    page = text(as_admin.get(USERS))
    assert "Ines Invitata" in page and "Invito inviato" in page and "Community Maker" in page
    assert "Ettore Ex" in page and "Disattivato" in page


def test_search_filters_by_name_or_email(as_admin, make_user):
    make_user("rosa@example.org", [], "Rosa Bianchi")
    make_user("gino@example.org", [], "Gino Verdi")
    page = text(as_admin.get(USERS + "?q=rosa"))
    assert "Rosa Bianchi" in page and "Gino Verdi" not in page
    assert "Gino Verdi" in text(as_admin.get(USERS + "?q=GINO@"))


def test_create_user_gives_an_invitation_that_works(app, as_admin):
    response = as_admin.post(
        "/amministrazione/utenti/nuovo",
        {"full_name": "Chiara Coordinatrice", "email": "Chiara@Example.org", "roles": ["coordinator"]},
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "chiara@example.org"))
    assert user.roles == {Role.COORDINATOR} and user.password_hash is None
    page = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r"http://legami\.test(/invito/[^<\s]+)", page).group(1)
    assert audit_actions() == ["user.create"]

    invitee = type(as_admin)(app.test_client())
    invitee.post(link, {"password": "la-mia-password", "confirm": "la-mia-password"}, token_from=link)
    invitee.user = user
    assert "Ciao Chiara Coordinatrice" in text(invitee.get("/area-riservata"))


@pytest.mark.parametrize(
    "data,message",
    [
        ({"full_name": "", "email": "x@example.org"}, "Scrivi nome e cognome."),
        ({"full_name": "X", "email": ""}, "Scrivi l'indirizzo e-mail."),
        ({"full_name": "X", "email": "non-una-mail"}, "Questo non è un indirizzo e-mail valido."),
        ({"full_name": "X" * 121, "email": "x@example.org"}, "Al massimo 120 caratteri."),
        ({"full_name": "X", "email": "ADMIN@example.org"}, "Esiste già un account con questo indirizzo."),
        ({"full_name": "X", "email": "x@example.org", "roles": ["superuser"]}, "non è una scelta valida"),
    ],
)
def test_create_user_bad_input_changes_nothing(as_admin, data, message):
    response = as_admin.post("/amministrazione/utenti/nuovo", data)
    assert response.status_code == 200
    assert message in text(response)
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert audit_actions() == []


def test_edit_roles(as_admin, member):
    url = f"/amministrazione/utenti/{member.id}"
    response = as_admin.post(
        url,
        {"full_name": "Mario Rossi Membro", "roles": ["community_maker", "coordinator"], **opened(member)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, member.id)
    assert user.full_name == "Mario Rossi Membro"
    assert user.roles == {Role.COMMUNITY_MAKER, Role.COORDINATOR}
    as_admin.post(url, {"full_name": "Mario Rossi Membro", "roles": ["coordinator"], **opened(user)})
    db.session.expire_all()
    assert db.session.get(User, member.id).roles == {Role.COORDINATOR}


def test_admin_cannot_drop_their_own_admin_role(as_admin, admin):
    response = as_admin.post(
        f"/amministrazione/utenti/{admin.id}", {"full_name": "Alba", "roles": [], **opened(admin)}
    )
    assert "Non puoi togliere a te stesso il ruolo di amministratore." in text(response)
    db.session.expire_all()
    assert db.session.get(User, admin.id).roles == {Role.ADMIN}


def test_deactivate_ends_sessions_and_blocks_login_but_keeps_history(app, as_admin, member):
    victim = type(as_admin)(app.test_client())
    victim.login(member)
    response = as_admin.post(f"/amministrazione/utenti/{member.id}/disattiva")
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, member.id)
    assert user is not None and not user.is_active
    assert victim.get("/area-riservata").status_code == 302
    victim.user = None
    again = victim.post("/accedi", {"email": member.email, "password": PASSWORD})
    assert "Indirizzo e-mail o password non corretti." in text(again)
    assert "user.deactivate" in audit_actions()


def test_admin_cannot_deactivate_themself(as_admin, admin):
    as_admin.post(f"/amministrazione/utenti/{admin.id}/disattiva")
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active
    assert as_admin.get("/area-riservata").status_code == 200


def test_reactivate(as_admin, make_user):
    user = make_user("ex@example.org", active=False)
    as_admin.post(f"/amministrazione/utenti/{user.id}/riattiva")
    db.session.expire_all()
    assert db.session.get(User, user.id).is_active


def test_new_password_link_retires_the_old_one(as_admin, make_user):
    user = make_user("inv@example.org", password=None)
    page = as_admin.get(f"/amministrazione/utenti/{user.id}").get_data(as_text=True)
    old = re.search(r"http://legami\.test(/invito/[^<\s]+)", page).group(1)
    response = as_admin.post(f"/amministrazione/utenti/{user.id}/link-password")
    new = re.search(r"http://legami\.test(/invito/[^<\s]+)", response.get_data(as_text=True)).group(1)
    assert as_admin.get(old).status_code == 404
    assert as_admin.get(new).status_code == 200


def test_audit_log_lists_entries_for_admins(as_admin, member):
    as_admin.post(f"/amministrazione/utenti/{member.id}/disattiva")
    page = text(as_admin.get("/amministrazione/registro"))
    assert "Account disattivato" in page and "membro@example.org" in page and "Alba Amministratrice" in page
