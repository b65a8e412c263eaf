"""Password dimenticata?: single-use tokens, stored hashed, valid one hour, void once the
password changes in any way. No request, no commit.

The request only queues a message to the address typed (auth/notices.py), the same work for
any address; the worker looks the account up and makes the token when it writes the e-mail
(`issue`), so the reply takes no longer for an address that has an account."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.timeutil import utcnow
from app.platform.extensions import db


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A fingerprint of the password when the link was asked for: any change voids the link.
    password_mark: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _mark(user: User) -> str:
    return _hash(f"{user.id}:{user.password_hash or ''}")


def issue(user: User) -> str:
    """A new token for this account (stored hashed), made when the message that carries it is
    written (auth/notices.py)."""
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user_id=user.id, token_hash=_hash(token), password_mark=_mark(user)))
    db.session.flush()
    return token


def find_valid(token: str, now: datetime | None = None) -> PasswordReset | None:
    """The reset of a link if it is unused, under an hour old and the password has not changed."""
    now = now or utcnow()
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if reset is None or reset.used_at is not None or not reset.user.is_active:
        return None
    created = reset.created_at if reset.created_at.tzinfo else reset.created_at.replace(tzinfo=UTC)
    if now - created > timedelta(seconds=current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]):
        return None
    if reset.password_mark != _mark(reset.user):
        return None
    return reset


def use(reset: PasswordReset) -> User:
    """Spend the link; the caller sets the new password (auth.services.change_password)."""
    reset.used_at = utcnow()
    return reset.user
