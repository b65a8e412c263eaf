"""A closure and a moved date that meet: the manager decides before saving, as for a new rule.

A closure hides a date on the day it really happens (`calendar.occurrences.dated`):
a closure on a moved date's planned day leaves it where it went, one on its new
day hides it. Both surprise a manager, so the forms stop and ask for each such
date: keep it, cancel it with the closure's reason, or move it again.
"""

from datetime import date, datetime

from sqlalchemy import select

from app.civic_centers.models import Activity, CivicCenter, OccurrenceChange
from app.platform.extensions import db

KEEP, CANCEL, MOVE = "mantieni", "annulla", "sposta"
CHOICES = (KEEP, CANCEL, MOVE)


def moved_dates_touching(center: CivicCenter, first: date, last: date) -> list[OccurrenceChange]:
    """The center's moved dates whose planned or new day falls between two dates (inclusive)."""
    query = (
        select(OccurrenceChange)
        .join(Activity, Activity.id == OccurrenceChange.activity_id)
        .where(
            Activity.center_id == center.id,
            Activity.deleted_at.is_(None),
            OccurrenceChange.new_start.is_not(None),
            OccurrenceChange.is_cancelled.is_(False),
        )
        .order_by(OccurrenceChange.original_on, OccurrenceChange.id)
    )
    return [
        c for c in db.session.scalars(query)
        if first <= c.original_on <= last or first <= c.new_start.date() <= last
    ]  # fmt: skip


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def settle(change: OccurrenceChange, choice: str, reason: str, new_day: date | None = None) -> None:
    """Apply the manager's choice to one moved date (KEEP changes nothing)."""
    if choice == CANCEL:
        change.is_cancelled, change.new_start, change.new_end, change.reason = True, None, None, reason
    elif choice == MOVE and new_day is not None:
        length = (change.new_end - change.new_start) if change.new_end else None
        change.new_start = datetime.combine(new_day, change.new_start.time())
        change.new_end = change.new_start + length if length else None
    else:
        return
    change.activity.touch()
