"""Headcounts of civic-center activity dates: which dates can have one, and saving them. No commit."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.calendar.occurrences import Occurrence, expand
from app.civic_centers.models import Activity, ActivityHeadcount
from app.platform.extensions import db

WEEKS_BACK = 12
MAX_HEADCOUNT = 10000


class HeadcountError(ValueError):
    """A value that is not a headcount; args: the date and the raw value."""


def held_dates(activity: Activity, now: datetime, weeks: int = WEEKS_BACK) -> list[Occurrence]:
    """The dates of the last weeks that took place (started, not cancelled), newest first."""
    if activity.is_cancelled:
        return []
    today = now.date()
    found = expand(activity.schedule(), today - timedelta(weeks=weeks), today)
    return sorted(
        (o for o in found if not o.is_cancelled and o.start <= now), key=lambda o: o.start, reverse=True
    )


def counts(activity: Activity) -> dict[date, int]:
    rows = db.session.scalars(select(ActivityHeadcount).where(ActivityHeadcount.activity_id == activity.id))
    return {row.original_on: row.headcount for row in rows}


def parse(raw: dict[date, str]) -> dict[date, int | None]:
    """Blank means not counted; anything else must be a whole number from 0 to MAX_HEADCOUNT."""
    parsed, bad = {}, []
    for day, value in raw.items():
        value = value.strip()
        if not value:
            parsed[day] = None
        elif value.isdigit() and int(value) <= MAX_HEADCOUNT:
            parsed[day] = int(value)
        else:
            bad.append(day)
    if bad:
        raise HeadcountError(bad)
    return parsed


def save(activity: Activity, values: dict[date, int | None], allowed: set[date]) -> None:
    """Replace the headcounts of the given dates (only dates that took place)."""
    existing = {
        row.original_on: row
        for row in db.session.scalars(
            select(ActivityHeadcount).where(ActivityHeadcount.activity_id == activity.id)
        )
    }
    for day, value in values.items():
        if day not in allowed:
            continue
        row = existing.get(day)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(ActivityHeadcount(activity_id=activity.id, original_on=day, headcount=value))
        else:
            row.headcount = value
    db.session.flush()
