"""The identity a person proved with SPID or CIE: codice fiscale, names and date of birth as the
identity provider asserted them. Written only by the log-in feature (app/auth/spid); any feature
reads it through `verified_identity(user)`, without importing app.auth (the voucher applications
of "Per il tuo tempo" show these fields read-only)."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.accounts.models import User
from app.common.timeutil import utcnow
from app.platform.extensions import db

# A person's codice fiscale: 16 letters and digits (omocodia replaces digits with letters).
_FISCAL_NUMBER = re.compile(r"^[A-Z0-9]{16}$")
METHODS = ("spid", "cie")


def normalise_fiscal_number(value: str | None) -> str:
    """SPID's `TINIT-RSSMRA80A01D150X` (or CIE's plain value) as `RSSMRA80A01D150X`; "" when it
    is not a person's codice fiscale."""
    text = (value or "").strip().upper()
    if text.startswith("TINIT-"):
        text = text[len("TINIT-") :]
    return text if _FISCAL_NUMBER.match(text) else ""


class VerifiedIdentity(db.Model):
    """One proved identity per account, and one account per codice fiscale."""

    __tablename__ = "verified_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    fiscal_number: Mapped[str] = mapped_column(String(16), unique=True)
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(8))  # "spid" or "cie"
    provider: Mapped[str] = mapped_column(String(255))  # the identity provider's entityID
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True)
class Identity:
    """What other features may read of a verified identity."""

    fiscal_number: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    method: str
    verified_at: datetime

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


def identity_row(user: User) -> VerifiedIdentity | None:
    return db.session.scalar(select(VerifiedIdentity).where(VerifiedIdentity.user_id == user.id))


def verified_identity(user: User | None) -> Identity | None:
    """The identity this account proved with SPID or CIE (the last login refreshed it), or None."""
    if user is None or not getattr(user, "id", None):
        return None
    row = identity_row(user)
    if row is None:
        return None
    return Identity(
        fiscal_number=row.fiscal_number, given_name=row.given_name, family_name=row.family_name,
        date_of_birth=row.date_of_birth, method=row.method, verified_at=row.verified_at,
    )  # fmt: skip
