"""Building a public feed's bytes: stored fragments reused, only changed series examined again.

One query per kind of series (activities, lab sessions) reads, for every
series a feed lists, its version (sequence, last change, URL) beside its
stored fragment (`EventFragment`) and the days that fragment holds for. A
series whose fragment is current costs a string comparison; only the others
are loaded as objects, turned into plain data and serialised, so a feed after
one change costs that series, not the 2,000 others. Every change that a
series' events show (its rule, exceptions, center, closures, place) bumps its
sequence (`touch()`), which is what makes the version enough.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import literal, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload, selectinload

from app.agenda.models import EventFragment, FeedCache
from app.agenda.services import FeedHead, Filters, as_utc, feed_event, session_feed_event
from app.calendar.ical import assemble, event_fragment, horizon, horizon_window
from app.civic_centers.models import Activity, CivicCenter
from app.common.timeutil import utcnow
from app.labs.models import Lab, LabSession
from app.platform.extensions import db

FRAGMENT = (EventFragment.version, EventFragment.horizon_from, EventFragment.horizon_to, EventFragment.body)


@dataclass(frozen=True)
class BuiltFeed:
    body: bytes
    etag: str
    last_modified: datetime


@dataclass(frozen=True)
class _Stale:
    """A series whose stored fragment is missing, out of date, or not valid today."""

    index: int
    id: int
    version: str
    url: str
    body: bytes = b""  # its stored events when only the window ran out (same version): reused


def build_feed(
    key: str, filters: Filters, name: str, today: date, print_: str, head: FeedHead | None,
    url_for_activity, url_for_lab,
) -> BuiltFeed:  # fmt: skip
    """Build the feed's bytes and store them, and the fragments built on the way, for every process.

    url_for_activity(center_slug, activity_id) and url_for_lab(lab_slug) give the events' URLs.
    """
    first, last = horizon(today)
    bodies: list[bytes | None] = []
    stale_activities = _reuse(_activity_rows(filters), bodies, today, url_for_activity)
    slot = filters.time_of_day
    sessions = _session_rows(filters, first, last)
    stale_sessions = _reuse(sessions, bodies, today, lambda slug, _id: url_for_lab(slug))
    fresh = [
        _rebuilt(stale, feed_event(activity, stale.url, slot), bodies, today, _key(slot))
        for stale, activity in _load(Activity, stale_activities, _activity_options())
    ]
    fresh += [
        _rebuilt(stale, session_feed_event(session, stale.url), bodies, today)
        for stale, session in _load(LabSession, stale_sessions, _session_options())
    ]
    body = assemble(name, [b for b in bodies if b], today)
    etag = hashlib.sha256(body).hexdigest()[:32]
    built = BuiltFeed(body, etag, _last_modified(head, etag))
    _store(key, print_, built, fresh)
    return built


def _key(slot: str | None):
    """The stored fragment's key: a feed filtered by time of day keeps its own (its moved dates differ)."""
    return (lambda uid: f"{slot}:{uid}") if slot else (lambda uid: uid)


def _activity_rows(filters: Filters) -> list:
    """Every activity the feed lists, in the feed's order, with its stored fragment (one query)."""
    key = Activity.uid if not filters.time_of_day else literal(f"{filters.time_of_day}:") + Activity.uid
    query = (
        select(Activity.id, Activity.uid, Activity.sequence, Activity.updated_at, CivicCenter.slug, *FRAGMENT)
        .join(Activity.center)
        .outerjoin(EventFragment, EventFragment.uid == key)
        .order_by(Activity.id)
    )
    return db.session.execute(filters.apply(query)).all()


def _session_rows(filters: Filters, first: date, last: date) -> list:
    """Every lab session within the horizon the feed lists, in order, with its stored fragment."""
    if not filters.includes_labs:
        return []
    query = (
        select(LabSession.id, LabSession.uid, LabSession.sequence, LabSession.updated_at, Lab.slug, *FRAGMENT)
        .join(LabSession.lab)
        .join(Lab.town)
        .outerjoin(EventFragment, EventFragment.uid == LabSession.uid)
        .where(LabSession.start_on >= first, LabSession.start_on <= last)
        .order_by(LabSession.start_on, LabSession.start_time, LabSession.id)
    )
    return db.session.execute(filters.apply_sessions(query)).all()


def _reuse(rows: list, bodies: list, today: date, url_for) -> list[_Stale]:
    """Append each series' stored bytes to bodies (b"": not in the feed today); the rest are stale.

    url_for(slug, id) gives the series' URL. Rows are unpacked as tuples: this
    loop runs for every series of the feed, so it is kept to a few microseconds each.
    """
    stale = []
    for id_, _uid, sequence, updated_at, slug, stored, horizon_from, horizon_to, body in rows:
        url = url_for(slug, id_)
        version = f"{sequence}|{as_utc(updated_at).isoformat()}|{url}"
        if stored == version and horizon_from <= today <= horizon_to:
            bodies.append(body)
        else:
            stale.append(_Stale(len(bodies), id_, version, url, body if stored == version else b""))
            bodies.append(None)
    return stale


def _activity_options():
    return (
        joinedload(Activity.center).joinedload(CivicCenter.town),
        joinedload(Activity.center).selectinload(CivicCenter.closures),
        selectinload(Activity.changes),
    )


def _session_options():
    lab = joinedload(LabSession.lab)
    return (lab.joinedload(Lab.town), lab.selectinload(Lab.center).joinedload(CivicCenter.town))


def _load(model, stale: list[_Stale], options) -> list[tuple[_Stale, object]]:
    """The stale series as objects, with what their events show (a fixed number of queries)."""
    if not stale:
        return []
    query = select(model).where(model.id.in_([s.id for s in stale])).options(*options)
    found = {item.id: item for item in db.session.scalars(query).unique()}
    return [(s, found[s.id]) for s in stale if s.id in found]


def _rebuilt(stale: _Stale, event, bodies: list, today: date, key=_key(None)) -> dict:
    """Serialise one series (when the feed shows it today) and say for which days that holds."""
    shown, horizon_from, horizon_to = horizon_window(event, today)
    body = (stale.body or event_fragment(event)) if shown else b""
    bodies[stale.index] = body
    return {
        "uid": key(event.uid), "version": stale.version, "body": body,
        "horizon_from": horizon_from, "horizon_to": horizon_to,
    }  # fmt: skip


def _last_modified(cached: FeedHead | None, etag: str) -> datetime:
    """When the bytes last changed: kept when they did not, otherwise now.

    Not the newest change among the events: an event that leaves the feed
    (trashed, back to draft, past the horizon) changes the bytes without
    leaving a newer date behind. HTTP dates count whole seconds, so a second
    change within the same second still moves the date forward.
    """
    now = utcnow().replace(microsecond=0)
    if cached is None:
        return now
    previous = cached.last_modified.replace(microsecond=0)
    if cached.etag == etag:
        return previous
    return max(now, previous + timedelta(seconds=1))


def _upsert(model, rows: list[dict], key: str) -> None:
    """Insert or replace rows by their key, in one executemany round."""
    if not rows:
        return
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(model)
    columns = [name for name in rows[0] if name != key]
    statement = statement.on_conflict_do_update(
        index_elements=[getattr(model, key)], set_={name: statement.excluded[name] for name in columns}
    )
    db.session.connection().execute(statement, rows)


def _store(key: str, print_: str, built: BuiltFeed, fragments: list[dict]) -> None:
    """Upsert the feed and its new fragments in one short transaction; a failure only costs a rebuild."""
    feed = {
        "key": key, "fingerprint": print_, "etag": built.etag, "body": built.body,
        "last_modified": built.last_modified, "built_at": utcnow(),
    }  # fmt: skip
    db.session.rollback()  # end the read transaction: the write starts fresh
    try:
        if db.engine.dialect.name == "postgresql":
            # A cache: a crash that loses the last write costs a rebuild, so the commit need not wait for the disk.
            db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        _upsert(FeedCache, [feed], "key")
        _upsert(EventFragment, fragments, "uid")
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
