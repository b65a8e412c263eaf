"""The outbox: one row per e-mail, written in the transaction of the change it reports."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.timeutil import utcnow
from app.platform.extensions import db


class MessageState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


STATE_LABELS = {
    MessageState.QUEUED: _l("In coda"),
    MessageState.SENDING: _l("In invio"),
    MessageState.SENT: _l("Inviato"),
    MessageState.FAILED: _l("Non inviato"),
}


class Message(db.Model):
    """An e-mail to one recipient. `key` makes a second enqueue of the same notice a no-op."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    to_email: Mapped[str] = mapped_column(String(254), index=True)
    to_name: Mapped[str] = mapped_column(String(120), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What the templates need; ids are looked up again when the message is rendered.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=MessageState.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # When it may be tried (again); a claim holds it until lease_until.
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Retries stop one day after this (reset by "invia di nuovo").
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # As rendered when last sent, for the Posta inviata page.
    subject: Mapped[str] = mapped_column(String(255), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[MessageState(self.state)])


class MessagePreference(db.Model):
    """What a user chooses to receive; a missing row means the defaults (everything, weekly)."""

    __tablename__ = "message_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    meetings: Mapped[bool] = mapped_column(default=True)
    minutes: Mapped[bool] = mapped_column(default=True)
    actions: Mapped[bool] = mapped_column(default=True)
    # "weekly" or "never"
    actions_digest: Mapped[str] = mapped_column(String(16), default="weekly")


class Follow(db.Model):
    """A resident follows a civic center, a lab or a town by e-mail (no account needed)."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("email", "target", "target_id", name="uq_follows_email_target_target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    target: Mapped[str] = mapped_column(String(16))  # "center", "lab" or "town"
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MailSuppression(db.Model):
    """An address that asked for no more mail (the one-click link in every non-essential
    message): enqueue skips all but essential messages (account, password) to it."""

    __tablename__ = "mail_suppressions"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
