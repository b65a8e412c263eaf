"""Rules for groups, members and meetings. No request, no commit."""

from datetime import date, time, timedelta

from slugify import slugify
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import selectinload

from app.auth.notices import send_invitation
from app.auth.services import create_user, find_by_email, find_or_invite
from app.common.timeutil import utcnow
from app.groups import notices, points
from app.groups.models import (
    CLOSED_STATUSES,
    ActionItem,
    GroupMembership,
    GroupRole,
    Meeting,
    WorkingGroup,
)
from app.minutes.models import Minutes
from app.platform.extensions import db
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


def add_member(
    group: WorkingGroup, email: str, role: str, start_on: date | None = None, name: str = ""
) -> GroupMembership:
    """The person with this e-mail joins from start_on (None: counted from the group's start);
    an address without an account gets one named `name`, and an invitation
    (auth.services.find_or_invite)."""
    user = find_or_invite(email, name)
    if any(m.user_id == user.id and m.end_on is None for m in group.memberships):
        raise RuleError("already")
    link = GroupMembership(user=user, role=GroupRole(role), start_on=start_on)
    group.memberships.append(link)
    db.session.flush()
    return link


def add_person(group: WorkingGroup, name: str, email: str, role: str, start_on: date | None):
    """A person the secretary records by name. Without an e-mail they stay a name on the roster;
    with one, the account of that address joins (one without a password is made for them and
    invited, app/messages): the reply is the same whether or not the address had an account."""
    email = (email or "").strip().lower()
    name = " ".join(name.split())
    existing = find_by_email(email) if email else None
    current = [m for m in group.memberships if m.end_on is None]
    if any(m.display_name.lower() == name.lower() for m in current) or (
        existing is not None and any(m.user_id == existing.id for m in current)
    ):
        raise RuleError("already")
    user = existing or (create_user(email, name, set()) if email else None)
    link = GroupMembership(user=user, name=name, email=email, role=GroupRole(role), start_on=start_on)
    group.memberships.append(link)
    db.session.flush()
    if user is not None and existing is None:
        send_invitation(user)
    return link


def end_membership(link: GroupMembership, today: date) -> None:
    """Leaving keeps the past: yesterday was the last day in the group (one started today or
    later is simply removed, it has no past)."""
    if link.start_on is not None and link.start_on >= today:
        db.session.delete(link)
    else:
        link.end_on = today - timedelta(days=1)
    db.session.flush()


_HELD = select(Meeting).where(Meeting.group_id == bindparam("group_id"), Meeting.is_cancelled.is_(False))
_FIRST = (Meeting.held_on, Meeting.start_time)
# Built once (a group's page asks on every request): the next meeting from a day, the one after a meeting.
NEXT_FROM = _HELD.where(Meeting.held_on >= bindparam("today")).order_by(*_FIRST).limit(1)
NEXT_AFTER = (
    _HELD.where(Meeting.held_on > bindparam("held_on"), Meeting.id != bindparam("meeting_id"))
    .order_by(*_FIRST)
    .limit(1)
)


def next_meeting(group: WorkingGroup, today: date, after: Meeting | None = None) -> Meeting | None:
    """The next meeting from today, or the one following `after` (its "prossimo incontro")."""
    if after is None:
        return db.session.scalar(NEXT_FROM, {"group_id": group.id, "today": today})
    values = {"group_id": group.id, "held_on": after.held_on, "meeting_id": after.id}
    return db.session.scalar(NEXT_AFTER, values)


def recent_meetings(group: WorkingGroup, limit: int = 12) -> list[tuple[Meeting, object]]:
    """The latest meetings, newest first, each with its verbale (or None), in two queries."""
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.held_on.desc()).limit(limit)
    ).all()
    ids = [m.id for m in meetings]
    found = db.session.scalars(
        select(Minutes).where(Minutes.meeting_id.in_(ids), Minutes.deleted_at.is_(None))
    )
    by_meeting = {m.meeting_id: m for m in found} if ids else {}
    return [(m, by_meeting.get(m.id)) for m in meetings]


def update_meeting(
    meeting: Meeting, held_on: date, start: time, end: time, venue: str, agenda: list[points.PointValues]
) -> bool:
    """Change a meeting and its points; a real change bumps SEQUENCE and LAST-MODIFIED for
    calendars and sends the update to the roster."""
    points_changed = points.set_points(meeting, agenda)  # flushes the points only: one UPDATE of the meeting
    new = (held_on, start, end, venue)
    changed = new != (meeting.held_on, meeting.start_time, meeting.end_time, meeting.venue) or points_changed
    meeting.held_on, meeting.start_time, meeting.end_time, meeting.venue = new
    if not changed:
        return False
    touch(meeting)
    notices.meeting_changed(meeting)
    return True


def touch(meeting: Meeting) -> None:
    meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = utcnow()
    db.session.flush()


def schedule_meeting(
    group: WorkingGroup, held_on: date, start: time, end: time, venue: str,
    agenda: list[points.PointValues] | str = (), rule=None, rule_on=None,
):  # fmt: skip
    """Schedule a meeting and send the convocazione; `agenda` may be plain lines, one point each;
    `rule`/`rule_on`: made by the group's meeting rule."""
    meeting = Meeting(
        group=group, held_on=held_on, start_time=start, end_time=end, venue=venue,
        rule_id=rule.id if rule is not None else None, rule_on=rule_on,
    )  # fmt: skip
    db.session.add(meeting)
    db.session.flush()
    points.set_points(meeting, points.from_text(agenda) if isinstance(agenda, str) else list(agenda))
    notices.meeting_scheduled(meeting)
    return meeting


def next_meeting_defaults(meeting: Meeting) -> dict:
    """The next meeting, prefilled: same venue and times, a fortnight later."""
    return {
        "held_on": meeting.held_on + timedelta(days=14),
        "start_time": meeting.start_time,
        "end_time": meeting.end_time,
        "venue": meeting.venue,
    }


def pending_actions(meeting: Meeting) -> list[ActionItem]:
    """ "Azioni in sospeso": opened at earlier meetings and not closed before this one's day."""
    earlier = select(Meeting.id).where(
        Meeting.group_id == meeting.group_id, Meeting.held_on < meeting.held_on
    )
    query = (
        select(ActionItem)
        .where(ActionItem.group_id == meeting.group_id, ActionItem.opened_meeting_id.in_(earlier))
        .where(or_(ActionItem.closed_on.is_(None), ActionItem.closed_on >= meeting.held_on))
        .options(selectinload(ActionItem.opened_meeting))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )
    return list(db.session.scalars(query))


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
