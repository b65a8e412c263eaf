"""Pacts, their beneficiary, commitments, diary, reviews, links and read log."""

import enum
from datetime import date, datetime

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
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.timeutil import utcnow
from app.platform.extensions import db
from app.platform.versioning import Versioned
from app.towns.models import Town

# The towns an operator works in (given by administrators).
operator_towns = Table(
    "pact_operator_towns",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("town_id", ForeignKey("towns.id", ondelete="CASCADE"), primary_key=True),
)
pact_areas = Table(
    "pact_areas",
    db.metadata,
    Column("pact_id", ForeignKey("pacts.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("vulnerability_areas.id", ondelete="RESTRICT"), primary_key=True),
)
# Operators who follow a pact beside its responsible operator.
pact_followers = Table(
    "pact_followers",
    db.metadata,
    Column("pact_id", ForeignKey("pacts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
pact_labs = Table(
    "pact_labs",
    db.metadata,
    Column("pact_id", ForeignKey("pacts.id", ondelete="CASCADE"), primary_key=True),
    Column("lab_id", ForeignKey("labs.id", ondelete="CASCADE"), primary_key=True),
)
pact_activities = Table(
    "pact_activities",
    db.metadata,
    Column("pact_id", ForeignKey("pacts.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
)
pact_groups = Table(
    "pact_groups",
    db.metadata,
    Column("pact_id", ForeignKey("pacts.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True),
)


class PactStatus(enum.StrEnum):
    DRAFT = "bozza"
    ACTIVE = "attivo"
    REVIEW = "in_verifica"
    CONCLUDED = "concluso"
    INTERRUPTED = "interrotto"


STATUS_LABELS = {
    PactStatus.DRAFT: _l("Bozza"),
    PactStatus.ACTIVE: _l("Attivo"),
    PactStatus.REVIEW: _l("In verifica"),
    PactStatus.CONCLUDED: _l("Concluso"),
    PactStatus.INTERRUPTED: _l("Interrotto"),
}
CLOSED = (PactStatus.CONCLUDED, PactStatus.INTERRUPTED)


class Outcome(enum.StrEnum):
    REACHED = "raggiunto"
    PARTLY = "in_parte"
    NOT_REACHED = "non_raggiunto"


OUTCOME_LABELS = {
    Outcome.REACHED: _l("Obiettivi raggiunti"),
    Outcome.PARTLY: _l("Obiettivi raggiunti in parte"),
    Outcome.NOT_REACHED: _l("Obiettivi non raggiunti"),
}

# Age bands: (code, label, lowest age, highest age or None).
AGE_BANDS = [
    ("0-17", _l("Minore (0–17 anni)"), 0, 17),
    ("18-29", _l("18–29 anni"), 18, 29),
    ("30-44", _l("30–44 anni"), 30, 44),
    ("45-64", _l("45–64 anni"), 45, 64),
    ("65-74", _l("65–74 anni"), 65, 74),
    ("75+", _l("75 anni e oltre"), 75, None),
]
AGE_BAND_LABELS = {code: label for code, label, _low, _high in AGE_BANDS}


class Party(enum.StrEnum):
    SERVICE = "servizio"
    PERSON = "persona"
    COMMUNITY = "comunita"


PARTY_LABELS = {
    Party.SERVICE: _l("Il servizio"),
    Party.PERSON: _l("La persona o la famiglia"),
    Party.COMMUNITY: _l("Un partner della comunità"),
}


class VulnerabilityArea(db.Model):
    """An area of vulnerability; administrators extend the list."""

    __tablename__ = "vulnerability_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())


class PactCounter(db.Model):
    """The last number given in a year: one row per year, locked while a pact is numbered."""

    __tablename__ = "pact_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Pact(Versioned, db.Model):
    __tablename__ = "pacts"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_pacts_year_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # PG-2026-014
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id", ondelete="RESTRICT"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=PactStatus.DRAFT, index=True)
    start_on: Mapped[date] = mapped_column(Date, index=True)
    goal: Mapped[str] = mapped_column(Text, default="")
    # The beneficiary: only what the work needs. Name and contact go at retention.
    beneficiary_name: Mapped[str] = mapped_column(String(120), default="")
    beneficiary_contact: Mapped[str] = mapped_column(String(200), default="")
    beneficiary_age: Mapped[int | None] = mapped_column(Integer)
    age_band: Mapped[str] = mapped_column(String(8))
    household_size: Mapped[int] = mapped_column(Integer, default=1)
    consent_version: Mapped[str] = mapped_column(String(16), default="")
    consent_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(16))
    interruption_reason: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    town: Mapped[Town] = relationship()
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    areas: Mapped[list[VulnerabilityArea]] = relationship(
        secondary=pact_areas, order_by=VulnerabilityArea.name
    )
    followers: Mapped[list[User]] = relationship(secondary=pact_followers, order_by=User.full_name)
    labs = relationship("Lab", secondary=pact_labs, order_by="Lab.title")
    activities = relationship("Activity", secondary=pact_activities, order_by="Activity.title")
    groups = relationship("WorkingGroup", secondary=pact_groups, order_by="WorkingGroup.name")
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="pact", cascade="all, delete-orphan", order_by="Commitment.id"
    )
    notes: Mapped[list["DiaryNote"]] = relationship(
        back_populates="pact",
        cascade="all, delete-orphan",
        order_by="(DiaryNote.written_on.desc(), DiaryNote.id.desc())",
    )
    reviews: Mapped[list["Review"]] = relationship(
        back_populates="pact", cascade="all, delete-orphan", order_by="(Review.planned_on, Review.id)"
    )

    def __repr__(self) -> str:
        return f"<Pact {self.number}>"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[PactStatus(self.status)])

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[Outcome(self.outcome)]) if self.outcome else ""

    @property
    def age_band_label(self) -> str:
        return str(AGE_BAND_LABELS.get(self.age_band, self.age_band))

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def operator_ids(self) -> set[int]:
        ids = {u.id for u in self.followers}
        if self.responsible_id:
            ids.add(self.responsible_id)
        return ids

    @property
    def next_review(self) -> "Review | None":
        return next((r for r in self.reviews if r.held_on is None), None)


class Commitment(db.Model):
    """What one side commits to: who, what, how often, until when."""

    __tablename__ = "pact_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pacts.id", ondelete="CASCADE"), index=True)
    party: Mapped[str] = mapped_column(String(16))
    who: Mapped[str] = mapped_column(String(120), default="")
    what: Mapped[str] = mapped_column(Text)
    frequency: Mapped[str] = mapped_column(String(80), default="")
    until_on: Mapped[date | None] = mapped_column(Date)
    pact: Mapped[Pact] = relationship(back_populates="commitments")

    @property
    def party_label(self) -> str:
        return str(PARTY_LABELS[Party(self.party)])


class DiaryNote(db.Model):
    __tablename__ = "pact_diary_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pacts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    written_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    pact: Mapped[Pact] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class ReviewResult(enum.StrEnum):
    ON_TRACK = "prosegue"
    REVISED = "rivisto"
    TO_CLOSE = "da_concludere"


REVIEW_RESULT_LABELS = {
    ReviewResult.ON_TRACK: _l("Il patto prosegue come previsto"),
    ReviewResult.REVISED: _l("Impegni rivisti"),
    ReviewResult.TO_CLOSE: _l("Si va verso la conclusione"),
}


class Review(db.Model):
    """A review meeting: planned on a date, then held with its outcome."""

    __tablename__ = "pact_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pacts.id", ondelete="CASCADE"), index=True)
    planned_on: Mapped[date] = mapped_column(Date)
    held_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    pact: Mapped[Pact] = relationship(back_populates="reviews")

    @property
    def result_label(self) -> str:
        return str(REVIEW_RESULT_LABELS[ReviewResult(self.result)]) if self.result else ""


class PactRead(db.Model):
    """Who read a pact's personal data, and when (shown to coordinators)."""

    __tablename__ = "pact_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pacts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(16))  # scheda, stampa, pdf
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user: Mapped[User | None] = relationship()
