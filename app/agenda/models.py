"""Built feeds, kept in the database so every worker process shares them."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class FeedCache(db.Model):
    """The bytes of one feed, valid while its fingerprint is unchanged."""

    __tablename__ = "feed_cache"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(200))
    etag: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    last_modified: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EventFragment(db.Model):
    """The serialised VEVENTs of one series, reused by every feed that lists it."""

    __tablename__ = "event_fragments"

    uid: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[str] = mapped_column(String(300))
    body: Mapped[bytes] = mapped_column(LargeBinary)


class PersonalFeedToken(db.Model):
    """The secret in a member's personal meetings feed URL; replacing it retires the old URL."""

    __tablename__ = "personal_feed_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
