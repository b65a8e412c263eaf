"""Laboratori di Comunità: labs, their sessions, registrations and attendance."""

import enum
import uuid
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.calendar.occurrences import Schedule
from app.common.facts import FamilyFacts
from app.common.timeutil import ROME, utcnow
from app.platform.extensions import db
from app.platform.versioning import Versioned
from app.towns.models import Town, Zone

if TYPE_CHECKING:  # imported by name only: civic_centers' blueprint imports the agenda, which imports labs
    from app.civic_centers.models import CivicCenter

lab_makers = Table(
    "lab_makers",
    db.metadata,
    Column("lab_id", ForeignKey("labs.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class LabStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


LAB_STATUS_LABELS = {
    LabStatus.DRAFT: _l("Bozza"),
    LabStatus.OPEN: _l("Aperto alle iscrizioni"),
    LabStatus.CLOSED: _l("Chiuso"),
}

THEME_LABELS = {
    "conciliazione": _l("Conciliazione famiglia–lavoro"),
    "gas": _l("Gruppi di acquisto solidale"),
    "abitare": _l("Abitare e casa"),
    "animazione": _l("Animazione di quartiere"),
    "solitudine": _l("Contro la solitudine"),
    "lavoro": _l("Lavoro e competenze"),
    "altro": _l("Altro"),
}


class Lab(Versioned, FamilyFacts, db.Model):
    __tablename__ = "labs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str] = mapped_column(String(32), default="altro")
    status: Mapped[str] = mapped_column(String(16), default=LabStatus.DRAFT, index=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id", ondelete="RESTRICT"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("civic_centers.id", ondelete="SET NULL"))
    venue: Mapped[str] = mapped_column(String(200), default="")
    partners: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer, default=20)
    has_waiting_list: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Labs for children take names only with a guardian's consent; otherwise headcounts.
    is_for_children: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    town: Mapped[Town] = relationship()
    zone: Mapped[Zone | None] = relationship()
    center: Mapped["CivicCenter | None"] = relationship()
    makers: Mapped[list[User]] = relationship(secondary=lab_makers, order_by=User.full_name)
    sessions: Mapped[list["LabSession"]] = relationship(
        back_populates="lab",
        cascade="all, delete-orphan",
        order_by="LabSession.start_on, LabSession.start_time",
    )

    @property
    def is_public(self) -> bool:
        return self.deleted_at is None and self.status != LabStatus.DRAFT

    @property
    def status_label(self) -> str:
        return str(LAB_STATUS_LABELS[LabStatus(self.status)])

    @property
    def theme_label(self) -> str:
        return str(THEME_LABELS.get(self.theme, self.theme))

    @property
    def place_name(self) -> str:
        return self.center.name if self.center else (self.venue or self.town.name)

    @property
    def place(self) -> str:
        where = self.center.full_address if self.center else self.venue
        return where or self.town.name

    @property
    def address(self) -> str:
        """The place with its town, as a map looks it up."""
        return self.place if self.center or not self.venue else f"{self.venue}, {self.town.name}"


class LabSession(Versioned, db.Model):
    """One session of a lab, at a wall-clock date and time in Europe/Rome."""

    __tablename__ = "lab_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=lambda: f"{uuid.uuid4()}@legami")
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    is_cancelled: Mapped[bool] = mapped_column(default=False, server_default=false())
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    # People counted at the door, for open events and children's sessions.
    headcount: Mapped[int | None]
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    lab: Mapped[Lab] = relationship(back_populates="sessions")
    attendances: Mapped[list["LabAttendance"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start_on, self.start_time, ROME)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.start_on, self.end_time, ROME)

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now

    def schedule(self) -> Schedule:
        return Schedule(start_on=self.start_on, start_time=self.start_time, end_time=self.end_time)

    def touch(self) -> None:
        self.sequence = (self.sequence or 0) + 1
        self.updated_at = utcnow()


class RegistrationStatus(enum.StrEnum):
    # A sign-up with an e-mail is pending until the address's owner confirms it from the message:
    # PENDING holds a place for LAB_SIGNUP_HOLD_MINUTES from created_at, PENDING_WAITING (the lab
    # was full) joins the waiting list once confirmed (registrations.confirm).
    PENDING = "pending"
    PENDING_WAITING = "pending_waiting"
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    WITHDRAWN = "withdrawn"


UNCONFIRMED = (RegistrationStatus.PENDING, RegistrationStatus.PENDING_WAITING)


ACTIVE_EMAIL_KEY = "status != 'withdrawn' AND contact_key NOT LIKE 'tel:%'"


class Registration(db.Model):
    """A resident's sign-up; an account is not required. Never shown publicly."""

    __tablename__ = "lab_registrations"
    __table_args__ = (
        # One active sign-up per e-mail and lab; a withdrawn one may sign up again. Phone-only
        # sign-ups ('tel:' keys) may repeat: siblings share a phone (registrations.register).
        Index(
            "uq_lab_registrations_active_contact",
            "lab_id",
            "contact_key",
            unique=True,
            sqlite_where=text(ACTIVE_EMAIL_KEY),
            postgresql_where=text(ACTIVE_EMAIL_KEY),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    contact_key: Mapped[str] = mapped_column(String(254))
    note: Mapped[str] = mapped_column(String(500), default="")
    guardian_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(16), index=True)
    # Only a hash is kept: the link in the confirmation page is the secret.
    withdraw_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    lab: Mapped[Lab] = relationship()


class LabAttendance(db.Model):
    """Who came to a session: a registrant, or a walk-in by name."""

    __tablename__ = "lab_attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lab_sessions.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("lab_registrations.id", ondelete="CASCADE")
    )
    walk_in_name: Mapped[str] = mapped_column(String(120), default="")

    session: Mapped[LabSession] = relationship(back_populates="attendances")
    registration: Mapped[Registration | None] = relationship()
