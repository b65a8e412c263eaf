"""Password dimenticata?: single-use tokens, stored hashed, valid one hour, void once the
password changes in any way. No request, no commit."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.auth.services import change_password, find_by_email
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


def request_reset(email: str) -> tuple[User, str] | None:
    """For an active account: a new token (the caller mails it). Unknown addresses: None,
    after the same work, so that the reply takes a similar time."""
    token = secrets.token_urlsafe(32)
    token_hash = _hash(token)
    user = find_by_email(email)
    if user is None or not user.is_active:
        return None
    db.session.add(PasswordReset(user_id=user.id, token_hash=token_hash, password_mark=_mark(user)))
    db.session.flush()
    return user, token


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


def use(reset: PasswordReset, new_password: str) -> User:
    reset.used_at = utcnow()
    change_password(reset.user, new_password)
    return reset.user
