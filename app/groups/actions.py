"""Action items (piste di lavoro) and attendance exports. No request, no commit."""

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.groups.models import CLOSED_STATUSES, ActionItem, ActionStatus, Meeting, WorkingGroup
from app.groups.services import RuleError
from app.timeutil import today_in_rome, utcnow


def owner_choices(group: WorkingGroup, meeting: Meeting | None = None) -> list[tuple[str, str]]:
    """Members as "u<id>", and the meeting's guests as "g<name>"."""
    members = sorted(((f"u{m.user_id}", m.user.full_name) for m in group.memberships), key=lambda c: c[1])
    guests = [
        (f"g{a.guest_name}", a.guest_name) for a in (meeting.attendances if meeting else []) if a.is_guest
    ]
    return [("", "—"), *members, *guests]


def _owner(group: WorkingGroup, meeting: Meeting, owner: str) -> tuple[int | None, str]:
    if not owner:
        return None, ""
    if owner.startswith("u") and owner[1:].isdigit():
        if any(m.user_id == int(owner[1:]) for m in group.memberships):
            return int(owner[1:]), ""
    elif owner.startswith("g") and any(a.is_guest and a.guest_name == owner[1:] for a in meeting.attendances):
        return None, owner[1:]
    raise RuleError("owner")


def create_action(meeting: Meeting, description: str, owner: str, due_on: date | None) -> ActionItem:
    """An item opened at meeting; due no earlier than the meeting, owned by a member or a guest."""
    if due_on is not None and due_on < meeting.held_on:
        raise RuleError("due_on")
    owner_id, guest = _owner(meeting.group, meeting, owner)
    item = ActionItem(
        group=meeting.group,
        opened_meeting=meeting,
        description=description.strip(),
        owner_id=owner_id,
        owner_guest_name=guest,
        due_on=due_on,
    )
    db.session.add(item)
    db.session.flush()
    from app.messages.flows.groups import action_assigned  # late: messages imports groups

    action_assigned(item)
    return item


def set_status(item: ActionItem, status: str, at_meeting: Meeting | None) -> None:
    """Closing records the meeting where it was closed (the latest held, if none is given)."""
    was_open = item.is_open
    item.status = ActionStatus(status)
    if item.is_open:
        item.closed_at = None
        item.closed_meeting_id = None
    elif was_open:
        item.closed_at = utcnow()
        item.closed_meeting = at_meeting or db.session.scalar(
            select(Meeting)
            .where(Meeting.group_id == item.group_id, Meeting.held_on <= today_in_rome())
            .where(Meeting.is_cancelled.is_(False))
            .order_by(Meeting.held_on.desc())
            .limit(1)
        )
    db.session.flush()


def my_actions(user, today: date) -> list[ActionItem]:
    """The user's open items across groups, overdue first, then by due date."""
    items = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.owner_id == user.id, ActionItem.status.not_in(CLOSED_STATUSES))
        .options(selectinload(ActionItem.group), selectinload(ActionItem.opened_meeting))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    ).all()
    return sorted(items, key=lambda i: (not (i.due_on and i.due_on < today),))


EXPORT_HEADER = ["Gruppo", "Data", "Inizio", "Fine", "Sede", "Persona", "Organizzazione", "Ospite", "Presenza",
                 "Arrivo", "Uscita"]  # fmt: skip
STATUS_TEXT = {"present": "presente", "absent": "assente", "excused": "giustificato"}


def attendance_rows(groups: list[WorkingGroup], start: date, end: date) -> tuple[list[list], list[list]]:
    """One row per person per meeting in [start, end], and totals per person."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.group_id.in_([g.id for g in groups]), Meeting.held_on.between(start, end))
        .where(Meeting.is_cancelled.is_(False))
        .options(selectinload(Meeting.attendances), selectinload(Meeting.group))
        .order_by(Meeting.held_on, Meeting.start_time)
    ).all()
    rows, totals = [], Counter()
    for meeting in meetings:
        for a in meeting.attendances:
            rows.append([meeting.group.name, meeting.held_on, meeting.start_time, meeting.end_time, meeting.venue,
                         a.name, a.guest_organisation, "sì" if a.is_guest else "no", STATUS_TEXT[a.status],
                         a.arrived_at, a.left_at])  # fmt: skip
            totals[(meeting.group.name, a.name, a.status)] += 1
    people = sorted({(g, n) for g, n, _ in totals})
    summary = [
        [g, n, totals[(g, n, "present")], totals[(g, n, "absent")], totals[(g, n, "excused")]]
        for g, n in people
    ]
    return rows, summary


TOTALS_HEADER = ["Gruppo", "Persona", "Presenze", "Assenze", "Giustificate"]
