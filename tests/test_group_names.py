"""Issue 28 (7): a person added by e-mail is never named after the address."""

from sqlalchemy import select

from app.accounts.models import User
from app.platform.extensions import db
from tests.conftest import text
from tests.groups_support import team_fixture  # noqa: F401
from tests.mail_support import body

NEW = "elena.cabrini.lungo@example.org"


def _add(browser, team, **extra):
    browser.login(team.chair)
    data = {"member-email": NEW, "member-role": "member", **extra}
    response = browser.post(f"/gruppi/{team.group.slug}/membri", data)
    assert response.status_code == 302
    browser.get(response.headers["Location"])  # the flash names the address typed, as it should
    return db.session.scalar(select(User).where(User.email == NEW))


def test_the_name_given_when_adding_by_e_mail_is_used_everywhere(browser, team, mailbox):
    user = _add(browser, team, **{"member-name": "Elena  Cabrini"})
    assert user.full_name == "Elena Cabrini"
    invitation = mailbox.one()
    assert "Buongiorno Elena Cabrini," in body(invitation) and "Buongiorno elena" not in body(invitation)
    sheet = text(browser.get(f"/incontri/{team.meeting.id}/foglio-firme"))
    assert "Elena Cabrini" in sheet and NEW not in sheet


def test_without_a_name_the_person_is_an_unnamed_guest_not_an_address(browser, team, mailbox):
    user = _add(browser, team)
    assert user.full_name == ""
    invitation = mailbox.one()
    assert "Buongiorno," in body(invitation) and "Buongiorno elena" not in body(invitation)
    page = text(browser.get(f"/incontri/{team.meeting.id}"))
    assert "Ospite senza nome" in page and "elena.cabrini" not in page
    sheet = text(browser.get(f"/incontri/{team.meeting.id}/foglio-firme"))
    assert "Ospite senza nome" in sheet and "elena.cabrini" not in sheet


def test_an_existing_account_keeps_its_own_name(browser, team):
    browser.login(team.chair)
    data = {"member-email": team.outsider.email, "member-role": "member", "member-name": "Altro Nome"}
    browser.post(f"/gruppi/{team.group.slug}/membri", data)
    db.session.expire_all()
    assert db.session.get(User, team.outsider.id).full_name == "Oscar Estraneo"


def test_an_empty_start_reads_from_the_beginning(browser, team):
    browser.login(team.chair)
    page = text(browser.get(f"/gruppi/{team.group.slug}/modifica"))
    assert "Nel gruppo" in page and "dall'inizio" in page


def test_an_unnamed_invited_person_gives_the_name_with_the_password(browser, team):
    from app.auth import invitations

    user = _add(browser, team)
    browser.logout()
    url = f"/invito/{invitations.invitation_token(user)}"
    page = text(browser.get(url))
    assert "Ti diamo il benvenuto, Ospite senza nome" in page and "Nome e cognome" in page
    data = {"password": "password-scelta-1", "confirm": "password-scelta-1", "full_name": ""}
    assert "Scrivi nome e cognome." in text(browser.post(url, data, token_from=url))
    response = browser.post(url, {**data, "full_name": "Elena Cabrini"}, token_from=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).full_name == "Elena Cabrini"
