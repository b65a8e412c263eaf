"""Built feeds, kept in the database so every worker process shares them."""

from datetime import date, datetime, time

from sqlalchemy import (
    DDL,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.common.timeutil import utcnow
from app.platform.extensions import db


class FeedCache(db.Model):
    """The bytes of one feed, valid while its fingerprint is unchanged."""

    __tablename__ = "feed_cache"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(200))
    etag: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    last_modified: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# PostgreSQL compresses large values by default: a 1 MB feed took ~10 ms more to write
# (bench/README.md). Kept uncompressed; the migration (0014) does the same for existing databases.
UNCOMPRESSED_BODY = "ALTER TABLE feed_cache ALTER COLUMN body SET STORAGE EXTERNAL"
event.listen(FeedCache.__table__, "after_create", DDL(UNCOMPRESSED_BODY).execute_if(dialect="postgresql"))


class EventFragment(db.Model):
    """The serialised VEVENTs of one series, reused by every feed that lists it.

    Valid while the series' version (sequence, last change, URL) is the same,
    for feeds built between `horizon_from` and `horizon_to` (their today): on
    those days the series is in every feed that lists it, or, with an empty
    body, in none (no date of it within the horizon).
    """

    __tablename__ = "event_fragments"

    uid: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[str] = mapped_column(String(300))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    horizon_from: Mapped[date] = mapped_column(Date)
    horizon_to: Mapped[date] = mapped_column(Date)


class PersonalFeedToken(db.Model):
    """The secret in a member's personal meetings feed URL; replacing it retires the old URL."""

    __tablename__ = "personal_feed_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OccurrenceStatus:
    REGULAR = "regular"
    CANCELLED = "cancelled"
    MOVED_FROM = "moved-from"  # the original date of a moved occurrence: not shown
    MOVED_TO = "moved-to"  # where it happens instead
    CLOSED = "closed"  # the center is closed that day: not shown
    SHOWN = (REGULAR, CANCELLED, MOVED_TO)
    HELD = (REGULAR, MOVED_TO)


CLOSED_ROWS = f"status = '{OccurrenceStatus.CLOSED}'"
SHOWN_ROWS = f"status <> '{OccurrenceStatus.CLOSED}'"


class CalendarOccurrence(db.Model):
    """One stored occurrence of an activity series or a lab session (app/agenda/store.py writes them).

    The rule stays the source of truth (feeds serialise it); these rows are
    what the pages and the dashboard read, by date range, with indexed SQL.
    Wall-clock values are naive Europe/Rome, as the series themselves.
    """

    __tablename__ = "occurrences"
    __table_args__ = (
        # Each day in the pages' order (time, title), with the status: a day's first rows come
        # without a sort, and the counts per day from the index alone.
        Index("ix_occurrences_public_day", "is_public", "day", "starts_at", "title", "status"),
        # The same without the closed rows (a school's Christmas holidays are a third of a December
        # day's rows): a day's first rows with no row skipped, its count from the index alone.
        Index(
            "ix_occurrences_shown_day",
            "is_public",
            "day",
            "starts_at",
            "title",
            "id",
            postgresql_include=["status"],
            postgresql_where=text(SHOWN_ROWS),
            sqlite_where=text(SHOWN_ROWS),
        ),
        Index("ix_occurrences_town_day", "town_id", "day"),
        Index("ix_occurrences_center_day", "center_id", "day"),
        # The closed days (app/agenda/changes.py): a few rows in a hundred, read by every calendar
        # page, grouped by day and center in this order, mostly without reading the table.
        Index(
            "ix_occurrences_closed_day",
            "day",
            "center_id",
            postgresql_include=["is_public", "town_id", "reason", "place", "path"],
            postgresql_where=text(CLOSED_ROWS),
            sqlite_where=text(CLOSED_ROWS),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("lab_sessions.id", ondelete="CASCADE"), index=True
    )
    lab_id: Mapped[int | None] = mapped_column(Integer)
    center_id: Mapped[int | None] = mapped_column(Integer)
    town_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)  # the local date it happens (a moved one: its new date)
    original_on: Mapped[date] = mapped_column(Date)  # the date the rule gives
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    is_moved: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(32))
    is_public: Mapped[bool] = mapped_column(default=False)
    # A family's filters (app/agenda/family_filters.py): the series' facts, and the local start time.
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    is_free: Mapped[bool] = mapped_column(default=True)
    registration_required: Mapped[bool] = mapped_column(default=False)
    start_time: Mapped[time] = mapped_column(Time)
    title: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(330))
    path: Mapped[str] = mapped_column(String(300))  # the page's path, without the script root


class ActivityDayTotal(db.Model):
    """Per day and town: the public civic-center activity dates held there (regular, or moved to
    that day), their length in seconds and the people counted at them. The store counts the days
    a change touches again, in the change's transaction (app/agenda/store.py); the dashboard
    reads past days here, so a year costs 365 rows a town whatever the district holds."""

    __tablename__ = "activity_day_totals"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    town_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    held: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    headcount: Mapped[int] = mapped_column(Integer, default=0)  # people counted, where someone counted
    counted: Mapped[int] = mapped_column(Integer, default=0)  # dates with a headcount


class OccurrenceHorizon(db.Model):
    """How far ahead the stored occurrences reach (one row; `flask occurrences extend` moves it)."""

    __tablename__ = "occurrence_horizon"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_day: Mapped[date] = mapped_column(Date)


class SearchEntry(db.Model):
    """One public thing a family can find by its words: an activity, a lab or a center.

    Written by app/agenda/search.py in the transaction of every change to what it reads; searched
    through PostgreSQL's Italian full text or SQLite's FTS5 (the DDL is in that module)."""

    __tablename__ = "search_entries"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "activity", "lab", "center"
    ref_id: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text, default="")
