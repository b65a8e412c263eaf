"""A verbale, its saved revisions and the comments of those who were present."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.timeutil import utcnow
from app.groups.models import AgendaPoint, Meeting, WorkingGroup
from app.platform.extensions import db

# A verbale over this size is refused (characters, checked as UTF-8 bytes by the form).
MAX_BODY_BYTES = 200 * 1024


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"


STATUS_LABELS = {
    MinutesStatus.DRAFT: _l("Bozza"),
    MinutesStatus.REVIEW: _l("In revisione"),
    MinutesStatus.APPROVED: _l("Approvato"),
}


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    GROUP = "group"


VISIBILITY_LABELS = {Visibility.PUBLIC: _l("Pubblico"), Visibility.GROUP: _l("Solo per il gruppo")}


class Minutes(db.Model):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=MinutesStatus.DRAFT, index=True)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.GROUP)
    # The revision the body comes from: an edit must start from it, or it conflicts.
    revision_number: Mapped[int] = mapped_column(Integer, default=0)
    # ...and it is the row's version (app/platform/versioning.py): an UPDATE from a stale revision
    # matches no row, so the loser of two simultaneous saves gets the conflict page.
    __mapper_args__ = {"version_id_col": revision_number, "version_id_generator": False}
    # Title, body and agenda in one text, for the full-text index (see search.py).
    search_document: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # How it was approved: "present" (by those present) or "session" (at a later meeting, on approved_in_session_on).
    approval_method: Mapped[str] = mapped_column(String(16), default="", server_default="")
    approved_in_session_on: Mapped[date | None] = mapped_column(Date)
    # "Verbale n. 3/2026": numbered per group and year of the meeting, when approved.
    number: Mapped[int | None] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    meeting: Mapped[Meeting] = relationship()
    group: Mapped[WorkingGroup] = relationship()
    approved_by: Mapped[User | None] = relationship()
    revisions: Mapped[list["MinutesRevision"]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesRevision.number.desc()"
    )
    comments: Mapped[list["MinutesComment"]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesComment.id"
    )
    versions: Mapped[list["ApprovedVersion"]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="ApprovedVersion.number"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    @property
    def label(self) -> str:
        """ "3/2026", once approved."""
        return f"{self.number}/{self.year}" if self.number else ""

    @property
    def current_version(self) -> "ApprovedVersion | None":
        return self.versions[-1] if self.versions else None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[MinutesStatus(self.status)])

    @property
    def visibility_label(self) -> str:
        return str(VISIBILITY_LABELS[Visibility(self.visibility)])

    @property
    def is_public(self) -> bool:
        return (
            self.status == MinutesStatus.APPROVED
            and self.visibility == Visibility.PUBLIC
            and not self.deleted_at
        )


class MinutesRevision(db.Model):
    """Every save of a verbale; a rettifica carries its reason."""

    __tablename__ = "minutes_revisions"
    __table_args__ = (
        UniqueConstraint("minutes_id", "number", name="uq_minutes_revisions_minutes_id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    is_correction: Mapped[bool] = mapped_column(default=False, server_default=false())
    reason: Mapped[str] = mapped_column(String(500), default="")
    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship(lazy="joined")


class MinutesComment(db.Model):
    """A comment or an approval by someone who was present, while the verbale is in review."""

    __tablename__ = "minutes_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    is_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    minutes: Mapped[Minutes] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(lazy="joined")


class ApprovedVersion(db.Model):
    """What was approved, frozen: the whole header and the text, and the PDF/A made from them.

    Number 1 is the approval; each rettifica adds the next one with its reason."""

    __tablename__ = "minutes_approved_versions"
    __table_args__ = (
        UniqueConstraint("minutes_id", "number", name="uq_minutes_approved_versions_minutes_id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(String(500), default="")
    # JSON: group, number, date, place, times, attendance, quorum, agenda, title, body, actions, approval.
    snapshot: Mapped[str] = mapped_column(Text)
    pdf_key: Mapped[str] = mapped_column(String(200), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    pdf_size: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[Minutes] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship(lazy="joined")


class Attachment(db.Model):
    """An allegato of a meeting, stored under a random key (see app/platform/storage.py).

    Added before the verbale exists, it belongs to the meeting only; the verbale, once written,
    takes every allegato of its meeting (minutes_id) and from then on rules who reads them.
    point_id: the point of the ordine del giorno it goes with (listed under it everywhere)."""

    __tablename__ = "minutes_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    point_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_points.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    minutes: Mapped[Minutes] = relationship(back_populates="attachments")
    point: Mapped[AgendaPoint | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship(lazy="joined")
