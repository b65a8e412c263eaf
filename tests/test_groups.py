"""Working groups: creation by coordinators, members and roles, access rules."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.common.timeutil import today_in_rome
from app.groups.models import GroupMembership, WorkingGroup
from app.platform.extensions import db
from tests.conftest import text
from tests.groups_support import team_fixture  # noqa: F401


def test_anonymous_is_sent_to_login(browser, team):
    slug = team.group.slug
    for url in (
        "/gruppi/nuovo",
        f"/gruppi/{slug}/modifica",
        f"/incontri/{team.meeting.id}",
        "/le-mie-azioni",
    ):
        assert browser.get(url).headers["Location"].startswith("/accedi?next="), url


def test_anyone_sees_the_list_and_page_but_not_the_members(browser, team):
    assert "Welfare in azione" in text(browser.get("/gruppi/"))
    page = text(browser.get(f"/gruppi/{team.group.slug}"))
    assert "Il gruppo di Crema" in page
    assert "Angela Beretta" not in page


def test_members_and_coordinators_see_the_members(browser, team):
    browser.login(team.member)
    page = text(browser.get(f"/gruppi/{team.group.slug}"))
    assert "Angela Beretta (Presidente)" in page
    assert "Incontri recenti martedì 10 novembre 2026, 14:30" in page
    browser.logout()
    browser.login(team.outsider)
    assert "Angela Beretta" not in text(browser.get(f"/gruppi/{team.group.slug}"))
    browser.logout()
    browser.login(team.coordinator)
    assert "Silvia Fiorentini" in text(browser.get(f"/gruppi/{team.group.slug}"))


def test_missing_group_is_not_found(browser, team):
    assert browser.get("/gruppi/nessuno").status_code == 404
    browser.login(team.coordinator)
    assert browser.get("/gruppi/nessuno/modifica").status_code == 404


def test_only_coordinators_create_groups(browser, team):
    browser.login(team.chair)
    assert browser.post("/gruppi/nuovo", {"name": "Altro", "town_id": "0"}).status_code == 403
    browser.logout()
    browser.login(team.coordinator)
    response = browser.post(
        "/gruppi/nuovo", {"name": "Famiglie in rete", "town_id": "0", "district": "Ombriano"}
    )
    assert response.headers["Location"] == "/gruppi/famiglie-in-rete"
    assert db.session.scalar(select(func.count(WorkingGroup.id))) == 2


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "town_id": "0"}, "Scrivi il nome."),
        ({"name": "X", "town_id": "999"}, "Scegli un Comune"),
    ],
)
def test_create_group_bad_input(browser, team, data, message):
    browser.login(team.coordinator)
    response = browser.post("/gruppi/nuovo", data)
    assert message in text(response)
    assert db.session.scalar(select(func.count(WorkingGroup.id))) == 1


def test_chair_adds_a_member_with_a_role(browser, team):
    browser.login(team.chair)
    url = f"/gruppi/{team.group.slug}/membri"
    response = browser.post(url, {"member-email": team.outsider.email, "member-role": "secretary"})
    assert response.status_code == 302
    link = db.session.scalar(select(GroupMembership).where(GroupMembership.user_id == team.outsider.id))
    assert link.role == "secretary"
    assert "Questa persona è già nel gruppo." in text(
        browser.post(url, {"member-email": team.outsider.email, "member-role": "member"})
    )


def test_adding_a_member_answers_the_same_with_or_without_an_account(browser, team):
    from app.messages.models import Message

    browser.login(team.chair)
    url = f"/gruppi/{team.group.slug}/membri"
    pages = []
    for email in (team.outsider.email, "nuova.persona@example.org"):
        response = browser.post(url, {"member-email": email, "member-role": "member"})
        assert response.status_code == 302
        pages.append(text(browser.get(response.headers["Location"])).replace(email, "EMAIL"))
    assert "EMAIL fa ora parte del gruppo. Se non aveva ancora un account, riceverà un invito" in pages[0]
    assert "Nessun account attivo" not in pages[1]
    flashes = [page.split("EMAIL fa ora parte del gruppo")[1][:80] for page in pages]
    assert flashes[0] == flashes[1]
    # The right thing happened: the outsider joined; the new address has an account, invited.
    invited = db.session.scalar(select(User).where(User.email == "nuova.persona@example.org"))
    assert invited is not None and invited.password_hash is None
    joined = {m.user_id for m in db.session.get(WorkingGroup, team.group.id).memberships}
    assert {team.outsider.id, invited.id} <= joined
    kinds = [(m.to_email, m.kind) for m in db.session.scalars(select(Message))]
    assert kinds == [("nuova.persona@example.org", "invitation")]


def test_adding_a_person_with_the_address_of_an_account_links_that_account(browser, team):
    browser.login(team.chair)
    slug = team.group.slug
    response = browser.post(f"/gruppi/{slug}/persone", {
        "person-name": "Oscar E.", "person-email": team.outsider.email, "person-role": "member"})  # fmt: skip
    assert response.status_code == 302
    assert "Oscar E. fa ora parte del gruppo." in text(browser.get(response.headers["Location"]))
    link = db.session.scalar(select(GroupMembership).where(GroupMembership.user_id == team.outsider.id))
    assert link is not None and link.display_name == "Oscar Estraneo"
    assert db.session.scalar(select(func.count(User.id)).where(User.email == team.outsider.email)) == 1


def test_plain_members_and_outsiders_cannot_manage_members(browser, team):
    for user in (team.member, team.outsider):
        browser.login(user)
        url = f"/gruppi/{team.group.slug}/membri"
        assert (
            browser.post(url, {"member-email": "estraneo@example.org", "member-role": "chair"}).status_code
            == 403
        )
        browser.logout()
    assert db.session.scalar(select(func.count(GroupMembership.id))) == 3


def test_change_role_and_remove(browser, team):
    browser.login(team.chair)
    link = db.session.scalar(select(GroupMembership).where(GroupMembership.user_id == team.member.id))
    url = f"/gruppi/{team.group.slug}/membri/{link.id}"
    browser.post(url, {f"r{link.id}-role": "secretary"})
    db.session.refresh(link)
    assert link.role == "secretary"
    link_id, slug, meeting_id = link.id, team.group.slug, team.meeting.id
    browser.post(url, {"remove": "1"})
    db.session.expunge_all()
    # Leaving keeps the past: the membership ends today, and with it the access.
    assert db.session.get(GroupMembership, link_id).end_on == today_in_rome() - timedelta(days=1)
    page = text(browser.get(f"/gruppi/{slug}/modifica"))
    assert "membro@example.org" in page and "al " in page  # listed by address (issue 27)
    browser.logout()
    browser.login(db.session.scalar(select(User).where(User.email == "membro@example.org")))
    assert browser.get(f"/incontri/{meeting_id}").status_code == 404
