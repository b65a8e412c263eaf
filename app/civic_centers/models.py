"""Civic Centers, their recurring activities, closures and one-off changes."""

import enum
import uuid
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.calendar.occurrences import Change, Recurrence, Schedule
from app.common.facts import FamilyFacts
from app.common.timeutil import utcnow
from app.platform.extensions import db
from app.platform.versioning import Versioned
from app.towns.models import Town, Zone

center_managers = Table(
    "center_managers",
    db.metadata,
    Column("center_id", ForeignKey("civic_centers.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class CenterKind(enum.StrEnum):
    SCHOOL = "school"
    ORATORIO = "oratorio"
    LIBRARY = "library"
    OTHER = "other"


CENTER_KIND_LABELS = {
    CenterKind.SCHOOL: _l("Scuola"),
    CenterKind.ORATORIO: _l("Oratorio"),
    CenterKind.LIBRARY: _l("Biblioteca"),
    CenterKind.OTHER: _l("Altro"),
}


class Audience(enum.StrEnum):
    CHILDREN = "children"
    TEENAGERS = "teenagers"
    ADULTS = "adults"
    ELDERLY = "elderly"
    EVERYONE = "everyone"


AUDIENCE_LABELS = {
    Audience.CHILDREN: _l("Bambini"),
    Audience.TEENAGERS: _l("Ragazzi"),
    Audience.ADULTS: _l("Adulti"),
    Audience.ELDERLY: _l("Anziani"),
    Audience.EVERYONE: _l("Tutti"),
}
# The public URL words of /ical/pubblico/<audience>.ics.
AUDIENCE_SLUGS = {
    Audience.CHILDREN: "bambini",
    Audience.TEENAGERS: "ragazzi",
    Audience.ADULTS: "adulti",
    Audience.ELDERLY: "anziani",
    Audience.EVERYONE: "tutti",
}

CATEGORY_LABELS = {
    "doposcuola": _l("Doposcuola e compiti"),
    "sport": _l("Sport e movimento"),
    "cultura": _l("Cultura e lettura"),
    "musica": _l("Musica e teatro"),
    "laboratorio": _l("Laboratori creativi"),
    "gioco": _l("Gioco e animazione"),
    "incontro": _l("Incontri e socialità"),
    "salute": _l("Salute e benessere"),
    "digitale": _l("Competenze digitali"),
    "altro": _l("Altro"),
}


class ActivityStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class CivicCenter(Versioned, db.Model):
    __tablename__ = "civic_centers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=CenterKind.OTHER)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id", ondelete="RESTRICT"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    town: Mapped[Town] = relationship()
    zone: Mapped[Zone | None] = relationship()
    managers: Mapped[list[User]] = relationship(secondary=center_managers, order_by=User.full_name)
    closures: Mapped[list["Closure"]] = relationship(
        back_populates="center", cascade="all, delete-orphan", order_by="Closure.start_on"
    )

    @property
    def kind_label(self) -> str:
        return str(CENTER_KIND_LABELS[CenterKind(self.kind)])

    @property
    def full_address(self) -> str:
        return f"{self.name}, {self.address}, {self.town.name}"

    def closed_dates(self) -> frozenset[date]:
        days = set()
        for closure in self.closures:
            days.update(closure.days())
        return frozenset(days)

    def closed_reasons(self) -> dict[date, str]:
        """Each closed day's reason (the first closure's, when two overlap)."""
        reasons: dict[date, str] = {}
        for closure in self.closures:
            for day in closure.days():
                reasons.setdefault(day, closure.reason)
        return reasons


class Closure(db.Model):
    """A holiday closure: every activity of the center skips these dates."""

    __tablename__ = "center_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("civic_centers.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    center: Mapped[CivicCenter] = relationship(back_populates="closures")

    def days(self) -> list[date]:
        from datetime import timedelta

        return [self.start_on + timedelta(days=n) for n in range((self.end_on - self.start_on).days + 1)]


def _new_uid() -> str:
    return f"{uuid.uuid4()}@legami"


class Activity(Versioned, FamilyFacts, db.Model):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The iCalendar UID: chosen once, never changes, so calendar apps keep one event.
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=_new_uid)
    center_id: Mapped[int] = mapped_column(ForeignKey("civic_centers.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(16), index=True)
    category: Mapped[str] = mapped_column(String(32), default="altro")
    status: Mapped[str] = mapped_column(String(16), default=ActivityStatus.DRAFT, index=True)
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    start_on: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    freq: Mapped[str] = mapped_column(String(16), default="none")
    interval: Mapped[int] = mapped_column(Integer, default=1)
    weekdays: Mapped[str] = mapped_column(String(20), default="")  # "0,2" = Monday, Wednesday
    month_week: Mapped[int | None]
    month_weekday: Mapped[int | None]
    until_on: Mapped[date | None] = mapped_column(Date)
    count: Mapped[int | None]
    registration_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    accompanying_adult_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    capacity: Mapped[int | None]
    # Bumped on every change, so calendar apps replace their copy.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    center: Mapped[CivicCenter] = relationship()
    changes: Mapped[list["OccurrenceChange"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="OccurrenceChange.original_on"
    )

    @property
    def audience_label(self) -> str:
        return str(AUDIENCE_LABELS[Audience(self.audience)])

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))

    @property
    def is_public(self) -> bool:
        return self.deleted_at is None and self.status != ActivityStatus.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == ActivityStatus.CANCELLED

    @property
    def recurrence(self) -> Recurrence:
        return Recurrence(
            freq=self.freq,
            interval=self.interval,
            weekdays=tuple(int(d) for d in self.weekdays.split(",") if d),
            month_week=self.month_week,
            month_weekday=self.month_weekday,
            until=self.until_on,
            count=self.count,
        )

    def schedule(self) -> Schedule:
        """The activity as plain data for expansion and feeds (needs center.closures loaded)."""
        return Schedule(
            start_on=self.start_on,
            start_time=self.start_time,
            end_time=self.end_time,
            recurrence=self.recurrence,
            skipped=self.center.closed_dates(),
            changes={c.original_on: c.as_change() for c in self.changes},
            closed_reasons=self.center.closed_reasons(),
        )

    def touch(self) -> None:
        """Record a change that calendar apps must pick up."""
        self.sequence = (self.sequence or 0) + 1
        self.updated_at = utcnow()


class OccurrenceChange(db.Model):
    """One occurrence of an activity cancelled (with a reason) or moved."""

    __tablename__ = "occurrence_changes"
    __table_args__ = (
        UniqueConstraint("activity_id", "original_on", name="uq_occurrence_changes_activity_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    original_on: Mapped[date] = mapped_column(Date)
    is_cancelled: Mapped[bool] = mapped_column(default=False, server_default=false())
    reason: Mapped[str] = mapped_column(String(200), default="")
    new_start: Mapped[datetime | None] = mapped_column(DateTime)  # naive Europe/Rome wall clock
    new_end: Mapped[datetime | None] = mapped_column(DateTime)
    activity: Mapped[Activity] = relationship(back_populates="changes")

    def as_change(self) -> Change:
        return Change(
            is_cancelled=self.is_cancelled, reason=self.reason, new_start=self.new_start, new_end=self.new_end
        )


class ActivityHeadcount(db.Model):
    """People counted at one date of an activity, entered by the center's manager (optional).

    Keyed by the planned date (original_on), like OccurrenceChange, so a moved
    date keeps its count; the coordinators' figures add these to the labs'.
    """

    __tablename__ = "activity_headcounts"
    __table_args__ = (
        UniqueConstraint("activity_id", "original_on", name="uq_activity_headcounts_activity_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    original_on: Mapped[date] = mapped_column(Date)
    headcount: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
