"""Roles in a working group (app/groups/access.py): nobody changes their own role, only the
chair or a coordinator touches the chair, and coordinators oversee groups without writing
their record (drafts, attendance, trash, meetings, action items are the members')."""

from sqlalchemy import func, select

from app.groups.models import ActionItem, Attendance, GroupMembership, Meeting
from app.minutes import services as minutes_services
from app.minutes.models import Minutes
from app.platform.extensions import db
from tests.conftest import text
from tests.groups_support import key, team_fixture  # noqa: F401

OWN = "Non puoi cambiare il tuo ruolo nel gruppo"
CHAIR_ONLY = "Solo chi presiede il gruppo o il coordinamento può nominare, cambiare o togliere la presidenza."


def _link(team, user) -> GroupMembership:
    return db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == team.group.id, GroupMembership.user_id == user.id
        )
    )


def _set_role(browser, team, user, role):
    link = _link(team, user)
    response = browser.post(f"/gruppi/{team.group.slug}/membri/{link.id}", {f"r{link.id}-role": role})
    return text(browser.get(response.headers["Location"]))


def _roles(team) -> dict:
    db.session.expire_all()
    return {m.user_id: m.role for m in db.session.get(type(team.group), team.group.id).memberships}


def test_a_secretary_cannot_make_themselves_chair(browser, team):
    browser.login(team.secretary)
    assert OWN in _set_role(browser, team, team.secretary, "chair")
    assert _roles(team)[team.secretary.id] == "secretary"
    # ... nor leave the group on their own
    link = _link(team, team.secretary)
    browser.post(f"/gruppi/{team.group.slug}/membri/{link.id}", {"remove": "1"})
    db.session.refresh(link)
    assert link.end_on is None


def test_a_secretary_cannot_demote_remove_or_name_the_chair(browser, team):
    browser.login(team.secretary)
    assert CHAIR_ONLY in _set_role(browser, team, team.chair, "member")
    assert CHAIR_ONLY in _set_role(browser, team, team.member, "chair")
    link = _link(team, team.chair)
    page = text(
        browser.get(
            browser.post(f"/gruppi/{team.group.slug}/membri/{link.id}", {"remove": "1"}).headers["Location"]
        )
    )
    assert CHAIR_ONLY in page
    response = browser.post(
        f"/gruppi/{team.group.slug}/membri",
        {"member-email": "nuovo.capo@example.org", "member-role": "chair"},
    )
    assert response.status_code == 400 and CHAIR_ONLY in text(response)
    response = browser.post(
        f"/gruppi/{team.group.slug}/persone", {"person-name": "Capo Senzaconto", "person-role": "chair"}
    )
    assert response.status_code == 400 and CHAIR_ONLY in text(response)
    roles = _roles(team)
    assert (roles[team.chair.id], roles[team.member.id]) == ("chair", "member")
    assert db.session.scalar(select(func.count(GroupMembership.id))) == 3
    db.session.refresh(link)
    assert link.end_on is None
    # The secretary still manages plain members.
    assert "Ruolo aggiornato." in _set_role(browser, team, team.member, "secretary")


def test_the_chair_and_a_coordinator_change_the_chair_but_not_their_own_role(browser, team):
    browser.login(team.chair)
    assert OWN in _set_role(browser, team, team.chair, "member")
    assert "Ruolo aggiornato." in _set_role(browser, team, team.member, "chair")
    browser.logout()
    browser.login(team.coordinator)
    assert "Ruolo aggiornato." in _set_role(browser, team, team.chair, "member")
    roles = _roles(team)
    assert (roles[team.chair.id], roles[team.member.id]) == ("member", "chair")


def test_coordinators_read_a_group_but_do_not_write_its_record(browser, team):
    from tests.groups_support import mark

    mark(team.meeting, {team.chair: "present", team.member: "present", team.secretary: "absent"})
    draft = minutes_services.create_minutes(
        team.meeting, team.member, "Verbale del 10.11", "Testo dei membri."
    )
    item = ActionItem(group=team.group, opened_meeting=team.meeting, description="Mappare le aziende")
    db.session.add(item)
    db.session.commit()
    browser.login(team.coordinator)
    page = text(browser.get(f"/incontri/{team.meeting.id}"))
    assert "Silvia Fiorentini" in page and "Testo dei membri." in text(
        browser.get(f"/gruppi/{team.group.slug}/verbali/{draft.id}")
    )
    assert "Salva le presenze" not in page and "Programma il prossimo incontro" not in page
    edit = browser.post(
        f"/verbali/{draft.id}/modifica", {"title": "Cambiato", "body": "Riscritto.", "base_revision": "1"}
    )
    attendance = browser.post(
        f"/incontri/{team.meeting.id}/presenze",
        {
            "rows-0-key": key(team.group, team.member),
            "rows-0-status": "absent",
            "rows-0-arrived_at": "",
            "rows-0-left_at": "",
        },
    )
    trash = browser.post(f"/verbali/{draft.id}/elimina")
    meeting = browser.post(
        f"/gruppi/{team.group.slug}/incontri/nuovo",
        {"held_on": "01/12/2026", "start_time": "10:00", "end_time": "11:00", "venue": "Crema", "agenda": ""},
    )
    status = browser.post(f"/azioni/{item.id}", {"status": "done"})
    assert [r.status_code for r in (edit, attendance, trash, meeting, status)] == [403] * 5
    db.session.expire_all()
    minutes = db.session.get(Minutes, draft.id)
    assert (minutes.body, minutes.deleted_at) == ("Testo dei membri.", None)
    member_row = db.session.scalar(select(Attendance).where(Attendance.user_id == team.member.id))
    assert member_row.status == "present"
    assert db.session.scalar(select(func.count(Meeting.id))) == 1
    assert db.session.get(ActionItem, item.id).status != "done"
    # Still theirs: reading everything, managing members, exporting.
    assert "Esporta presenze" in page
    assert "Ruolo aggiornato." in _set_role(browser, team, team.member, "secretary")


def test_a_coordinator_who_is_a_member_works_in_that_group(browser, team):
    from app.groups import services as group_services

    group_services.add_member(team.group, team.coordinator.email, "member")
    db.session.commit()
    browser.login(team.coordinator)
    page = text(browser.get(f"/incontri/{team.meeting.id}"))
    assert "Programma il prossimo incontro" in page
