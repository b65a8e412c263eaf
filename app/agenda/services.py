"""The one source of public occurrences: the HTML calendar and the feeds read it."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, and_, bindparam, false, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from app.agenda import family_filters as family
from app.agenda.models import FeedCache
from app.calendar.ical import FeedEvent
from app.calendar.occurrences import Occurrence, expand
from app.civic_centers.models import Activity, ActivityStatus, Audience, CivicCenter, OccurrenceChange
from app.common.formatting import per_language
from app.labs.models import Lab, LabSession, LabStatus
from app.platform.extensions import db
from app.towns.models import Town

LAB_LABEL = _l("Laboratorio di Comunità")


@dataclass(frozen=True)
class Filters:
    """What a calendar or feed shows; every part is optional and they combine."""

    town_id: int | None = None
    center_id: int | None = None
    audience: str | None = None
    category: str | None = None
    lab_id: int | None = None
    activity_id: int | None = None  # one activity's page
    # A family's filters (app/agenda/family_filters.py).
    age: int | None = None
    free_only: bool = False
    no_registration: bool = False
    time_of_day: str | None = None

    @property
    def includes_labs(self) -> bool:
        """Labs have no audience, category or host center filter and always need a sign-up."""
        return not (
            self.center_id or self.audience or self.category or self.no_registration or self.activity_id
        )

    def apply_sessions(self, query):
        query = query.where(Lab.deleted_at.is_(None), Lab.status != LabStatus.DRAFT)
        if self.town_id:
            query = query.where(Lab.town_id == self.town_id)
        if self.lab_id:
            query = query.where(LabSession.lab_id == self.lab_id)
        for condition in family.conditions(
            self, age_min=Lab.age_min, age_max=Lab.age_max, is_free=Lab.is_free, needs_registration=True,
            start_time=LabSession.start_time,
        ):  # fmt: skip
            query = query.where(condition)
        return query

    @staticmethod
    def _moved():
        """A series with a date moved elsewhere (only a time of day reads it: built only then)."""
        return Activity.changes.any(OccurrenceChange.new_start.is_not(None))

    def apply(self, query):
        query = query.where(Activity.deleted_at.is_(None), Activity.status != ActivityStatus.DRAFT)
        if self.lab_id:
            query = query.where(false())
        if self.activity_id:
            query = query.where(Activity.id == self.activity_id)
        if self.town_id:
            query = query.where(CivicCenter.town_id == self.town_id)
        if self.center_id:
            query = query.where(Activity.center_id == self.center_id)
        if self.audience:
            # What is "for everyone" is also for children, for the elderly...
            query = query.where(Activity.audience.in_({self.audience, Audience.EVERYONE}))
        if self.category:
            query = query.where(Activity.category == self.category)
        for condition in family.conditions(
            self, age_min=Activity.age_min, age_max=Activity.age_max, is_free=Activity.is_free,
            needs_registration=Activity.registration_required, start_time=Activity.start_time,
            audience=Activity.audience, moved=self._moved() if self.time_of_day else None,
        ):  # fmt: skip
            query = query.where(condition)
        return query


@dataclass(frozen=True)
class Entry:
    """One occurrence on the calendar (an activity's or a lab session), ready to show."""

    occurrence: Occurrence
    title: str
    url: str
    place: str
    label: str
    reason: str = ""
    # "": an occurrence; "moved-from": the planned day of a date moved to `moved_to`;
    # "closed": the center is closed that day (title and place are the center's).
    kind: str = ""
    moved_to: datetime | None = None

    @property
    def is_cancelled(self) -> bool:
        return self.occurrence.is_cancelled


def _activities_shown():
    """Activities with what the pages show of them: their center and town, the center's closures
    and the activity's changes (3 queries)."""
    return (
        select(Activity)
        .join(Activity.center)
        .join(CivicCenter.town)
        .options(
            contains_eager(Activity.center).contains_eager(CivicCenter.town),
            contains_eager(Activity.center).selectinload(CivicCenter.closures),
            selectinload(Activity.changes),
        )
        .order_by(Activity.id)
    )


def _announcing(first, last, after, before):
    """Something to announce between two days: the whole series cancelled, or a date cancelled or
    moved from those days (`first`..`last`) or to them (`after` <= new start < `before`)."""
    return or_(
        Activity.status == ActivityStatus.CANCELLED,
        Activity.changes.any(
            or_(
                OccurrenceChange.original_on.between(first, last),
                and_(OccurrenceChange.new_start >= after, OccurrenceChange.new_start < before),
            )
        ),
    )


def public_activities(filters: Filters) -> list[Activity]:
    """Published activities (cancelled included) with everything the pages show, in 3 queries."""
    return list(db.session.scalars(filters.apply(_activities_shown())).unique())


@lru_cache(maxsize=1)
def _center_announcing():
    """public_activities of one center with something to announce, built once (a center's page)."""
    window = {name: bindparam(name, type_=Date) for name in ("first", "last")}
    window |= {name: bindparam(name, type_=DateTime) for name in ("after", "before")}
    query = _activities_shown().where(_announcing(**window), Activity.center_id == bindparam("center_id"))
    return Filters().apply(query)


def center_announcing(center_id: int, first: date, last: date) -> list[Activity]:
    """A center's published activities with something to announce between two days (both included)."""
    after, before = datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())
    values = {"center_id": center_id, "first": first, "last": last, "after": after, "before": before}
    return list(db.session.scalars(_center_announcing(), values).unique())


def public_sessions(
    filters: Filters, first: date | None = None, last: date | None = None
) -> list[LabSession]:
    """Sessions of public labs, with their lab, town and venue, in 2 queries."""
    if not filters.includes_labs:
        return []
    query = (
        select(LabSession)
        .join(LabSession.lab)
        .join(Lab.town)
        .options(
            contains_eager(LabSession.lab).contains_eager(Lab.town),
            contains_eager(LabSession.lab).selectinload(Lab.center),
        )
        .order_by(LabSession.start_on, LabSession.start_time, LabSession.id)
    )
    if first is not None:
        query = query.where(LabSession.start_on >= first)
    if last is not None:
        query = query.where(LabSession.start_on <= last)
    return list(db.session.scalars(filters.apply_sessions(query)).unique())


def _activity_entry(activity: Activity, occurrence: Occurrence) -> Entry:
    center = activity.center
    if activity.is_cancelled:
        occurrence = replace(
            occurrence, is_cancelled=True, reason=occurrence.reason or activity.cancel_reason
        )
    return Entry(
        occurrence=occurrence,
        title=activity.title,
        url=url_for("civic_centers.activity_detail", slug=center.slug, activity_id=activity.id),
        place=f"{center.name}, {center.town.name}",
        label=activity.audience_label,
        reason=occurrence.reason,
    )


def entries(activities: list[Activity], first: date, last: date, sessions=()) -> list[Entry]:
    """Every occurrence between two dates, in time order: activities, then lab sessions."""
    found = [_activity_entry(a, occ) for a in activities for occ in expand(a.schedule(), first, last)]
    sessions = [s for s in sessions if first <= s.start_on <= last]
    by_lab: dict[int, list] = {}
    for session in sessions:
        by_lab.setdefault(session.lab_id, []).append(session)
    for lab_sessions in by_lab.values():
        lab = lab_sessions[0].lab
        found += session_entries(lab, lab_sessions, url_for("labs.detail", slug=lab.slug))
    found.sort(key=lambda e: (e.occurrence.start, e.title))
    return found


def lab_label() -> str:
    """How a lab's entry is labelled, translated once per language (listing's rows share it)."""
    return per_language("lab label", lambda: str(LAB_LABEL))


def session_entries(lab, sessions, url: str) -> list[Entry]:
    """A lab's sessions as entries; `url`: its lab's page. The lab's words are read once."""
    title, place, label = lab.title, f"{lab.place_name}, {lab.town.name}", lab_label()
    found = []
    for s in sessions:
        occurrence = Occurrence(
            s.start_on, s.starts_at, s.ends_at, is_cancelled=s.is_cancelled, reason=s.cancel_reason
        )
        found.append(Entry(occurrence, title, url, place, label, s.cancel_reason))
    return found


def by_day(found: list[Entry], other_days=None) -> list[tuple[date, list[Entry]]]:
    """Entries grouped by their local date, in order; with other_days (days whose closed centers
    were folded into a count), those days too, with the entries they have or none."""
    days: dict[date, list[Entry]] = {}
    for entry in found:
        days.setdefault(entry.occurrence.start.date(), []).append(entry)
    if other_days:
        for day in other_days:
            days.setdefault(day, [])
        return sorted(days.items())
    return list(days.items())


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive values for timezone-aware columns; they are UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def feed_event(activity: Activity, url: str, time_of_day: str | None = None) -> FeedEvent:
    """The series as a feed shows it; with a time of day, only the dates starting then (as the pages)."""
    center = activity.center
    categories = (activity.audience_label, activity.category_label)
    description = activity.description
    if activity.is_cancelled and activity.cancel_reason:
        description = f"Annullata: {activity.cancel_reason}\n\n{description}"
    return FeedEvent(
        uid=activity.uid,
        title=activity.title,
        schedule=activity.schedule(),
        sequence=activity.sequence,
        stamp=as_utc(activity.updated_at),
        description=description.strip(),
        location=center.full_address,
        url=url,
        categories=categories,
        is_cancelled=activity.is_cancelled,
        starts_within=family.TIME_SLOTS.get(time_of_day) if time_of_day else None,
    )


def session_feed_event(session: LabSession, url: str) -> FeedEvent:
    lab = session.lab
    description = lab.description
    if session.is_cancelled and session.cancel_reason:
        description = f"Annullato: {session.cancel_reason}\n\n{description}"
    return FeedEvent(
        uid=session.uid, title=lab.title, schedule=session.schedule(), sequence=session.sequence,
        stamp=as_utc(session.updated_at), description=description.strip(), location=lab.place, url=url,
        categories=(str(LAB_LABEL), lab.theme_label), is_cancelled=session.is_cancelled,
    )  # fmt: skip


def fingerprint(filters: Filters, name: str, today: date) -> str:
    """A cheap summary that changes whenever anything in the feed changes (two queries)."""
    activities = (
        select(
            func.count(Activity.id),
            func.max(Activity.updated_at),
            func.coalesce(func.sum(Activity.sequence), 0),
        )
        .select_from(Activity)
        .join(Activity.center)
    )
    parts = [db.session.execute(filters.apply(activities)).one()]
    if filters.includes_labs:
        sessions = (
            select(
                func.count(LabSession.id),
                func.max(LabSession.updated_at),
                func.coalesce(func.sum(LabSession.sequence), 0),
            )
            .select_from(LabSession)
            .join(LabSession.lab)
        )
        parts.append(db.session.execute(filters.apply_sessions(sessions)).one())
    summary = "|".join(
        f"{count}:{seq}:{as_utc(stamp).isoformat() if stamp else '-'}" for count, stamp, seq in parts
    )
    return f"{today.isoformat()}|{summary}|{name}"


@dataclass(frozen=True)
class FeedHead:
    """What the database knows of a built feed, without its bytes."""

    fingerprint: str
    etag: str
    last_modified: datetime


def stored_head(key: str) -> FeedHead | None:
    """The stored feed's fingerprint, ETag and date: one small query that never reads the body."""
    row = db.session.execute(
        select(FeedCache.fingerprint, FeedCache.etag, FeedCache.last_modified).where(FeedCache.key == key)
    ).first()
    return FeedHead(row.fingerprint, row.etag, as_utc(row.last_modified)) if row else None


def stored_body(key: str, etag: str) -> bytes | None:
    """The stored bytes of a feed, if they are still those of this ETag."""
    return db.session.scalar(select(FeedCache.body).where(FeedCache.key == key, FeedCache.etag == etag))


def town_by_slug(slug: str) -> Town | None:
    return db.session.scalar(select(Town).where(Town.slug == slug))


def center_by_slug(slug: str) -> CivicCenter | None:
    return db.session.scalar(select(CivicCenter).where(CivicCenter.slug == slug))


def lab_by_slug(slug: str) -> Lab | None:
    """A public lab (drafts and trashed labs have no feed)."""
    lab = db.session.scalar(select(Lab).where(Lab.slug == slug))
    return lab if lab is not None and lab.is_public else None
