"""Attendance at a meeting: the expected list, the rows of the form, their checks, the quorum.

The expected list is the group's roster on the meeting's day, so people who join or leave
later never change a past meeting. No request, no commit."""

from dataclasses import dataclass
from datetime import time

from flask_babel import format_time
from flask_babel import gettext as _

from app.groups.models import Attendance, AttendanceStatus, GroupMembership, Meeting
from app.platform.extensions import db


@dataclass(frozen=True)
class Row:
    """One line of the attendance form: key "m<membership id>" or "a<attendance id>" (guests)."""

    key: str
    name: str
    detail: str  # the role, "senza account", or the guest's organisation
    is_guest: bool
    record: Attendance | None

    @property
    def status(self) -> str:
        return self.record.status if self.record else AttendanceStatus.UNRECORDED


@dataclass(frozen=True)
class Quorum:
    present: int
    total: int
    needed: int

    @property
    def reached(self) -> bool:
        return self.total > 0 and self.present >= self.needed

    @property
    def text(self) -> str:
        head = _("Numero legale raggiunto") if self.reached else _("Numero legale non raggiunto")
        return _(
            "%(head)s: %(present)d membri presenti su %(total)d (ne servono %(needed)d).",
            head=head, present=self.present, total=self.total, needed=self.needed,
        )  # fmt: skip

    def as_dict(self) -> dict:
        return {"present": self.present, "total": self.total, "needed": self.needed, "reached": self.reached}


def rows(meeting: Meeting) -> list[Row]:
    """The roster on the meeting's day (by name), then anyone else recorded, then the guests."""
    by_membership = {a.membership_id: a for a in meeting.attendances if a.membership_id is not None}
    result = []
    for m in meeting.group.roster(meeting.held_on):
        detail = m.role_label if m.has_account else f"{m.role_label}, {_('senza account')}"
        result.append(Row(f"m{m.id}", m.display_name, detail, False, by_membership.pop(m.id, None)))
    for a in by_membership.values():  # recorded when they were on the roster
        result.append(Row(f"a{a.id}", a.name, _("Membro"), False, a))
    for a in meeting.attendances:
        if a.is_guest:
            result.append(Row(f"a{a.id}", a.guest_name, a.guest_organisation or _("Ospite"), True, a))
    return result


def time_errors(meeting, status: str, arrived: time | None, left: time | None) -> dict[str, str]:
    """Arrival and leave: only for those present, inside the meeting's hours, arrival first."""
    errors = {}
    hours = {"start": format_time(meeting.start_time, "HH:mm"), "end": format_time(meeting.end_time, "HH:mm")}
    if status != AttendanceStatus.PRESENT:
        if arrived:
            errors["arrived_at"] = _("Gli orari di arrivo e uscita valgono solo per chi è presente.")
        if left:
            errors["left_at"] = _("Gli orari di arrivo e uscita valgono solo per chi è presente.")
        return errors
    if arrived and not meeting.start_time <= arrived < meeting.end_time:
        errors["arrived_at"] = _(
            "L'arrivo deve essere durante l'incontro, tra le %(start)s e le %(end)s.", **hours
        )
    if left and not meeting.start_time < left <= meeting.end_time:
        errors["left_at"] = _(
            "L'uscita deve essere durante l'incontro, tra le %(start)s e le %(end)s.", **hours
        )
    if arrived and left and left <= arrived and "left_at" not in errors:
        errors["left_at"] = _("L'uscita deve venire dopo l'arrivo.")
    return errors


def form_pairs(meeting: Meeting, form, posted: bool = False) -> list[tuple[Row, object]]:
    """Pairs (row, form entry) of an AttendanceForm: the name always comes from the row, never
    from the posted data; a fresh form gets one entry per row with what is recorded."""
    found = rows(meeting)
    if not posted:
        for row in found:
            record = row.record
            form.rows.append_entry({
                "key": row.key, "status": row.status,
                "arrived_at": record.arrived_at if record else None, "left_at": record.left_at if record else None,
            })  # fmt: skip
    by_key = {row.key: row for row in found}
    return [(by_key[entry.key.data], entry) for entry in form.rows if entry.key.data in by_key]


def checked_values(hours, pairs) -> dict[str, dict] | None:
    """The posted rows as values for save(), with each entry's time errors set on its fields;
    None when any row is wrong. hours: anything with start_time and end_time (the meeting,
    or the hours a rettifica is about to give it)."""
    values, valid = {}, True
    for _row, entry in pairs:
        errors = time_errors(hours, entry.status.data, entry.arrived_at.data, entry.left_at.data)
        for field, message in errors.items():
            getattr(entry, field).errors = [*getattr(entry, field).errors, message]
        valid = valid and not errors
        values[entry.key.data] = {
            "status": entry.status.data, "arrived_at": entry.arrived_at.data, "left_at": entry.left_at.data,
        }  # fmt: skip
    return values if valid else None


def save(meeting: Meeting, values: dict[str, dict]) -> None:
    """values: key -> status, arrived_at, left_at (already checked); unknown keys are ignored."""
    by_key = {row.key: row for row in rows(meeting)}
    members = {m.id: m for m in meeting.group.memberships}
    for key, value in values.items():
        row = by_key.get(key)
        if row is None:
            continue
        record = row.record
        if record is None:
            membership: GroupMembership = members[int(key[1:])]
            record = Attendance(membership_id=membership.id, user_id=membership.user_id)
            meeting.attendances.append(record)
        record.status = AttendanceStatus(value["status"])
        present = record.status == AttendanceStatus.PRESENT
        record.arrived_at = value["arrived_at"] if present else None
        record.left_at = value["left_at"] if present else None
    db.session.flush()


def add_guest(meeting: Meeting, name: str, organisation: str, status: str) -> Attendance:
    guest = Attendance(
        guest_name=name.strip(), guest_organisation=organisation.strip(), status=AttendanceStatus(status)
    )
    meeting.attendances.append(guest)
    db.session.flush()
    return guest


def quorum(meeting: Meeting) -> Quorum:
    """Members present among the roster on the meeting's day, against the group's rule."""
    roster = meeting.group.roster(meeting.held_on)
    ids = {m.id for m in roster}
    present = sum(
        1 for a in meeting.attendances if a.membership_id in ids and a.status == AttendanceStatus.PRESENT
    )
    return Quorum(present, len(roster), meeting.group.quorum_needed(len(roster)))


def sign_in_people(meeting: Meeting) -> list[tuple[str, str]]:
    """The foglio firme: the roster on the meeting's day, then the guests already named."""
    return [(row.name, row.detail) for row in rows(meeting)]
