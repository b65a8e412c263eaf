"""Voucher calls (bandi), their applications with the household, the protocol counter, the
ranking's fields, the vouchers and the ledger of their movements, and the log of coordinators'
reads of an application.

Money is integer cents. A voucher's balance is never stored: it is the sum of its movements
(assign +value, spend -amount, refund +amount, expire -remainder). `VoucherMovement.order_id`
is the order a spend or refund belongs to (foreign key to `conc_orders`, migration 0031).
"""

import enum
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.timeutil import ROME, utcnow
from app.platform.extensions import db
from app.towns.models import Town


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive UTC back."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


call_towns = Table(
    "voucher_call_towns",
    db.metadata,
    Column("call_id", ForeignKey("voucher_calls.id", ondelete="CASCADE"), primary_key=True),
    Column("town_id", ForeignKey("towns.id", ondelete="RESTRICT"), primary_key=True),
)


class VoucherCall(db.Model):
    """A call: budget and voucher value (cents), window (UTC instants, shown in Europe/Rome),
    eligible towns, criteria points, incompatible schemes, minimum weekly hours, validity."""

    __tablename__ = "voucher_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    budget_cents: Mapped[int] = mapped_column(Integer)
    voucher_cents: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    min_weekly_hours: Mapped[int] = mapped_column(Integer, default=25)
    validity_days: Mapped[int] = mapped_column(Integer, default=180)
    points_per_member: Mapped[int] = mapped_column(Integer, default=1)
    points_per_care_need: Mapped[int] = mapped_column(Integer, default=3)
    # [[isee_max_cents, points], ...] ascending: the first band whose ceiling holds the ISEE.
    isee_bands: Mapped[list] = mapped_column(JSON, default=list)
    incompatibilities: Mapped[list] = mapped_column(JSON, default=list)  # names of other schemes
    ranked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    towns: Mapped[list[Town]] = relationship(secondary=call_towns, order_by=Town.name)

    @property
    def opens(self) -> datetime:
        return _aware(self.opens_at)

    @property
    def closes(self) -> datetime:
        return _aware(self.closes_at)

    @property
    def first_day(self) -> date:
        return self.opens.astimezone(ROME).date()

    @property
    def last_day(self) -> date:
        """The last day applications are taken (the window ends at the following midnight)."""
        return (self.closes - timedelta(microseconds=1)).astimezone(ROME).date()

    def is_open(self, now: datetime) -> bool:
        return self.opens <= now < self.closes and self.ranked_at is None

    def is_closed(self, now: datetime) -> bool:
        return now >= self.closes


class Employment(enum.StrEnum):
    EMPLOYEE = "employee"
    SELF_EMPLOYED = "self_employed"


class Fund(enum.StrEnum):
    GESTIONE_SEPARATA = "gestione_separata"
    OTHER = "other"


class TownLink(enum.StrEnum):
    RESIDENCE = "residence"
    WORK = "work"


EMPLOYMENT_LABELS = {
    Employment.EMPLOYEE: _l("Lavoro dipendente"),
    Employment.SELF_EMPLOYED: _l("Lavoro autonomo"),
}
FUND_LABELS = {
    Fund.GESTIONE_SEPARATA: _l("INPS gestione separata"),
    Fund.OTHER: _l("Altra cassa previdenziale"),
}
TOWN_LINK_LABELS = {TownLink.RESIDENCE: _l("Residenza"), TownLink.WORK: _l("Lavoro")}


class ProtocolCounter(db.Model):
    """The last protocol number given in a year (PTT-YYYY-NNNN), incremented under a row lock."""

    __tablename__ = "voucher_protocol_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Application(db.Model):
    """An application (domanda) to a call, with the applicant's data as they declared it."""

    __tablename__ = "voucher_applications"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_voucher_applications_year_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("voucher_calls.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    fiscal_code: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(160))
    birth_date: Mapped[date] = mapped_column(Date)
    employment: Mapped[str] = mapped_column(String(16))
    weekly_hours: Mapped[int | None] = mapped_column(Integer)
    employer: Mapped[str] = mapped_column(String(160), default="")
    fund: Mapped[str] = mapped_column(String(24), default="")
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id", ondelete="RESTRICT"))
    town_link: Mapped[str] = mapped_column(String(16))
    isee_cents: Mapped[int] = mapped_column(Integer)
    isee_issued_on: Mapped[date] = mapped_column(Date)
    declarations: Mapped[list] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    points: Mapped[int | None] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)

    call: Mapped[VoucherCall] = relationship()
    user: Mapped[User | None] = relationship()
    town: Mapped[Town] = relationship()
    members: Mapped[list["HouseholdMember"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="HouseholdMember.id"
    )

    @property
    def household_size(self) -> int:
        return len(self.members)

    @property
    def care_needs(self) -> int:
        return sum(1 for m in self.members if m.care_needs)


class HouseholdMember(db.Model):
    """A person of the applicant's household (the applicant first). The call and the codice
    fiscale are repeated here: a household is the set of its members' codici fiscali."""

    __tablename__ = "voucher_household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("voucher_applications.id", ondelete="CASCADE"), index=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("voucher_calls.id", ondelete="CASCADE"))
    fiscal_code: Mapped[str] = mapped_column(String(16))
    age: Mapped[int] = mapped_column(Integer)
    care_needs: Mapped[bool] = mapped_column(default=False)

    application: Mapped[Application] = relationship(back_populates="members")

    __table_args__ = (Index("ix_voucher_household_members_call_code", "call_id", "fiscal_code"),)


class ApplicationRead(db.Model):
    """Who among the coordinators read an application's personal data, and when."""

    __tablename__ = "voucher_application_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("voucher_applications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(16))  # scheda, esportazione
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user: Mapped[User | None] = relationship()
    application: Mapped[Application] = relationship()


class Voucher(db.Model):
    """A voucher assigned to an application; its balance is the sum of its movements."""

    __tablename__ = "vouchers"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("voucher_calls.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("voucher_applications.id", ondelete="CASCADE"), unique=True
    )
    value_cents: Mapped[int] = mapped_column(Integer)
    assigned_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    expired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    call: Mapped[VoucherCall] = relationship()
    application: Mapped[Application] = relationship()


class Movement(enum.StrEnum):
    ASSIGN = "assign"
    SPEND = "spend"
    REFUND = "refund"
    EXPIRE = "expire"


class VoucherMovement(db.Model):
    """One line of a voucher's ledger: signed cents (+assign, -spend, +refund, -expire)."""

    __tablename__ = "voucher_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("vouchers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    cents: Mapped[int] = mapped_column(Integer)
    # The order paid (spend/refund).
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("conc_orders.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
