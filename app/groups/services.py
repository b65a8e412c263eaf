"""Rules for groups, members and meetings. No request, no commit."""

from datetime import date, time, timedelta

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.extensions import db
from app.groups.models import (
    CLOSED_STATUSES,
    ActionItem,
    Attendance,
    GroupMembership,
    GroupRole,
    Meeting,
    WorkingGroup,
)
from app.towns.models import Town


class RuleError(ValueError):
    """A rule the form cannot check alone; str(error) names the field."""


def unique_group_slug(name: str) -> str:
    base = slugify(name, max_length=100) or "gruppo"
    slug, n = base, 2
    while db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def town_choices() -> list[tuple[int, str]]:
    towns = db.session.execute(select(Town.id, Town.name).order_by(Town.name)).all()
    return [(0, "—"), *((t.id, t.name) for t in towns)]


def create_group(name: str, description: str, town_id: int | None, district: str) -> WorkingGroup:
    """A new group; its slug is kept when renamed, since links use it."""
    group = WorkingGroup(slug=unique_group_slug(name), name=name.strip())
    update_group(group, name, description, town_id, district)
    db.session.add(group)
    db.session.flush()
    return group


def update_group(group, name, description, town_id, district) -> None:
    if town_id and db.session.get(Town, town_id) is None:
        raise RuleError("town_id")
    group.name = name.strip()
    group.description = description or ""
    group.town_id = town_id or None
    group.district = (district or "").strip()


def add_member(group: WorkingGroup, email: str, role: str) -> GroupMembership:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        raise RuleError("unknown")
    if group.role_of(user) is not None:
        raise RuleError("already")
    link = GroupMembership(user=user, role=GroupRole(role))
    group.memberships.append(link)
    db.session.flush()
    return link


def next_meeting(group: WorkingGroup, today: date) -> Meeting | None:
    query = (
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.held_on >= today, Meeting.is_cancelled.is_(False))
        .order_by(Meeting.held_on, Meeting.start_time)
        .limit(1)
    )
    return db.session.scalar(query)


def recent_meetings(group: WorkingGroup, limit: int = 12) -> list[tuple[Meeting, object]]:
    """The latest meetings, newest first, each with its verbale (or None), in two queries."""
    from app.minutes.models import Minutes

    meetings = db.session.scalars(
        select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.held_on.desc()).limit(limit)
    ).all()
    ids = [m.id for m in meetings]
    found = db.session.scalars(
        select(Minutes).where(Minutes.meeting_id.in_(ids), Minutes.deleted_at.is_(None))
    )
    by_meeting = {m.meeting_id: m for m in found} if ids else {}
    return [(m, by_meeting.get(m.id)) for m in meetings]


def schedule_meeting(group: WorkingGroup, held_on: date, start: time, end: time, venue: str, agenda: str):
    meeting = Meeting(
        group=group, held_on=held_on, start_time=start, end_time=end, venue=venue, agenda=agenda
    )
    db.session.add(meeting)
    db.session.flush()
    _mail().meeting_scheduled(meeting)
    return meeting


def next_meeting_defaults(meeting: Meeting) -> dict:
    """The next meeting, prefilled: same venue and times, a fortnight later."""
    return {
        "held_on": meeting.held_on + timedelta(days=14),
        "start_time": meeting.start_time,
        "end_time": meeting.end_time,
        "venue": meeting.venue,
    }


def save_attendance(meeting: Meeting, rows: list[dict]) -> None:
    """rows: user_id, status, arrived_at, left_at for each member; guests are kept."""
    by_user = {a.user_id: a for a in meeting.attendances if a.user_id is not None}
    members = {m.user_id for m in meeting.group.memberships}
    for row in rows:
        if row["user_id"] not in members:
            continue
        record = by_user.get(row["user_id"])
        if record is None:
            record = Attendance(user_id=row["user_id"])
            meeting.attendances.append(record)
        record.status = row["status"]
        present = row["status"] == "present"
        record.arrived_at = row["arrived_at"] if present else None
        record.left_at = row["left_at"] if present else None
    db.session.flush()


def add_guest(meeting: Meeting, name: str, organisation: str) -> Attendance:
    guest = Attendance(guest_name=name.strip(), guest_organisation=organisation.strip(), status="present")
    meeting.attendances.append(guest)
    db.session.flush()
    return guest


def quorum(meeting: Meeting) -> tuple[int, int]:
    """(members present, members of the group)."""
    members = {m.user_id for m in meeting.group.memberships}
    present = sum(1 for a in meeting.attendances if a.user_id in members and a.status == "present")
    return present, len(members)


def sign_in_people(meeting: Meeting) -> list[tuple[str, str]]:
    """Expected people for the foglio firme: members, then the guests already named."""
    people = sorted((m.user.full_name, str(m.role_label)) for m in meeting.group.memberships)
    guests = [(a.guest_name, a.guest_organisation) for a in meeting.attendances if a.is_guest]
    return people + guests


def meeting_actions(meeting: Meeting) -> tuple[list[ActionItem], list[ActionItem]]:
    """Action items opened and closed at this meeting."""
    opened = db.session.scalars(
        select(ActionItem).where(ActionItem.opened_meeting_id == meeting.id).order_by(ActionItem.id)
    ).all()
    closed = db.session.scalars(
        select(ActionItem).where(ActionItem.closed_meeting_id == meeting.id).order_by(ActionItem.id)
    ).all()
    return list(opened), list(closed)


def open_actions_query(group_id: int):
    return (
        select(ActionItem)
        .where(ActionItem.group_id == group_id, ActionItem.status.not_in(CLOSED_STATUSES))
        .options(selectinload(ActionItem.opened_meeting))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )


def _mail():
    from app.messages.flows import groups  # imported late: the messages feature imports groups

    return groups
