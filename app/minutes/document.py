"""The verbale as a document: one plain dict with the whole header and the text.

A draft's document is built from the live meeting; at approval (and at each rettifica) it is
frozen as JSON in an ApprovedVersion, so later changes to the group, its roster or the meeting
never rewrite what was approved. The page, the print view and the PDF/A all render this dict.
No request, no commit."""

import json
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.groups import attendance
from app.groups import services as group_services
from app.groups.models import AttendanceStatus, GroupRole, Meeting
from app.minutes import attachments
from app.minutes.models import Minutes


def _person(a) -> dict:
    return {
        "name": a.name, "organisation": a.guest_organisation if a.is_guest else "", "guest": a.is_guest,
        "arrived": a.arrived_at.strftime("%H:%M") if a.arrived_at else "",
        "left": a.left_at.strftime("%H:%M") if a.left_at else "",
    }  # fmt: skip


def _action(item) -> dict:
    return {
        "description": item.description, "owner": item.owner_name, "status": item.status_label,
        "due_on": item.due_on.isoformat() if item.due_on else "", "open": item.is_open,
    }  # fmt: skip


def _point(number: int, point, files: list) -> dict:
    return {
        "number": number, "title": point.title, "presenter": point.presenter,
        "minutes": point.minutes_planned, "line": point.line,
        "carried_from": point.carried_from_day.isoformat() if point.carried_from_day else "",
        "decision_kind": point.decision_kind, "decision_label": point.decision_label,
        "decision": point.decision if point.has_decision else "",
        "attachments": [a.filename for a in files],
    }  # fmt: skip


def _next_meeting(meeting: Meeting) -> dict | None:
    following = group_services.next_meeting(meeting.group, meeting.held_on, after=meeting)
    if following is None:
        return None
    return {
        "held_on": following.held_on.isoformat(), "start": following.start_time.strftime("%H:%M"),
        "end": following.end_time.strftime("%H:%M"), "venue": following.venue,
    }  # fmt: skip


def _officer(meeting: Meeting, role: GroupRole) -> str:
    names = [m.display_name for m in meeting.group.roster(meeting.held_on) if m.role == role]
    return ", ".join(names)


def _issuer(meeting: Meeting) -> list[str]:
    """Who issues the record, above its title: the group, its Comune and its Ambito distrettuale."""
    group = meeting.group
    lines = []
    if group.town is not None:
        lines.append(_("Comune di %(town)s", town=group.town.name))
    if group.district:
        lines.append(_("Ambito distrettuale di %(district)s", district=group.district))
    return lines


def build(minutes: Minutes) -> dict:
    """The live document of a verbale (a draft, or the source of a new approved version)."""
    meeting = minutes.meeting
    people = sorted(meeting.attendances, key=lambda a: (a.is_guest, a.name.lower()))
    by_status = {s: [_person(a) for a in people if a.status == s] for s in AttendanceStatus}
    opened, closed = group_services.meeting_actions(meeting)
    quorum = attendance.quorum(meeting)
    files = attachments.by_point(minutes.attachments)
    return {
        "group": meeting.group.name, "title": minutes.title, "body": minutes.body,
        "number": minutes.label, "held_on": meeting.held_on.isoformat(), "venue": meeting.venue,
        "start": meeting.start_time.strftime("%H:%M"), "end": meeting.end_time.strftime("%H:%M"),
        "agenda": meeting.agenda_items,
        "points": [_point(n, p, files.get(p.id, [])) for n, p in enumerate(meeting.points, start=1)],
        "present": by_status[AttendanceStatus.PRESENT], "absent": by_status[AttendanceStatus.ABSENT],
        "excused": by_status[AttendanceStatus.EXCUSED],
        "unrecorded": len(by_status[AttendanceStatus.UNRECORDED]),
        "quorum": {**quorum.as_dict(), "text": quorum.text},
        "pending": [_action(i) for i in group_services.pending_actions(meeting)],
        "opened": [_action(i) for i in opened], "closed": [_action(i) for i in closed],
        "next_meeting": _next_meeting(meeting),
        "chair": _officer(meeting, GroupRole.CHAIR), "secretary": _officer(meeting, GroupRole.SECRETARY),
        "attachments": [
            {"filename": a.filename, "size": a.size, "sha256": a.sha256} for a in minutes.attachments
        ],
        "issuer": _issuer(meeting),
        "approval": None, "version": 0, "corrections": [],
    }  # fmt: skip


def _status_of(doc: dict) -> dict[str, tuple[str, str, str]]:
    """name -> (status, arrived, left), from a document's attendance lists."""
    return {
        p["name"]: (status, p["arrived"], p["left"])
        for status in ("present", "absent", "excused")
        for p in doc.get(status, [])
    }


STATUS_WORDS = {"present": _l("presente"), "absent": _l("assente"), "excused": _l("assenza giustificata")}


def header_changes(old: dict, new: dict) -> list[dict]:
    """What a rettifica changed in the header, in words: {"text", "names"} where names says the
    line names a person (shown only to those who see the attendance)."""
    changes = []
    if old["venue"] != new["venue"]:
        changes.append({"text": _("Sede: «%(old)s» diventa «%(new)s».", old=old["venue"], new=new["venue"]),
                        "names": False})  # fmt: skip
    if (old["start"], old["end"]) != (new["start"], new["end"]):
        text = _(
            "Orario: %(old)s diventa %(new)s.",
            old=f"{old['start']}–{old['end']}",
            new=f"{new['start']}–{new['end']}",
        )
        changes.append({"text": text, "names": False})
    before, after = _status_of(old), _status_of(new)
    for name in sorted(set(before) | set(after), key=str.lower):
        was, now = before.get(name), after.get(name)
        if was == now:
            continue
        changes.append({"text": _("%(name)s: %(old)s diventa %(new)s.", name=name,
                                  old=_describe(was), new=_describe(now)), "names": True})  # fmt: skip
    return changes


def _describe(state: tuple[str, str, str] | None) -> str:
    if state is None:
        return _("non registrato")
    status, arrived, left = state
    words = str(STATUS_WORDS[status])
    if arrived:
        words += " " + _("dalle %(time)s", time=arrived)
    if left:
        words += " " + _("fino alle %(time)s", time=left)
    return words


def approval_line(method: str, session_on: date | None, approved_on: date, by: str) -> dict:
    return {
        "method": method, "session_on": session_on.isoformat() if session_on else "",
        "approved_on": approved_on.isoformat(), "by": by,
    }  # fmt: skip


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True)


def loads(text: str) -> dict:
    return json.loads(text)


def current(minutes: Minutes) -> dict:
    """What the verbale says now: the latest approved version, or the live draft."""
    version = minutes.current_version
    return loads(version.snapshot) if version is not None else build(minutes)
