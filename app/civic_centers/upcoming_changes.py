"""The "Cambi dei prossimi 14 giorni" of a center: closures, cancelled and moved dates, from the rows themselves.

Families whose calendar app drops cancelled events (Google does) check this box;
it lists only dates that are real occurrences of the rule, so it agrees with
the calendar pages and the feeds.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.calendar.occurrences import Kind, dated, touches
from app.civic_centers.models import Activity, CivicCenter

WINDOW_DAYS = 14


@dataclass(frozen=True)
class Notice:
    kind: str  # "closed", "cancelled", "moved", "activity-cancelled"
    on: date  # the day it sorts by
    title: str = ""
    reason: str = ""
    url: str = ""
    until: date | None = None  # last day of a closure
    original_on: date | None = None  # a moved date's planned day
    new_start: datetime | None = None  # a moved date's new start (naive local)


def upcoming_changes(
    center: CivicCenter, activities: list[Activity], today: date, url_for_activity
) -> list[Notice]:
    """Closures, cancellations and moves touching the next WINDOW_DAYS days, in date order."""
    last = today + timedelta(days=WINDOW_DAYS - 1)
    notices = [
        Notice("closed", max(c.start_on, today), reason=c.reason, until=c.end_on)
        for c in center.closures
        if c.start_on <= last and c.end_on >= today
    ]
    for activity in activities:
        schedule = activity.schedule()
        url = url_for_activity(activity)
        if activity.is_cancelled:
            if touches(schedule, today, last):
                notices.append(
                    Notice("activity-cancelled", today, activity.title, activity.cancel_reason, url)
                )
            continue
        for day, change in schedule.changes.items():
            found = dated(schedule, day, day)
            if not found or found[0].planned is None or found[0].kind == Kind.CLOSED:
                continue  # not a date of the rule, or closed where it happens: nothing else to announce
            moved_in = change.new_start is not None and today <= change.new_start.date() <= last
            if not (today <= day <= last or moved_in):
                continue
            if change.is_cancelled:
                notices.append(Notice("cancelled", day, activity.title, change.reason, url))
            elif change.new_start is not None:
                sort_on = day if day >= today else change.new_start.date()
                notices.append(
                    Notice("moved", sort_on, activity.title, change.reason, url,
                           original_on=day, new_start=change.new_start)
                )  # fmt: skip
    notices.sort(key=lambda n: (n.on, n.kind != "closed", n.title))
    return notices
