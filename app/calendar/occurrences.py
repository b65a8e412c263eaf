"""Recurrence in Europe/Rome wall-clock time, expanded within a bounded window.

A schedule is stored as a local date and times plus a rule, never as UTC
instants: a weekly 16:30 activity stays at 16:30 across the clock changes.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dateutil import rrule

from app.common.timeutil import ROME

# Hard limits, whatever a rule says.
MAX_OCCURRENCES = 1000
MAX_COUNT = 500
MAX_WINDOW_DAYS = 800

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DATEUTIL_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


class Frequency:
    NONE = "none"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ALL = (NONE, WEEKLY, MONTHLY)


@dataclass(frozen=True)
class Recurrence:
    """How a schedule repeats. weekdays: 0 = Monday; month_week: 1..4 or -1 (last)."""

    freq: str = Frequency.NONE
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_week: int | None = None
    month_weekday: int | None = None
    until: date | None = None
    count: int | None = None

    @property
    def is_recurring(self) -> bool:
        return self.freq != Frequency.NONE

    def _byweekday(self):
        if self.freq == Frequency.WEEKLY:
            return [_DATEUTIL_DAYS[d] for d in sorted(self.weekdays)]
        if self.freq == Frequency.MONTHLY:
            return [_DATEUTIL_DAYS[self.month_weekday](self.month_week)]
        return None

    def rule(self, first: datetime) -> rrule.rrule | None:
        """The dateutil rule from the naive local datetime of the first occurrence."""
        if not self.is_recurring:
            return None
        freq = rrule.WEEKLY if self.freq == Frequency.WEEKLY else rrule.MONTHLY
        until = datetime.combine(self.until, time(23, 59, 59)) if self.until else None
        count = min(self.count, MAX_COUNT) if self.count else None
        return rrule.rrule(
            freq, dtstart=first, interval=self.interval, byweekday=self._byweekday(),
            until=until, count=count, wkst=rrule.MO,
        )  # fmt: skip

    def ical(self) -> dict | None:
        """The RRULE value for icalendar (UNTIL in UTC, as RFC 5545 asks with a TZID)."""
        if not self.is_recurring:
            return None
        value: dict = {"FREQ": self.freq.upper(), "INTERVAL": self.interval, "WKST": "MO"}
        if self.freq == Frequency.WEEKLY:
            value["BYDAY"] = [WEEKDAY_CODES[d] for d in sorted(self.weekdays)]
        else:
            value["BYDAY"] = [f"{self.month_week}{WEEKDAY_CODES[self.month_weekday]}"]
        if self.until:
            value["UNTIL"] = datetime.combine(self.until, time(23, 59, 59), ROME).astimezone(UTC)
        elif self.count:
            value["COUNT"] = min(self.count, MAX_COUNT)
        return value

    def first_on_or_after(self, day: date) -> date:
        """The first date the rule matches, on or after day (DTSTART must be an occurrence)."""
        rule = self.rule(datetime.combine(day, time()))
        if rule is None:
            return day
        found = rule.after(datetime.combine(day, time()) - timedelta(seconds=1), inc=True)
        return found.date() if found else day


@dataclass(frozen=True)
class Change:
    """One occurrence cancelled, or moved to another date and time."""

    is_cancelled: bool = False
    reason: str = ""
    new_start: datetime | None = None  # naive local
    new_end: datetime | None = None


@dataclass(frozen=True)
class Schedule:
    start_on: date
    start_time: time
    end_time: time
    recurrence: Recurrence = Recurrence()
    skipped: frozenset[date] = frozenset()  # closures: nothing happens on these days
    changes: Mapping[date, Change] = field(default_factory=dict)
    closed_reasons: Mapping[date, str] = field(default_factory=dict)  # a closed day's reason, if any

    @property
    def first_start(self) -> datetime:
        return datetime.combine(self.start_on, self.start_time)

    @property
    def duration(self) -> timedelta:
        return datetime.combine(self.start_on, self.end_time) - self.first_start


@dataclass(frozen=True)
class Occurrence:
    original_on: date
    start: datetime  # aware, Europe/Rome
    end: datetime
    is_cancelled: bool = False
    is_moved: bool = False
    reason: str = ""
    is_closed: bool = False  # the center is closed on the day it would happen (is_cancelled too)


class Kind:
    """What happens to one planned date (the stored rows' statuses are the same words)."""

    REGULAR = "regular"
    CANCELLED = "cancelled"
    MOVED_FROM = "moved-from"  # the planned day of a date moved elsewhere
    MOVED_TO = "moved-to"
    CLOSED = "closed"  # it would happen on a day the center is closed


@dataclass(frozen=True)
class Dated:
    """One planned date of a series and where it really ends up: the one rule for closures and moves.

    A closure hides a date on the day it actually happens: an unchanged date
    on its planned day, a moved date on its new day (a closure on the planned
    day of a moved date changes nothing). `planned` is None for a moved date
    kept after the rule changed (its planned day is no date of the rule any more).
    """

    original_on: date
    planned: datetime | None  # naive local
    start: datetime  # naive local, where it happens
    end: datetime
    kind: str
    reason: str = ""
    change_reason: str = ""  # the manager's reason for a move or a cancellation
    is_moved: bool = False

    def occurrence(self) -> Occurrence:
        hidden = self.kind in (Kind.CANCELLED, Kind.CLOSED)
        return Occurrence(
            original_on=self.original_on, start=self.start.replace(tzinfo=ROME), end=self.end.replace(tzinfo=ROME),
            is_cancelled=hidden, is_moved=self.is_moved, reason=self.reason, is_closed=self.kind == Kind.CLOSED,
        )  # fmt: skip


def original_starts(schedule: Schedule, first: date, last: date) -> list[datetime]:
    """Naive local starts of the unchanged series between two dates (inclusive)."""
    lower = datetime.combine(first, time())
    upper = datetime.combine(last, time(23, 59, 59))
    rule = schedule.recurrence.rule(schedule.first_start)
    if rule is None:
        return [schedule.first_start] if lower <= schedule.first_start <= upper else []
    starts = []
    for start in rule.xafter(lower - timedelta(seconds=1), inc=True):
        if start > upper or len(starts) >= MAX_OCCURRENCES:
            break
        starts.append(start)
    return starts


def start_on_day(schedule: Schedule, day: date) -> datetime | None:
    """The naive local start of the series on day, if the rule has one there."""
    starts = original_starts(schedule, day, day)
    return starts[0] if starts else None


def touches(schedule: Schedule, first: date, last: date) -> bool:
    """Whether the unchanged series has an occurrence between two dates (inclusive)."""
    lower = datetime.combine(first, time())
    rule = schedule.recurrence.rule(schedule.first_start)
    if rule is None:
        return lower <= schedule.first_start <= datetime.combine(last, time(23, 59, 59))
    found = rule.after(lower, inc=True)
    return found is not None and found.date() <= last


def _closed(schedule: Schedule, day: date) -> bool:
    return day in schedule.skipped


def _judged(schedule: Schedule, day: date, planned: datetime | None, change: Change | None) -> Dated:
    duration = schedule.duration
    if change is not None and change.new_start:
        start, end = change.new_start, change.new_end or change.new_start + duration
    else:
        start, end = planned, planned + duration
    change_reason = change.reason if change else ""
    if _closed(schedule, start.date()):
        kind, reason = Kind.CLOSED, schedule.closed_reasons.get(start.date(), "")
    elif change is not None and change.is_cancelled:
        kind, reason = Kind.CANCELLED, change_reason
    else:
        kind = Kind.MOVED_TO if change is not None and change.new_start else Kind.REGULAR
        reason = change_reason
    moved = bool(change is not None and change.new_start)
    return Dated(day, planned, start, end, kind, reason, change_reason, moved)


def dated(schedule: Schedule, first: date, last: date) -> list[Dated]:
    """Every planned date between two dates (inclusive), judged where it really happens.

    The one place that says what a closure, a cancellation and a move do to a
    date: the stored rows, the pages and the feeds all read it.
    """
    found = [
        _judged(schedule, start.date(), start, schedule.changes.get(start.date()))
        for start in original_starts(schedule, first, last)
    ]
    planned_days = {d.original_on for d in found}
    for day, change in schedule.changes.items():
        # A moved date kept after the rule changed: its planned day is no date of the rule any more.
        if first <= day <= last and day not in planned_days and change.new_start and not change.is_cancelled:
            found.append(_judged(schedule, day, None, change))
    found.sort(key=lambda d: d.original_on)
    return found


def expand(schedule: Schedule, first: date, last: date, with_closed: bool = False) -> list[Occurrence]:
    """Occurrences that happen between two dates (inclusive), in Rome time.

    Cancelled occurrences are kept, marked, so pages can show them as such;
    a moved occurrence appears once, at its new time; dates on a closed day
    are left out (with_closed: kept, marked cancelled and closed).
    """
    last = min(last, first + timedelta(days=MAX_WINDOW_DAYS))
    moved_in = [
        day for day, c in schedule.changes.items() if c.new_start and first <= c.new_start.date() <= last
    ]
    lower, upper = min([first, *moved_in]), max([last, *moved_in])
    result = [
        d.occurrence()
        for d in dated(schedule, lower, upper)
        if first <= d.start.date() <= last and (with_closed or d.kind != Kind.CLOSED)
    ]
    result.sort(key=lambda o: o.start)
    return result[:MAX_OCCURRENCES]
