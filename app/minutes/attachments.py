"""Allegati: checked by content (not by name), stored under random keys, listed in the PDF. No commit."""

import hashlib
from pathlib import PurePath

import filetype
from slugify import slugify
from sqlalchemy import select

from app.groups.models import Meeting
from app.minutes.models import Attachment, Minutes
from app.platform.config import UPLOAD_MAX_BYTES
from app.platform.extensions import db
from app.platform.storage import storage

MAX_BYTES = UPLOAD_MAX_BYTES
# What the content must be; the stored name gets the matching extension.
ALLOWED = {
    "application/pdf": ".pdf",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}


class Refused(ValueError):
    """str(error): "too_big", "empty" or "type"."""


def content_type(data: bytes) -> str:
    """The type the bytes really are (magic numbers), or Refused("type")."""
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise Refused("type")
    return kind.mime


def safe_filename(name: str, mime: str) -> str:
    """The uploader's name, tamed: slugified stem and the extension of the real type."""
    stem = slugify(PurePath(name or "").stem, max_length=80) or "allegato"
    return stem + ALLOWED[mime]


def add(owner: Minutes | Meeting, user, name: str, data: bytes) -> Attachment:
    """Attach to a verbale, or to a meeting that has none yet (its verbale takes it later)."""
    if not data:
        raise Refused("empty")
    if len(data) > MAX_BYTES:
        raise Refused("too_big")
    mime = content_type(data)
    attachment = Attachment(
        filename=safe_filename(name, mime), content_type=mime, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), storage_key=storage().put(data, ALLOWED[mime]),
        uploaded_by_id=user.id,
    )  # fmt: skip
    if isinstance(owner, Minutes):
        attachment.meeting_id = owner.meeting_id
        owner.attachments.append(attachment)
    else:
        attachment.meeting_id = owner.id
        db.session.add(attachment)
    db.session.flush()
    return attachment


def of_meeting(meeting: Meeting) -> list[Attachment]:
    """The allegati of a meeting that has no verbale yet."""
    query = select(Attachment).where(Attachment.meeting_id == meeting.id, Attachment.minutes_id.is_(None))
    return list(db.session.scalars(query.order_by(Attachment.id)))


def adopt(minutes: Minutes) -> None:
    """A new verbale takes the allegati already added to its meeting."""
    db.session.flush()
    for attachment in of_meeting(minutes.meeting):
        minutes.attachments.append(attachment)
    db.session.flush()


def remove(attachment: Attachment) -> None:
    """Delete the row; the file goes once the transaction is committed (see routes)."""
    db.session.delete(attachment)
    db.session.flush()
