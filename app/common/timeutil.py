"""Time helpers shared by every feature."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC (the value of every *_at column)."""
    return datetime.now(UTC)


def today_in_rome():
    """Today's date where the portal lives."""
    return utcnow().astimezone(ROME).date()
