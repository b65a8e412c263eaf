"""Action items (piste di lavoro) and attendance exports. No request, no commit."""

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.timeutil import today_in_rome, utcnow
from app.groups.models import CLOSED_STATUSES, ActionComment, ActionItem, ActionStatus, Meeting, WorkingGroup
from app.groups.notices import action_assigned
from app.groups.services import RuleError
from app.platform.extensions import db


def owner_choices(group: WorkingGroup, meeting: Meeting | None = None) -> list[tuple[str, str]]:
    """The roster (on the meeting's day, or today) as "m<id>", and the meeting's guests as "g<name>"."""
    day = meeting.held_on if meeting else today_in_rome()
    members = [(f"m{m.id}", m.display_name) for m in group.roster(day)]
    guests = [
        (f"g{a.guest_name}", a.guest_name) for a in (meeting.attendances if meeting else []) if a.is_guest
    ]
    return [("", "—"), *members, *guests]


def _owner(group: WorkingGroup, meeting: Meeting, owner: str) -> tuple[int | None, str]:
    """(user id, name): a member with an account is linked; others are recorded by name."""
    if not owner:
        return None, ""
    if owner.startswith("m") and owner[1:].isdigit():
        for m in group.roster(meeting.held_on):
            if m.id == int(owner[1:]):
                return (m.user_id, "") if m.user_id else (None, m.name)
    elif owner.startswith("g") and any(a.is_guest and a.guest_name == owner[1:] for a in meeting.attendances):
        return None, owner[1:]
    raise RuleError("owner")


def create_action(meeting: Meeting, description: str, owner: str, due_on: date | None, by=None) -> ActionItem:
    """An item opened at meeting; due no earlier than the meeting, owned by a member or a guest."""
    if due_on is not None and due_on < meeting.held_on:
        raise RuleError("due_on")
    owner_id, name = _owner(meeting.group, meeting, owner)
    item = ActionItem(
        group=meeting.group, opened_meeting=meeting, description=description.strip(), owner_id=owner_id,
        owner_guest_name=name, due_on=due_on, created_by_id=getattr(by, "id", None),
    )  # fmt: skip
    db.session.add(item)
    db.session.flush()
    action_assigned(item)
    return item


def set_status(item: ActionItem, status: str, at_meeting: Meeting | None) -> None:
    """Closing records the meeting where it was closed, or today's date when closed elsewhere."""
    was_open = item.is_open
    item.status = ActionStatus(status)
    if item.is_open:
        item.closed_at = item.closed_on = item.closed_meeting_id = None
    elif was_open:
        item.closed_at = utcnow()
        item.closed_meeting = at_meeting
        item.closed_on = at_meeting.held_on if at_meeting else today_in_rome()
    db.session.flush()


def add_comment(item: ActionItem, user, body: str) -> ActionComment:
    comment = ActionComment(author_id=user.id, body=body.strip())
    item.comments.append(comment)
    db.session.flush()
    return comment


def my_actions(user, today: date) -> tuple[list[ActionItem], list[ActionItem]]:
    """Open items assigned to the user, and open items the user created for others; overdue first."""

    def query(condition):
        items = db.session.scalars(
            select(ActionItem)
            .where(condition, ActionItem.status.not_in(CLOSED_STATUSES))
            .options(selectinload(ActionItem.group), selectinload(ActionItem.opened_meeting))
            .options(selectinload(ActionItem.comments))
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        ).all()
        return sorted(items, key=lambda i: (not (i.due_on and i.due_on < today),))

    assigned = query(ActionItem.owner_id == user.id)
    created = query(
        (ActionItem.created_by_id == user.id)
        & (ActionItem.owner_id.is_(None) | (ActionItem.owner_id != user.id))
    )
    return assigned, created


EXPORT_HEADER = ["Gruppo", "Data", "Inizio", "Fine", "Sede", "Persona", "Organizzazione", "Ospite", "Presenza",
                 "Arrivo", "Uscita"]  # fmt: skip
STATUS_TEXT = {
    "present": "presente",
    "absent": "assente",
    "excused": "assenza giustificata",
    "unrecorded": "non registrato",
}


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
