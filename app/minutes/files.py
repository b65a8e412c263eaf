"""The files the database names (attachments, approved PDFs): for the cleanup, the copy to
another store and the backup (app/minutes/files_cli.py, app/platform/backup.py)."""

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, union_all
from sqlalchemy.engine import Connection

from app.minutes.models import ApprovedVersion, Attachment
from app.platform.storage import Storage


def named_keys(connection: Connection) -> dict[str, str]:
    """{key: sha256} of every file a row names, read on this connection (its snapshot)."""
    query = union_all(
        select(Attachment.storage_key, Attachment.sha256),
        select(ApprovedVersion.pdf_key, ApprovedVersion.pdf_sha256).where(ApprovedVersion.pdf_key != ""),
    )
    return dict(connection.execute(query).tuples().all())


def unnamed(store: Storage, named: set[str], grace: timedelta, now: datetime | None = None) -> list[str]:
    """Keys in the store that no row names, written longer ago than the grace period."""
    cutoff = (now or datetime.now(UTC)) - grace
    return [key for key, modified in store.listing() if key not in named and modified < cutoff]


def copy(keys: dict[str, str], source: Storage, target: Storage) -> list[str]:
    """Copy each file, checking its SHA-256 before and after (read back from the target).
    Returns the keys that failed (missing, or not matching), having copied the others."""
    failed = []
    for key, sha256 in sorted(keys.items()):
        try:
            data = source.get(key)
        except FileNotFoundError:
            failed.append(key)
            continue
        if hashlib.sha256(data).hexdigest() != sha256:
            failed.append(key)
            continue
        target.write(key, data)
        if hashlib.sha256(target.get(key)).hexdigest() != sha256:
            failed.append(key)
    return failed
