"""The figures of a period, in a fixed number of queries. No request, no commit."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.timeutil import ROME
from app.groups.models import AttendanceStatus, Meeting, WorkingGroup
from app.labs.models import Lab, LabAttendance, LabSession
from app.labs.services import attendance_total
from app.platform.extensions import db
from app.reports import aggregates
from app.reports.period import Period


@dataclass
class Figures:
    labs_running: int = 0
    sessions_held: int = 0
    hours: float = 0.0
    attendance_records: int = 0
    people_reached: int = 0
    counted_only: int = 0  # people counted at the door, without a name
    activities_held: int = 0
    activity_hours: float = 0.0  # civic-center activities held
    activity_headcount: int = 0  # people counted at them by the centers' managers
    activities_counted: int = 0  # how many of the activities held have a headcount
    meetings_held: int = 0
    meeting_presences: int = 0
    by_month: dict[date, int] = field(default_factory=dict)  # first day of the month -> lab attendance
    meetings_by_month: dict[date, int] = field(default_factory=dict)  # -> working-group presences


def held_sessions(period: Period, now: datetime) -> list[LabSession]:
    """Sessions of the period that took place (not cancelled, already started)."""
    query = (
        select(LabSession)
        .join(LabSession.lab)
        .where(
            LabSession.start_on >= period.first,
            LabSession.start_on <= period.last,
            LabSession.is_cancelled.is_(False),
            Lab.deleted_at.is_(None),
        )
        .options(
            selectinload(LabSession.lab).selectinload(Lab.town),
            selectinload(LabSession.attendances).selectinload(LabAttendance.registration),
        )
        .order_by(LabSession.start_on, LabSession.start_time)
    )
    if period.town_id:
        query = query.where(Lab.town_id == period.town_id)
    return [s for s in db.session.scalars(query) if s.has_started(now)]


def person_key(attendance: LabAttendance) -> str:
    """The same person across sessions and labs: their contact, or a walk-in's name."""
    if attendance.registration is not None:
        return "r:" + attendance.registration.contact_key
    return "w:" + " ".join(attendance.walk_in_name.lower().split())


def people(sessions: list[LabSession]) -> list[dict]:
    """Everyone reached by name, with how many sessions of which labs."""
    found: dict[str, dict] = {}
    for session in sessions:
        for attendance in session.attendances:
            key = person_key(attendance)
            registration = attendance.registration
            row = found.setdefault(key, {
                "name": registration.full_name if registration else attendance.walk_in_name,
                "contact": (registration.email or registration.phone) if registration else "",
                "labs": set(), "sessions": 0,
            })  # fmt: skip
            row["labs"].add(session.lab.title)
            row["sessions"] += 1
    return sorted(found.values(), key=lambda r: r["name"].lower())


def held_meetings(period: Period, now: datetime) -> list[Meeting]:
    """Working-group meetings of the period that took place, with their attendance."""
    query = (
        select(Meeting)
        .join(Meeting.group)
        .where(
            Meeting.held_on >= period.first, Meeting.held_on <= period.last, Meeting.is_cancelled.is_(False)
        )
        .options(selectinload(Meeting.group), selectinload(Meeting.attendances))
        .order_by(Meeting.held_on, Meeting.start_time)
    )
    if period.town_id:
        query = query.where(WorkingGroup.town_id == period.town_id)
    return [m for m in db.session.scalars(query) if datetime.combine(m.held_on, m.start_time, ROME) <= now]


def presences(meeting: Meeting) -> int:
    return sum(1 for a in meeting.attendances if a.status == AttendanceStatus.PRESENT)


def held_activities(period: Period, now: datetime) -> list:
    """Civic-center activity occurrences of the period that took place (starts_at, title, place)."""
    query = aggregates.held_activities_query(period, now.astimezone(ROME))
    return db.session.execute(query.order_by(*aggregates.ACTIVITY_ORDER)).all()


def figures(period: Period, now: datetime) -> Figures:
    """Every figure of the dashboard, in a fixed number of aggregate queries (app/reports/aggregates.py)."""
    return aggregates.figures(period, now, Figures())


def session_rows(sessions: list[LabSession]) -> list[list]:
    return [
        [s.start_on, s.start_time.strftime("%H:%M"), s.lab.title, s.lab.town.name, round(s.hours, 2),
         attendance_total(s), len(s.attendances), s.headcount]
        for s in sessions
    ]  # fmt: skip


def meeting_rows(meetings: list[Meeting]) -> list[list]:
    def count(meeting, status):
        return sum(1 for a in meeting.attendances if a.status == status)

    return [
        [m.held_on, m.start_time.strftime("%H:%M"), m.group.name, m.venue, count(m, AttendanceStatus.PRESENT),
         count(m, AttendanceStatus.ABSENT), count(m, AttendanceStatus.EXCUSED)]
        for m in meetings
    ]  # fmt: skip


def people_rows(sessions: list[LabSession]) -> list[list]:
    return [[p["name"], p["contact"], ", ".join(sorted(p["labs"])), p["sessions"]] for p in people(sessions)]
