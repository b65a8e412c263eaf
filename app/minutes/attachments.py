"""Allegati: checked by content (not by name), stored under random keys, listed in the PDF. No commit.

A removed allegato's row goes in the transaction; its file stays until `flask files cleanup`
removes files no row names (after a grace period): a rollback keeps both, and a backup taken
from an earlier snapshot of the database still finds every file it names
(app/platform/storage.py)."""

import hashlib
from collections import defaultdict
from pathlib import PurePath

import filetype
from slugify import slugify
from sqlalchemy import select

from app.groups.models import AgendaPoint, Meeting
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


def add(
    owner: Minutes | Meeting | AgendaPoint, user, name: str, data: bytes, minutes: Minutes | None = None
) -> Attachment:
    """Attach to a verbale, to a meeting that has none yet (its verbale takes it later), or to a
    point of a meeting's ordine del giorno (minutes: the meeting's verbale, if written)."""
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
    elif isinstance(owner, AgendaPoint):
        attachment.meeting_id, attachment.point_id = owner.meeting_id, owner.id
        attachment.minutes_id = minutes.id if minutes is not None else None
        db.session.add(attachment)
    else:
        attachment.meeting_id = owner.id
        db.session.add(attachment)
    db.session.flush()
    return attachment


def of_meeting(meeting: Meeting) -> list[Attachment]:
    """The allegati of a meeting that has no verbale yet, but those of its points."""
    query = select(Attachment).where(
        Attachment.meeting_id == meeting.id, Attachment.minutes_id.is_(None), Attachment.point_id.is_(None)
    )
    return list(db.session.scalars(query.order_by(Attachment.id)))


def of_points(meeting: Meeting) -> dict[int, list[Attachment]]:
    """point id -> its allegati, for every point of the meeting (one query)."""
    found = defaultdict(list)
    query = select(Attachment).where(Attachment.meeting_id == meeting.id, Attachment.point_id.is_not(None))
    for attachment in db.session.scalars(query.order_by(Attachment.id)):
        found[attachment.point_id].append(attachment)
    return dict(found)


def by_point(attachments: list[Attachment]) -> dict[int, list[Attachment]]:
    """The same grouping from a list already loaded (a verbale's allegati)."""
    found = defaultdict(list)
    for attachment in attachments:
        if attachment.point_id is not None:
            found[attachment.point_id].append(attachment)
    return dict(found)


def adopt(minutes: Minutes) -> None:
    """A new verbale takes the allegati already added to its meeting."""
    db.session.flush()
    query = select(Attachment).where(
        Attachment.meeting_id == minutes.meeting_id, Attachment.minutes_id.is_(None)
    )  # the meeting's own and its points'
    for attachment in db.session.scalars(query.order_by(Attachment.id)):
        minutes.attachments.append(attachment)
    db.session.flush()


def remove(attachment: Attachment) -> None:
    """Delete the row now; its file goes at the next `flask files cleanup`."""
    db.session.delete(attachment)
    db.session.flush()


def remove_of_point(point: AgendaPoint) -> None:
    """A point leaves the ordine del giorno: its allegati's rows go with it (files: the cleanup)."""
    query = select(Attachment).where(Attachment.point_id == point.id)
    for attachment in db.session.scalars(query).all():
        remove(attachment)
