"""Shared fixtures for the working-group tests: a group with a chair, a secretary, a member."""

from datetime import date, time

import pytest

from app.groups import services
from app.groups.models import GroupRole
from app.platform.extensions import db

DAY = date(2026, 11, 10)


class Group:
    """The group and its people, as plain attributes."""


@pytest.fixture(name="team")
def team_fixture(app, make_user, coordinator):
    t = Group()
    t.chair = make_user("presidente@example.org", [], "Angela Beretta")
    t.secretary = make_user("segretario@example.org", [], "Pietro Bacecchi")
    t.member = make_user("membro@example.org", [], "Silvia Fiorentini")
    t.outsider = make_user("estraneo@example.org", [], "Oscar Estraneo")
    t.coordinator = coordinator
    t.group = services.create_group("Welfare in azione", "Il gruppo di *Crema*.", None, "Crema")
    for user, role in (
        (t.chair, GroupRole.CHAIR),
        (t.secretary, GroupRole.SECRETARY),
        (t.member, GroupRole.MEMBER),
    ):
        services.add_member(t.group, user.email, role)
    t.meeting = services.schedule_meeting(
        t.group, DAY, time(14, 30), time(16, 40), "via Frecavalli 16, Crema", "Sintesi\nPiste di lavoro"
    )
    db.session.commit()
    return t


def key(group, user) -> str:
    """The attendance and owner key of a member with an account: "m<membership id>"."""
    return next(f"m{m.id}" for m in group.memberships if m.user_id == user.id)


def mark(meeting, statuses: dict) -> None:
    """Record attendance: {user: status or (status, arrived, left)}."""
    from app.groups import attendance

    values = {}
    for user, value in statuses.items():
        status, arrived, left = value if isinstance(value, tuple) else (value, None, None)
        values[key(meeting.group, user)] = {"status": status, "arrived_at": arrived, "left_at": left}
    attendance.save(meeting, values)


def approve(minutes, user, visibility="public"):
    """Approve as if at a later meeting (no review needed): the recorded way of services.approve."""
    from app.minutes import services as minutes_services

    minutes.status = "review"
    return minutes_services.approve(minutes, user, visibility, "session", minutes.meeting.held_on)
