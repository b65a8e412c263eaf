"""Per il tuo tempo, the marketplace: accredited providers and their staff, service categories,
services with their two prices, the alliance of employers with their confirmed employees, and
orders.

Money is integer cents (app/conciliation/money.py). An order records what it costs and who pays
what: `voucher_cents` from a voucher (`voucher_id`, a plain integer for now: the vouchers' table
and the foreign key to it arrive with the vouchers spent on orders) and `family_cents`, paid by
the family directly to the provider (there is no online payment)."""

import enum
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
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
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.timeutil import ROME, utcnow
from app.platform.extensions import db
from app.platform.versioning import Versioned
from app.towns.models import Town

provider_towns = Table(
    "conc_provider_towns",
    db.metadata,
    Column("provider_id", ForeignKey("conc_providers.id", ondelete="CASCADE"), primary_key=True),
    Column("town_id", ForeignKey("towns.id", ondelete="CASCADE"), primary_key=True),
)

service_towns = Table(
    "conc_service_towns",
    db.metadata,
    Column("service_id", ForeignKey("conc_services.id", ondelete="CASCADE"), primary_key=True),
    Column("town_id", ForeignKey("towns.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ProviderState(enum.StrEnum):
    REQUESTED = "requested"
    ACCREDITED = "accredited"
    SUSPENDED = "suspended"


PROVIDER_STATE_LABELS = {
    ProviderState.REQUESTED: _l("Accreditamento richiesto"),
    ProviderState.ACCREDITED: _l("Accreditato"),
    ProviderState.SUSPENDED: _l("Sospeso"),
}


class Provider(Versioned, db.Model):
    """A seller of services (a social cooperative, a consortium), accredited by a coordinator."""

    __tablename__ = "conc_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    # Partita IVA (11 digits) or codice fiscale (16 characters), upper case, checked on entry.
    tax_code: Mapped[str] = mapped_column(String(16), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=ProviderState.REQUESTED, index=True)
    state_reason: Mapped[str] = mapped_column(String(300), default="")
    state_on: Mapped[date | None] = mapped_column(Date)
    state_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    towns: Mapped[list[Town]] = relationship(secondary=provider_towns, order_by=Town.name)
    staff_links: Mapped[list["ProviderStaff"]] = relationship(
        back_populates="provider", cascade="all, delete-orphan"
    )

    @property
    def is_accredited(self) -> bool:
        return self.state == ProviderState.ACCREDITED

    @property
    def state_label(self) -> str:
        return str(PROVIDER_STATE_LABELS[ProviderState(self.state)])


class ProviderStaff(db.Model):
    """A person who works for a provider on the portal: manages its catalogue and its orders."""

    __tablename__ = "conc_provider_staff"

    provider_id: Mapped[int] = mapped_column(
        ForeignKey("conc_providers.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    provider: Mapped[Provider] = relationship(back_populates="staff_links")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ServiceCategory(db.Model):
    """Stireria, maggiordomo, baby sitting...: seeded by the migration, extended by coordinators."""

    __tablename__ = "conc_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


# The categories every installation starts with (the migration inserts them; demo and tests too).
SEED_CATEGORIES = [
    ("stireria", "Stireria"),
    ("maggiordomo-aziendale", "Maggiordomo aziendale"),
    ("maggiordomo-di-via", "Maggiordomo di via"),
    ("maggiordomo-di-comunita", "Maggiordomo di comunità"),
    ("baby-sitting", "Baby sitting"),
    ("pulizie", "Pulizie"),
    ("consegna-spesa", "Consegna a domicilio della spesa"),
    ("consegna-farmaci", "Consegna a domicilio dei farmaci"),
]


class Unit(enum.StrEnum):
    HOUR = "hour"
    PIECE = "piece"
    KG = "kg"
    VISIT = "visit"


UNIT_LABELS = {
    Unit.HOUR: _l("ora"),
    Unit.PIECE: _l("capo"),
    Unit.KG: _l("kg"),
    Unit.VISIT: _l("visita"),
}


QUANTITY_LABELS = {
    Unit.HOUR: lambda n: ngettext("%(num)d ora", "%(num)d ore", n),
    Unit.PIECE: lambda n: ngettext("%(num)d capo", "%(num)d capi", n),
    Unit.KG: lambda n: ngettext("%(num)d kg", "%(num)d kg", n),
    Unit.VISIT: lambda n: ngettext("%(num)d visita", "%(num)d visite", n),
}


class Service(Versioned, db.Model):
    """One offer of a provider's catalogue, bookable on some weekdays between two times."""

    __tablename__ = "conc_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("conc_providers.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("conc_categories.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(8), default=Unit.HOUR)
    full_cents: Mapped[int] = mapped_column(Integer)
    alliance_cents: Mapped[int] = mapped_column(Integer)
    lead_hours: Mapped[int] = mapped_column(Integer, default=24)
    # Bookable weekdays, Monday = 0: "0,1,2,3,4".
    weekdays: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    opens_at: Mapped[time] = mapped_column(Time)
    closes_at: Mapped[time] = mapped_column(Time)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    provider: Mapped[Provider] = relationship()
    category: Mapped[ServiceCategory] = relationship()
    towns: Mapped[list[Town]] = relationship(secondary=service_towns, order_by=Town.name)

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS[Unit(self.unit)])

    def quantity_label(self, quantity: int) -> str:
        """ "1 ora", "3 ore", "2 capi", "5 kg", "2 visite"."""
        return QUANTITY_LABELS[Unit(self.unit)](quantity)

    @property
    def weekday_numbers(self) -> list[int]:
        return [int(d) for d in self.weekdays.split(",") if d.strip().isdigit()]


class AllianceCompany(Versioned, db.Model):
    """An employer of the alliance: its employees pay the alliance price while it is a member."""

    __tablename__ = "conc_alliance_companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    # The company's e-mail domains, lower case, comma-separated: "latteria.example,latteria.it".
    domains: Mapped[str] = mapped_column(String(300), default="")
    hr_name: Mapped[str] = mapped_column(String(120), default="")
    hr_email: Mapped[str] = mapped_column(String(254), default="")
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    @property
    def domain_list(self) -> list[str]:
        return [d.strip() for d in self.domains.split(",") if d.strip()]

    def is_member_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


class EmployeeState(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"


class AllianceEmployee(db.Model):
    """A resident's claim to work for an alliance company, confirmed by a signed link sent to their
    work address (`method` "domain") or by the company's HR contact (`method` "hr")."""

    __tablename__ = "conc_alliance_employees"
    __table_args__ = (
        UniqueConstraint("company_id", "user_id", name="uq_conc_alliance_employees_company_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("conc_alliance_companies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    work_email: Mapped[str] = mapped_column(String(254), default="")
    method: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(12), default=EmployeeState.PENDING)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    company: Mapped[AllianceCompany] = relationship()
    user: Mapped[User] = relationship()


class OrderState(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


ORDER_STATE_LABELS = {
    OrderState.REQUESTED: _l("In attesa di risposta"),
    OrderState.ACCEPTED: _l("Accettato"),
    OrderState.REFUSED: _l("Rifiutato"),
    OrderState.DELIVERED: _l("Svolto"),
    OrderState.CANCELLED: _l("Annullato"),
}


class Order(Versioned, db.Model):
    """A resident's order of a service for a day and a start time. Prices are copied in at ordering:
    later changes to the catalogue do not change what was agreed."""

    __tablename__ = "conc_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("conc_services.id", ondelete="RESTRICT"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("conc_providers.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id", ondelete="RESTRICT"))
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cents: Mapped[int] = mapped_column(Integer)
    is_alliance_price: Mapped[bool] = mapped_column(default=False, server_default=false())
    total_cents: Mapped[int] = mapped_column(Integer)
    # Voucher money used (min(balance, total) when the resident chose a voucher) and the rest the
    # family pays the provider directly.
    voucher_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    family_cents: Mapped[int] = mapped_column(Integer)
    # The voucher spent, if any (its ledger holds the spend and any refund for this order).
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("vouchers.id", ondelete="RESTRICT"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(12), default=OrderState.REQUESTED)
    refusal_reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    service: Mapped[Service] = relationship()
    provider: Mapped[Provider] = relationship()
    user: Mapped[User] = relationship()
    town: Mapped[Town] = relationship()

    __table_args__ = (db.Index("ix_conc_orders_provider_day", "provider_id", "day"),)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.start_time, ROME)

    @property
    def state_label(self) -> str:
        return str(ORDER_STATE_LABELS[OrderState(self.state)])

    @property
    def is_open(self) -> bool:
        return self.state in (OrderState.REQUESTED, OrderState.ACCEPTED)
