"""Writing to the audit log."""

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.platform.extensions import db


def record(actor: User | None, action: str, subject: str = "", row_count: int | None = None):
    """Add an audit entry to the session; the caller's commit keeps it."""
    entry = AuditEntry(actor=actor, action=action, subject=subject[:200], row_count=row_count)
    db.session.add(entry)
    return entry
