"""The dashboard's figures as SQL aggregates: four queries (five when the period holds today), whatever
the period or the district holds."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, case, func, literal, or_, select

from app.agenda.models import ActivityDayTotal as Total
from app.agenda.models import CalendarOccurrence as Occ
from app.agenda.models import OccurrenceStatus
from app.civic_centers.models import ActivityHeadcount
from app.common.timeutil import ROME
from app.groups.models import Attendance, AttendanceStatus, Meeting, WorkingGroup
from app.labs.models import Lab, LabAttendance, LabSession, Registration
from app.platform.extensions import db


def _started(day_column, time_column, now_local: datetime):
    """Took place already: an earlier day, or today at an earlier time (wall clock, Europe/Rome)."""
    today = now_local.date()
    return or_(day_column < today, and_(day_column == today, time_column <= now_local.time()))


def _held_sessions(period, now_local: datetime):
    """The WHERE of the sessions that took place in the period (not cancelled, lab not in the trash)."""
    conditions = [
        LabSession.start_on >= period.first, LabSession.start_on <= period.last,
        LabSession.is_cancelled.is_(False), Lab.deleted_at.is_(None),
        _started(LabSession.start_on, LabSession.start_time, now_local),
    ]  # fmt: skip
    if period.town_id:
        conditions.append(Lab.town_id == period.town_id)
    return conditions


def lab_figures(period, now_local: datetime, result) -> None:
    """Sessions, labs, hours, attendance, people reached and the monthly attendance (2 queries).

    Both count the attendance of the period's held sessions only (joined to them before
    counting, never the whole attendance table grouped first: it keeps every year of labs)."""
    held = _held_sessions(period, now_local)
    # Each held session once, with the names recorded at it.
    per_session = (
        select(
            LabSession.start_on,
            LabSession.start_time,
            LabSession.end_time,
            func.coalesce(LabSession.headcount, 0).label("headcount"),
            func.count(LabAttendance.id).label("named"),
        )
        .join(Lab, Lab.id == LabSession.lab_id)
        .outerjoin(LabAttendance, LabAttendance.session_id == LabSession.id)
        .where(*held)
        .group_by(
            LabSession.id,
            LabSession.start_on,
            LabSession.start_time,
            LabSession.end_time,
            LabSession.headcount,
        )
        .subquery()
    )
    count, headcount = per_session.c.named, per_session.c.headcount
    total = case((headcount > count, headcount), else_=count)
    counted_only = case((headcount > count, headcount - count), else_=0)
    # One row per day and time slot: hours need the slot, months the day; both are few.
    slot = (per_session.c.start_on, per_session.c.start_time, per_session.c.end_time)
    query = select(*slot, func.count(), func.sum(total), func.sum(counted_only)).group_by(*slot)
    monthly: dict[date, int] = defaultdict(int)
    hours = 0.0
    for day, start, end, sessions, attendance, only_counted in db.session.execute(query):
        length = datetime.combine(day, end) - datetime.combine(day, start)
        hours += sessions * length.total_seconds() / 3600
        result.sessions_held += sessions
        result.attendance_records += int(attendance or 0)
        result.counted_only += int(only_counted or 0)
        monthly[day.replace(day=1)] += int(attendance or 0)
    result.hours = round(hours, 1)
    result.by_month = dict(sorted(monthly.items()))
    # The same person across sessions and labs: their contact, or a walk-in's name. Two subqueries
    # of one statement (one round trip), each its own DISTINCT (hashed, not sorted, on PostgreSQL).
    person = case(
        (LabAttendance.registration_id.is_not(None), literal("r:") + Registration.contact_key),
        else_=literal("w:") + func.lower(func.trim(LabAttendance.walk_in_name)),
    )
    people = (
        select(person.label("person"))
        .select_from(LabAttendance)
        .join(LabSession, LabSession.id == LabAttendance.session_id)
        .join(Lab, Lab.id == LabSession.lab_id)
        .outerjoin(Registration, Registration.id == LabAttendance.registration_id)
        .where(*held)
        .distinct()
        .subquery()
    )
    labs = select(LabSession.lab_id).join(Lab, Lab.id == LabSession.lab_id).where(*held).distinct().subquery()
    result.labs_running, result.people_reached = db.session.execute(
        select(
            select(func.count()).select_from(labs).scalar_subquery(),
            select(func.count()).select_from(people).scalar_subquery(),
        )
    ).one()


def held_activities_query(period, now_local: datetime):
    """Civic-center activity occurrences of the period that took place, from the stored occurrences,
    with the headcount their center's manager entered (None when nobody counted)."""
    query = select(Occ.starts_at, Occ.title, Occ.place, ActivityHeadcount.headcount).outerjoin(
        ActivityHeadcount,
        and_(ActivityHeadcount.activity_id == Occ.activity_id, ActivityHeadcount.original_on == Occ.original_on),
    ).where(
        Occ.activity_id.is_not(None), Occ.is_public.is_(True), Occ.status.in_(OccurrenceStatus.HELD),
        Occ.day >= period.first, Occ.day <= period.last,
        Occ.starts_at <= now_local.replace(tzinfo=None),
    )  # fmt: skip
    if period.town_id:
        query = query.where(Occ.town_id == period.town_id)
    return query


ACTIVITY_ORDER = (Occ.starts_at, Occ.title)


def meeting_figures(period, now_local: datetime, result) -> None:
    """Working-group meetings held and presences, by month (1 query).

    Each meeting of the period counts its own presences (an index range on the attendance's
    meeting): the work follows the period's meetings, never the years of attendance kept."""
    present = (
        select(func.count())
        .where(Attendance.meeting_id == Meeting.id, Attendance.status == AttendanceStatus.PRESENT)
        .correlate(Meeting)
        .scalar_subquery()
    )
    query = (
        select(Meeting.held_on, func.count(), func.sum(present))
        .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
        .where(
            Meeting.held_on >= period.first,
            Meeting.held_on <= period.last,
            Meeting.is_cancelled.is_(False),
            _started(Meeting.held_on, Meeting.start_time, now_local),
        )
        .group_by(Meeting.held_on)
    )
    if period.town_id:
        query = query.where(WorkingGroup.town_id == period.town_id)
    monthly: dict[date, int] = defaultdict(int)
    for day, meetings, presences in db.session.execute(query):
        result.meetings_held += meetings
        result.meeting_presences += int(presences or 0)
        monthly[day.replace(day=1)] += int(presences or 0)
    result.meetings_by_month = dict(sorted(monthly.items()))


def _hours(start, end):
    """Hours between two naive date-time columns, in SQL."""
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24
    return func.extract("epoch", end - start) / 3600


def activity_figures(period, now_local: datetime, result) -> None:
    """Civic-center activities held, their hours and the people counted at them (2 queries).

    Past days come from the totals the store keeps per day and town (one row each: the cost of
    a year does not grow with the district); today, whose dates count once begun, from its
    stored occurrences."""
    today = now_local.date()
    count = seconds = heads = counted = 0
    hours = 0.0
    past_last = min(period.last, today - timedelta(days=1))
    if period.first <= past_last:
        totals = select(
            func.sum(Total.held), func.sum(Total.seconds), func.sum(Total.headcount), func.sum(Total.counted)
        ).where(Total.day >= period.first, Total.day <= past_last)
        if period.town_id:
            totals = totals.where(Total.town_id == period.town_id)
        count, seconds, heads, counted = (int(v or 0) for v in db.session.execute(totals).one())
    if period.first <= today <= period.last:
        today_only = SimpleNamespace(first=today, last=today, town_id=period.town_id)
        held = held_activities_query(today_only, now_local).add_columns(Occ.ends_at).subquery()
        n, today_hours, today_heads, today_counted = db.session.execute(
            select(func.count(), func.sum(_hours(held.c.starts_at, held.c.ends_at)), func.sum(held.c.headcount),
                   func.count(held.c.headcount))
        ).one()  # fmt: skip
        count, hours = count + (n or 0), float(today_hours or 0)
        heads, counted = heads + int(today_heads or 0), counted + (today_counted or 0)
    result.activities_held = count
    result.activity_hours = round(seconds / 3600 + hours, 1)
    result.activity_headcount = heads
    result.activities_counted = counted


def figures(period, now: datetime, result):
    now_local = now.astimezone(ROME)
    lab_figures(period, now_local, result)
    activity_figures(period, now_local, result)
    meeting_figures(period, now_local, result)
    return result
