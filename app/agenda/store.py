"""The one home of stored occurrences: which rows a series has, and when they are rewritten.

A series (an activity, or a lab session) has its rows rewritten in the same
transaction as any change to it, to one of its exceptions, to its center's
closures or to a place it shows: the unit of work notes what was flushed
(`after_flush`) and the rows are rewritten just before the commit
(`before_commit`). Services do not have to remember to call anything, and no
view ever writes here. The table reaches from the series' first date (at most
`HISTORY` back: the dashboard counts past activity from it) to a horizon
18 months ahead that `flask occurrences extend` moves forward each day.

The dashboard's totals per day and town (`ActivityDayTotal`) are counted
again, from the stored rows, for every (day, town) whose rows were removed or
written, and for the date of a headcount entered or changed, in the same
transaction (`recount_totals`, before the commit).
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import chain

from flask import current_app
from sqlalchemy import BigInteger, Integer, and_, cast, delete, event, func, insert, or_, select, tuple_
from sqlalchemy.orm import Session, selectinload

from app.agenda.feed_memory import forget_heads
from app.agenda.models import ActivityDayTotal, CalendarOccurrence, OccurrenceHorizon
from app.agenda.models import OccurrenceStatus as Status
from app.calendar.occurrences import dated
from app.civic_centers.models import Activity, ActivityHeadcount, CivicCenter, Closure, OccurrenceChange
from app.common.timeutil import today_in_rome
from app.labs.models import Lab, LabSession
from app.platform.database import app_session
from app.platform.extensions import db
from app.towns.models import Town

AHEAD = timedelta(days=548)  # about 18 months
HISTORY = timedelta(days=3660)  # about 10 years: the archive DESIGN promises
CHUNK = 300
PENDING = "legami_occurrences_pending"
QUIET = {"synchronize_session": False}  # no stored occurrence is ever loaded as an object


# --- the rows of one series --------------------------------------------------


def _path(endpoint: str, **values) -> str:
    """A page's path without the script root (added when the page is shown)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def activity_rows(activity: Activity, first: date, last: date) -> list[dict]:
    """Every occurrence whose planned date falls between two dates, with its status.

    The one rule (`calendar.occurrences.dated`, which the feeds read too): a
    closure hides a date on the day it really happens; a moved date leaves a
    "moved-from" row on its planned day; a cancelled activity shows every
    date cancelled with its reason.
    """
    center = activity.center
    base = {
        "activity_id": activity.id, "session_id": None, "lab_id": None, "center_id": center.id,
        "town_id": center.town_id, "audience": activity.audience, "category": activity.category,
        "is_public": activity.is_public, "age_min": activity.age_min, "age_max": activity.age_max,
        "is_free": activity.is_free, "registration_required": activity.registration_required, "title": activity.title, "place": f"{center.name}, {center.town.name}",
        "path": _path("civic_centers.activity_detail", slug=center.slug, activity_id=activity.id),
    }  # fmt: skip
    schedule = activity.schedule()
    whole_reason = activity.cancel_reason if activity.is_cancelled else ""
    rows = []
    for found in dated(schedule, first, last):
        status, reason = found.kind, found.reason
        if activity.is_cancelled and status in Status.HELD:
            status, reason = Status.CANCELLED, reason or whole_reason
        elif status == Status.CANCELLED:
            reason = reason or whole_reason
        if found.is_moved and found.planned is not None:
            planned_end = found.planned + schedule.duration
            rows.append(base | _when(found.original_on, found.planned, planned_end, Status.MOVED_FROM, False,
                                     found.change_reason))  # fmt: skip
        rows.append(base | _when(found.original_on, found.start, found.end, status, found.is_moved, reason))
    return rows


def _when(original_on: date, start: datetime, end: datetime, status: str, moved: bool, reason: str) -> dict:
    return {
        "day": start.date(), "original_on": original_on, "starts_at": start, "ends_at": end, "start_time": start.time(),
        "status": status, "is_moved": moved, "reason": reason[:200],
    }  # fmt: skip


def session_row(session: LabSession) -> dict:
    """A lab session is one occurrence; labs have no audience, category or host-center filter."""
    lab = session.lab
    start = datetime.combine(session.start_on, session.start_time)
    end = datetime.combine(session.start_on, session.end_time)
    status = Status.CANCELLED if session.is_cancelled else Status.REGULAR
    return {
        "activity_id": None, "session_id": session.id, "lab_id": lab.id, "center_id": None,
        "town_id": lab.town_id, "audience": None, "category": None, "is_public": lab.is_public,
        "age_min": lab.age_min, "age_max": lab.age_max, "is_free": lab.is_free, "registration_required": True,
        "title": lab.title, "place": f"{lab.place_name}, {lab.town.name}",
        "path": _path("labs.detail", slug=lab.slug),
    } | _when(session.start_on, start, end, status, False, session.cancel_reason if session.is_cancelled else "")  # fmt: skip


# --- rewriting and extending -------------------------------------------------


def horizon_last(today: date) -> date:
    stored = db.session.scalar(select(OccurrenceHorizon.last_day).where(OccurrenceHorizon.id == 1))
    return stored or today + AHEAD


def _load_activities(ids: list[int]) -> list[Activity]:
    query = (
        select(Activity)
        .where(Activity.id.in_(ids))
        .options(
            selectinload(Activity.center).selectinload(CivicCenter.town),
            selectinload(Activity.center).selectinload(CivicCenter.closures),
            selectinload(Activity.changes),
        )
    )
    return list(db.session.scalars(query))


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for n in range(0, len(ordered), CHUNK):
        yield ordered[n : n + CHUNK]


def _insert(rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(CalendarOccurrence), rows)
        _touched((row["day"], row["town_id"]) for row in rows if row["activity_id"] is not None)


# --- the dashboard's totals per day and town, counted again where rows change ---------------

TOTALS_PENDING = "legami_day_totals_pending"


def _touched(keys: Iterable[tuple]) -> None:
    """These (day, town) totals are counted again before the commit."""
    db.session.info.setdefault(TOTALS_PENDING, set()).update(keys)


def _remove(where) -> None:
    """Delete stored rows; the days they were on are counted again."""
    days = select(CalendarOccurrence.day, CalendarOccurrence.town_id).where(
        where, CalendarOccurrence.activity_id.is_not(None)
    )
    _touched(tuple(row) for row in db.session.execute(days.distinct()))
    db.session.execute(delete(CalendarOccurrence).where(where), execution_options=QUIET)


def _seconds(start, end):
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.extract("epoch", end - start), BigInteger)
    return cast(func.round((func.julianday(end) - func.julianday(start)) * 86400), Integer)


def recount_totals(keys: Iterable[tuple]) -> None:
    """Count the held activity dates, seconds and headcounts of these (day, town) pairs again."""
    occ, heads = CalendarOccurrence, ActivityHeadcount
    for chunk in _chunks(keys):
        pairs = tuple_(ActivityDayTotal.day, ActivityDayTotal.town_id).in_(chunk)
        db.session.execute(delete(ActivityDayTotal).where(pairs), execution_options=QUIET)
        counted = (
            select(
                occ.day, occ.town_id, func.count(), func.sum(_seconds(occ.starts_at, occ.ends_at)),
                func.coalesce(func.sum(heads.headcount), 0), func.count(heads.headcount),
            )
            .outerjoin(heads, and_(heads.activity_id == occ.activity_id, heads.original_on == occ.original_on))
            .where(
                tuple_(occ.day, occ.town_id).in_(chunk), occ.activity_id.is_not(None), occ.is_public.is_(True),
                occ.status.in_(Status.HELD),
            )
            .group_by(occ.day, occ.town_id)
        )  # fmt: skip
        columns = ["day", "town_id", "held", "seconds", "headcount", "counted"]
        db.session.execute(insert(ActivityDayTotal).from_select(columns, counted))


def _recount_pending(session: Session) -> None:
    keys = session.info.pop(TOTALS_PENDING, None)
    if keys:
        recount_totals(keys)


def rewrite_activities(ids: Iterable[int], today: date | None = None) -> int:
    """Replace every stored row of these activities; returns how many rows were written."""
    today = today or today_in_rome()
    last, written = horizon_last(today), 0
    for chunk in _chunks(ids):
        _remove(CalendarOccurrence.activity_id.in_(chunk))
        rows = []
        for activity in _load_activities(chunk):
            rows += activity_rows(activity, max(activity.start_on, today - HISTORY), last)
        _insert(rows)
        written += len(rows)
    return written


def rewrite_sessions(ids: Iterable[int]) -> int:
    written = 0
    for chunk in _chunks(ids):
        db.session.execute(  # a lab session is in no activity total
            delete(CalendarOccurrence).where(CalendarOccurrence.session_id.in_(chunk)),
            execution_options=QUIET,
        )
        query = (
            select(LabSession)
            .where(LabSession.id.in_(chunk))
            .options(selectinload(LabSession.lab).selectinload(Lab.town), selectinload(LabSession.lab).selectinload(Lab.center))
        )  # fmt: skip
        rows = [session_row(s) for s in db.session.scalars(query)]
        _insert(rows)
        written += len(rows)
    return written


def rebuild(today: date | None = None) -> int:
    """Rewrite every series and set the horizon (first deploy, or after a restore)."""
    today = today or today_in_rome()
    _set_horizon(today + AHEAD)
    db.session.execute(delete(ActivityDayTotal))  # counted again from nothing (a restore may have left them)
    written = rewrite_activities(db.session.scalars(select(Activity.id)).all(), today)
    return written + rewrite_sessions(db.session.scalars(select(LabSession.id)).all())


def extend(today: date | None = None) -> int:
    """Move the horizon to 18 months after today, adding only the new days' rows (run daily)."""
    today = today or today_in_rome()
    stored = db.session.scalar(select(OccurrenceHorizon.last_day).where(OccurrenceHorizon.id == 1))
    if stored is None:
        return rebuild(today)
    new_last = today + AHEAD
    if new_last <= stored:
        return 0
    written = 0
    recurring = select(Activity.id).where(
        Activity.freq != "none", or_(Activity.until_on.is_(None), Activity.until_on > stored)
    )
    for chunk in _chunks(db.session.scalars(recurring).all()):
        rows = []
        for activity in _load_activities(chunk):
            rows += activity_rows(activity, stored + timedelta(days=1), new_last)
        _insert(rows)
        written += len(rows)
    _set_horizon(new_last)
    return written


def _set_horizon(last_day: date) -> None:
    horizon = db.session.get(OccurrenceHorizon, 1)
    if horizon is None:
        db.session.add(OccurrenceHorizon(id=1, last_day=last_day))
    else:
        horizon.last_day = last_day
    db.session.flush()


# --- the unit-of-work hooks ---------------------------------------------------


def _pending(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(
        PENDING, {k: set() for k in ("activities", "sessions", "centers", "labs", "towns", "headcounts")}
    )


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    """Remember which series the flushed objects affect (the rows are written before the commit)."""
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Activity):
            _pending(session)["activities"].add(obj.id)
        elif isinstance(obj, OccurrenceChange) and obj.activity_id is not None:
            _pending(session)["activities"].add(obj.activity_id)
        elif isinstance(obj, ActivityHeadcount):
            _pending(session)["headcounts"].add((obj.activity_id, obj.original_on))
        elif isinstance(obj, Closure) and obj.center_id is not None:
            _pending(session)["centers"].add(obj.center_id)
        elif isinstance(obj, LabSession):
            _pending(session)["sessions"].add(obj.id)
        elif isinstance(obj, CivicCenter | Lab | Town) and session.is_modified(
            obj, include_collections=False
        ):
            kind = {CivicCenter: "centers", Lab: "labs", Town: "towns"}[type(obj)]
            _pending(session)[kind].add(obj.id)


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    if session is not app_session():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the commit would flush: note it now
    if not session.info.get(PENDING):
        _recount_pending(session)  # rows written outside the hooks (extend, rebuild)
        return
    pending = session.info.pop(PENDING)
    if pending["headcounts"]:
        counted = tuple_(CalendarOccurrence.activity_id, CalendarOccurrence.original_on).in_(
            sorted(pending["headcounts"])
        )
        where = select(CalendarOccurrence.day, CalendarOccurrence.town_id).where(counted).distinct()
        _touched(tuple(row) for row in session.execute(where))
    activities, sessions = set(pending["activities"]), set(pending["sessions"])
    centers, labs, towns = pending["centers"], pending["labs"], pending["towns"]
    if towns:
        centers |= set(session.scalars(select(CivicCenter.id).where(CivicCenter.town_id.in_(towns))))
        labs |= set(session.scalars(select(Lab.id).where(Lab.town_id.in_(towns))))
    if centers:
        activities |= set(session.scalars(select(Activity.id).where(Activity.center_id.in_(centers))))
        labs |= set(session.scalars(select(Lab.id).where(Lab.center_id.in_(centers))))
    if labs:
        sessions |= set(session.scalars(select(LabSession.id).where(LabSession.lab_id.in_(labs))))
    rewrite_activities(activities)
    rewrite_sessions(sessions)
    _recount_pending(session)
    session.info.pop(PENDING, None)  # the rewrite's own flushes note nothing new
    forget_heads()  # this process's feeds check their fingerprint again


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(TOTALS_PENDING, None)
