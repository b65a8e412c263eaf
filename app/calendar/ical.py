"""iCalendar (RFC 5545) feeds: plain data in, bytes out.

One VEVENT per activity or session series with its RRULE; a cancelled,
moved or closed date (`occurrences.dated`, the rule the pages follow too)
becomes an override with the same UID and a RECURRENCE-ID. Cancelled and
closed dates carry STATUS:CANCELLED and, for the calendar apps that ignore it,
a title that starts with "ANNULLATO – " or "CHIUSO – <reason>"; a moved date
says "Spostato da <day>." in its description. A feed filtered by time of day
(`FeedEvent.starts_within`) judges each date by its own start, as the pages do.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration, vText

from app.calendar.occurrences import Dated, Kind, Schedule, dated, touches
from app.common.timeutil import ROME

PRODID = "-//Legami//Welfare di comunita//IT"
CANCELLED_PREFIX = "ANNULLATO – "
CLOSED_PREFIX = "CHIUSO – "
# Feeds are written in Italian whatever the request's language: one cached fragment for everyone.
DAY_NAMES = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
MONTH_NAMES = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
    "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
)  # fmt: skip
REFRESH = timedelta(hours=6)
# What a feed covers: three months back, one year ahead.
HORIZON_BACK = timedelta(days=92)
HORIZON_AHEAD = timedelta(days=366)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    title: str
    schedule: Schedule
    sequence: int
    stamp: datetime  # last change, aware UTC
    description: str = ""
    location: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()
    is_cancelled: bool = False
    # Only dates starting from the first time (inclusive) to the second (exclusive, None: midnight).
    starts_within: tuple[time, time | None] | None = None

    def shows(self, start: datetime) -> bool:
        if self.starts_within is None:
            return True
        lowest, highest = self.starts_within
        return start.time() >= lowest and (highest is None or start.time() < highest)


class LiteralText(vText):
    r"""TEXT escaped by RFC 5545 alone: icalendar turns a typed "\N" into a line break first."""

    def to_ical(self) -> bytes:
        text = str(self).replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", r"\n")
        return text.encode(self.encoding)


def horizon(today: date) -> tuple[date, date]:
    return today - HORIZON_BACK, today + HORIZON_AHEAD


def rome_vtimezone() -> Timezone:
    """Europe/Rome as the usual two yearly rules (EU rule since 1996).

    Calendar apps such as Thunderbird (ical.js) and Outlook read only the
    first of a list of RDATE transitions, so a VTIMEZONE listing every change
    date puts events one hour late after the next clock change; the RRULE form
    is what every client expands.
    """
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("dtstart", datetime(1981, 3, 29, 2, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("dtstart", datetime(1996, 10, 27, 3, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    timezone = Timezone()
    timezone.add("tzid", "Europe/Rome")
    timezone.add("x-lic-location", "Europe/Rome")
    timezone.add_component(daylight)
    timezone.add_component(standard)
    return timezone


# The one VTIMEZONE of every calendar Legami writes: the feeds and the convocazioni' invitations.
VTIMEZONE = rome_vtimezone().to_ical()


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=ROME) if moment.tzinfo is None else moment.astimezone(ROME)


def italian_day(day: date) -> str:
    """'martedì 15 dicembre 2026'."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _base(
    item: FeedEvent, start: datetime, end: datetime, cancelled: bool, reason: str = "",
    closed: bool = False, moved_from: date | None = None,
) -> Event:  # fmt: skip
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", item.stamp)
    event.add("last-modified", item.stamp)
    event.add("sequence", item.sequence)
    event.add("dtstart", _local(start))
    event.add("dtend", _local(end))
    if closed:
        title = f"{CLOSED_PREFIX}{reason} ({item.title})" if reason else CLOSED_PREFIX + item.title
    else:
        title = CANCELLED_PREFIX + item.title if cancelled else item.title
    event.add("summary", LiteralText(title))
    notes = []
    if moved_from is not None:
        notes.append(f"Spostato da {italian_day(moved_from)}." + ("" if cancelled else f" {reason}".rstrip()))
    if closed:
        notes.append(f"Chiuso: {reason}" if reason else "Chiuso")
    elif cancelled and reason:
        notes.append(f"Annullato: {reason}")
    description = "\n\n".join([*notes, item.description]).strip()
    if description:
        event.add("description", LiteralText(description))
    if item.location:
        event.add("location", LiteralText(item.location))
    if item.url:
        event.add("url", item.url)
    if item.categories:
        event.add("categories", list(item.categories))
    event.add("status", "CANCELLED" if cancelled or closed else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _dated_event(item: FeedEvent, found: Dated) -> Event:
    """One date as the pages show it: held, moved (and from which day), cancelled or closed."""
    closed = found.kind == Kind.CLOSED
    cancelled = item.is_cancelled or found.kind == Kind.CANCELLED
    return _base(
        item, found.start, found.end, cancelled, found.reason, closed,
        found.original_on if found.is_moved else None,
    )  # fmt: skip


def in_horizon(item: FeedEvent, first: date, last: date) -> bool:
    """Whether the series has an occurrence, original or moved, between two dates."""
    changes = item.schedule.changes.values()
    return touches(item.schedule, first, last) or any(
        c.new_start and first <= c.new_start.date() <= last for c in changes
    )


def horizon_window(item: FeedEvent, today: date) -> tuple[bool, date, date]:
    """Whether a feed built on `today` shows the series (`in_horizon`), and the first and last day it stays so.

    A feed shows a series while one of its dates (of the rule, or a moved
    date) is within the horizon; the answer holds until the horizon reaches
    the series' next date or leaves its last one, so a feed can keep it for
    an unchanged series instead of examining the series again every day.
    """
    first, last = horizon(today)
    earlier, first_in, last_in, later = _dates_around(item.schedule, first, last)
    if first_in is not None:
        return True, _shift(first_in, -HORIZON_AHEAD), _shift(last_in, HORIZON_BACK)
    return (
        False,
        _shift(earlier, HORIZON_BACK + ONE_DAY) if earlier else date.min,
        _shift(later, -HORIZON_AHEAD - ONE_DAY) if later else date.max,
    )


def _shift(day: date, delta: timedelta) -> date:
    try:
        return day + delta
    except OverflowError:
        return date.min if delta < timedelta(0) else date.max


def _dates_around(schedule: Schedule, first: date, last: date) -> tuple:
    """Of the dates `in_horizon` looks at (the rule's, and moved dates): the latest before first,
    the earliest and the latest between first and last, and the earliest after last (or None)."""
    rule = schedule.recurrence.rule(schedule.first_start)
    dates = []
    for start in [schedule.first_start] if rule is None else rule:  # one pass, up to a date after last
        dates.append(start.date())
        if dates[-1] > last:
            break
    dates += [change.new_start.date() for change in schedule.changes.values() if change.new_start]
    dates.sort()
    low, high = bisect_left(dates, first), bisect_right(dates, last)
    return (
        dates[low - 1] if low else None,
        dates[low] if low < high else None,
        dates[high - 1] if low < high else None,
        dates[high] if high < len(dates) else None,
    )


def _components(item: FeedEvent) -> list[Event]:
    """The master event and its overrides (one VEVENT for a single event)."""
    schedule = item.schedule
    recurrence = schedule.recurrence
    if not recurrence.is_recurring:
        # A single event: its change, if any, applies to the event itself.
        found = dated(schedule, schedule.start_on, schedule.start_on)
        return [_dated_event(item, found[0])] if found and item.shows(found[0].start) else []

    # Closures and changes are few: one pass over the series finds which of their dates are real occurrences.
    special = schedule.skipped | set(schedule.changes)
    found = dated(schedule, min(special), max(special)) if special else []
    components, exdates = [], []
    with_master = item.shows(schedule.first_start)
    for one in found:
        if one.kind == Kind.REGULAR and not one.is_moved:
            continue
        if one.planned is None or not with_master:
            # A moved date kept after the rule changed (no occurrence of the rule is left to
            # override), or a date moved into a filtered feed's hours: an event of its own.
            if item.shows(one.start) and one.is_moved:
                extra = replace(item, uid=f"{one.original_on:%Y%m%d}-{item.uid}")
                components.append(_dated_event(extra, one))
            continue
        if not item.shows(one.start):
            exdates.append(_local(one.planned))  # moved out of a filtered feed's hours
            continue
        override = _dated_event(item, one)
        override.add("recurrence-id", _local(one.planned))
        components.append(override)
    if not with_master:
        return components
    master = _base(item, schedule.first_start, schedule.first_start + schedule.duration, item.is_cancelled)
    master.add("rrule", recurrence.ical())
    if exdates:
        master.add("exdate", exdates)
    return [master, *components]


def event_fragment(item: FeedEvent) -> bytes:
    """The serialised VEVENTs of one series: cacheable until the series changes."""
    return b"".join(component.to_ical() for component in _components(item))


def assemble(name: str, fragments: Iterable[bytes], today: date, description: str = "") -> bytes:
    """A whole VCALENDAR around already serialised events."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", "Europe/Rome")
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    head = calendar.to_ical()
    closing = b"END:VCALENDAR\r\n"
    assert head.endswith(closing)
    return head[: -len(closing)] + VTIMEZONE + b"".join(fragments) + closing


def build_feed(name: str, items: Iterable[FeedEvent], today: date, description: str = "") -> bytes:
    """A whole VCALENDAR for the events that touch the horizon around today."""
    first, last = horizon(today)
    fragments = [event_fragment(item) for item in items if in_horizon(item, first, last)]
    return assemble(name, fragments, today, description)
