"""Monthly statements: what a provider is owed for its delivered orders paid (partly) by vouchers
in a month. A statement is a draft until a coordinator approves it for reimbursement; its lines
copy each order's figures, so an approved statement is frozen whatever happens to the orders."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.timeutil import utcnow
from app.conciliation.models import Provider
from app.platform.extensions import db
from app.platform.versioning import Versioned


class StatementState(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


STATEMENT_STATE_LABELS = {
    StatementState.DRAFT: _l("Da approvare"),
    StatementState.APPROVED: _l("Approvato per il rimborso"),
}


class Statement(Versioned, db.Model):
    """A provider's statement for a month (`month` is its first day)."""

    __tablename__ = "conc_statements"
    __table_args__ = (UniqueConstraint("provider_id", "month", name="uq_conc_statements_provider_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("conc_providers.id", ondelete="RESTRICT"))
    month: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default=StatementState.DRAFT)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    provider: Mapped[Provider] = relationship()
    approved_by: Mapped[User | None] = relationship()
    lines: Mapped[list["StatementLine"]] = relationship(
        back_populates="statement",
        cascade="all, delete-orphan",
        order_by="StatementLine.day, StatementLine.id",
    )

    @property
    def state_label(self) -> str:
        return str(STATEMENT_STATE_LABELS[StatementState(self.state)])

    @property
    def is_approved(self) -> bool:
        return self.state == StatementState.APPROVED

    @property
    def voucher_cents(self) -> int:
        return sum(line.voucher_cents for line in self.lines)

    @property
    def family_cents(self) -> int:
        return sum(line.family_cents for line in self.lines)


class StatementLine(db.Model):
    """One delivered order of the statement, its figures copied from the order."""

    __tablename__ = "conc_statement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("conc_statements.id", ondelete="CASCADE"), index=True
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("conc_orders.id", ondelete="RESTRICT"), unique=True)
    day: Mapped[date] = mapped_column(Date)
    service_title: Mapped[str] = mapped_column(String(160))
    # The voucher's protocol number: the resident's pseudonym in exports.
    voucher_number: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    voucher_cents: Mapped[int] = mapped_column(Integer)
    family_cents: Mapped[int] = mapped_column(Integer)

    statement: Mapped[Statement] = relationship(back_populates="lines")
    user: Mapped[User | None] = relationship()
