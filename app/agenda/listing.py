"""Pages read stored occurrences by date range, filtered and bounded in SQL (one query each)."""

from __future__ import annotations  # Filters is only named here: civic_centers imports this module early

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from operator import itemgetter

from flask import request
from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    bindparam,
    cast,
    func,
    literal_column,
    or_,
    select,
    true,
    union_all,
)

from app.agenda import changes, services
from app.agenda import family_filters as family
from app.agenda.models import CalendarOccurrence as Row
from app.agenda.models import OccurrenceStatus as Status
from app.calendar.occurrences import Occurrence
from app.civic_centers.models import AUDIENCE_LABELS, Audience
from app.common.formatting import per_language
from app.common.timeutil import ROME
from app.platform.extensions import db

COLUMNS = (
    Row.id, Row.day, Row.original_on, Row.starts_at, Row.ends_at, Row.status, Row.is_moved, Row.reason,
    Row.audience, Row.lab_id, Row.title, Row.place, Row.path,
)  # fmt: skip
# The day first: the same order (a row's day is its start's date), and the index's, so a LIMIT stops early.
ORDER = (Row.day, Row.starts_at, Row.title, Row.id)
IN_ORDER = itemgetter(1, 3, 10, 0)  # ORDER over a row of COLUMNS


# The calendar, center and activity pages also show the planned day of a moved date.
LISTED = (*Status.SHOWN, Status.MOVED_FROM)


def status_in(statuses) -> ColumnElement:
    """The statuses written in the statement, not bound (they are the code's own words): once psycopg
    prepares it, PostgreSQL's generic plan can still prove the partial indexes' conditions
    (`ix_occurrences_shown_day`: not closed; `ix_occurrences_closed_day`: closed)."""
    return Row.status.in_([literal_column(f"'{status}'") for status in statuses])


def written(limit: int) -> ColumnElement:
    """A statement's LIMIT written in it (the statements are built once per limit anyway): with
    LIMIT bound, PostgreSQL never found its generic plan as cheap as a custom one and planned the
    statement again on every run (0.4 ms of a calendar list's 1.6); written, it plans it once."""
    return literal_column(str(int(limit)))


def conditions(filters: services.Filters, first: date, last: date, statuses=Status.SHOWN) -> list:
    """Public occurrences between two dates (inclusive) that the pages show, filtered."""
    # One day is an equality, so the index hands its rows over in time order and a LIMIT stops early.
    days = [Row.day == first] if first == last else [Row.day >= first, Row.day <= last]
    found = [Row.is_public.is_(True), *days, status_in(statuses)]
    if filters.town_id:
        found.append(Row.town_id == filters.town_id)
    if filters.center_id:
        found.append(Row.center_id == filters.center_id)
    if filters.audience:
        # What is "for everyone" is also for children, for the elderly...
        found.append(Row.audience.in_(sorted({filters.audience, Audience.EVERYONE})))
    if filters.category:
        found.append(Row.category == filters.category)
    if filters.lab_id:
        found.append(Row.lab_id == filters.lab_id)
    if filters.activity_id:
        found.append(Row.activity_id == filters.activity_id)
    return found + family_conditions(filters)


def family_conditions(filters) -> list:
    """A child's age, free only, no sign-up, time of day, over the rows' own columns."""
    found = []
    if filters.age is not None:
        found.append(family.age_clause(filters.age, Row.age_min, Row.age_max, Row.audience))
    if filters.free_only:
        found.append(Row.is_free.is_(True))
    if filters.no_registration:
        found.append(Row.registration_required.is_(False))
    if filters.time_of_day:
        found.append(family.time_clause(filters.time_of_day, Row.start_time))
    return found


def shown(filters: services.Filters, first: date, last: date, statuses=Status.SHOWN) -> Select:
    return select(*COLUMNS).where(*conditions(filters, first, last, statuses))


def _entry_labels() -> dict[str, str]:
    return {str(a): str(label) for a, label in AUDIENCE_LABELS.items()}


class _Rows:
    """Turns rows into entries; labels are translated once per page, not once per row."""

    def __init__(self):
        self.labels = per_language("entry labels", _entry_labels)
        self.lab_label = services.lab_label()
        self.root = request.script_root if request else ""

    def entry(self, row) -> services.Entry:
        # Unpacked in COLUMNS' order (a row's attributes are looked up by name, 0.3 µs each).
        _, _, original_on, starts_at, ends_at, status, is_moved, reason, audience, lab_id, title, place, path = row[:13]  # fmt: skip
        occurrence = Occurrence(
            original_on, starts_at.replace(tzinfo=ROME), ends_at.replace(tzinfo=ROME),
            status == Status.CANCELLED, is_moved, reason,
        )  # fmt: skip
        label = self.lab_label if lab_id else self.labels.get(audience, "")
        kind = "moved-from" if status == Status.MOVED_FROM else ""
        return services.Entry(occurrence, title, self.root + path, place, label, reason, kind)


@dataclass(frozen=True)
class DayPage:
    entries: list[services.Entry]
    more: dict[date, int]  # day -> how many more than shown
    closed: dict[date, int] = field(default_factory=dict)  # day -> closed centers, not listed (fold_over)


FILTERS = ("town_id", "center_id", "audience", "category", "lab_id", "activity_id")


@lru_cache(maxsize=256)
def _per_day_statements(
    days: int, shape: tuple[str, ...], family_key: tuple, limit: int, statuses: tuple, lateral: bool
):
    """The statements of per_day for a number of days and a set of filters, built once: the rows
    and the fuller days' counts (None on PostgreSQL, where the rows carry their day's count).

    Building a UNION of a month of SELECTs costs more than running it, so the
    statements take the dates and filter values as bound parameters and are
    kept (lru_cache is thread-safe; the statements are never changed). On
    PostgreSQL the days are a series joined LATERAL to one bounded SELECT: a
    statement of 1 KB whatever the days, instead of 1 KB a day (which the
    driver splits again on every request past 4 KB and the server parses).
    """
    where = _bound_where(shape, family_key, statuses)
    if lateral:  # each row carries its day's count: one statement
        return _lateral_rows(where, limit), None
    counts = (
        select(Row.day, func.count())
        .where(*where, Row.day >= bindparam("first"), Row.day <= bindparam("last"))
        .group_by(Row.day)
        .having(func.count() > limit)
    )
    return _union_rows(where, days, limit), counts


def _bound_where(shape: tuple[str, ...], family_key: tuple, statuses: tuple | None) -> list:
    """`conditions` but the dates, with the filters named in `shape` as bound parameters (their
    names), for statements built once per shape (statuses None: the caller says which)."""
    age, free_only, no_registration, time_of_day = family_key
    where = [Row.is_public.is_(True)] + ([status_in(statuses)] if statuses is not None else [])
    where += family_conditions(
        services.Filters(
            age=age, free_only=free_only, no_registration=no_registration, time_of_day=time_of_day
        )
    )
    for name in shape:
        if name == "audience":  # what is "for everyone" is also for children, for the elderly...
            where.append(or_(Row.audience == bindparam("audience"), Row.audience == Audience.EVERYONE.value))
        else:
            where.append(getattr(Row, name) == bindparam(name))
    return where


def _shape(filters: services.Filters) -> tuple[dict, tuple]:
    """The filters' values by name (those set) and their family key: what the built statements take."""
    values = {name: getattr(filters, name) for name in FILTERS if getattr(filters, name)}
    return values, (filters.age, filters.free_only, filters.no_registration, filters.time_of_day)


@lru_cache(maxsize=256)
def _closed_statement(shape: tuple[str, ...], family_key: tuple, fold: bool):
    # The status written in the statement, not bound (as status_in's): see there.
    closed = Row.status == literal_column(f"'{Status.CLOSED}'")
    where = _bound_where(shape, family_key, None)
    return changes.closed_statement(
        [*where, closed, Row.day >= bindparam("first"), Row.day <= bindparam("last")], fold
    )


def closed_query(filters: services.Filters, first: date, last: date, fold_over: int | None):
    """The closed days' statement for these filters (built once per shape) and its parameters."""
    values, family_key = _shape(filters)
    params = values | {"first": first, "last": last}
    if fold_over is not None:
        params["fold_over"] = fold_over
    return _closed_statement(tuple(values), family_key, fold_over is not None), params


def _union_rows(where: list, days: int, limit: int):
    parts = [
        select(*COLUMNS)
        .where(*where, Row.day == bindparam(f"d{n}"))
        .order_by(*ORDER)
        .limit(written(limit))
        .subquery()
        for n in range(days)
    ]
    return union_all(*[select(part) for part in parts]) if days > 1 else select(parts[0])


def _lateral_rows(where: list, limit: int):
    """Each day's first `limit` rows, each with the day's count (`total`, after COLUMNS): per day,
    the count and the rows are two ranges of the same index (the count read from it alone)."""
    step = literal_column("interval '1 day'")
    series = func.generate_series(bindparam("first", type_=Date), bindparam("last", type_=Date), step)
    days = select(cast(series, Date).label("on")).subquery("days")
    counted = select(func.count().label("total")).where(*where, Row.day == days.c.on).lateral("counted")
    part = (
        select(*COLUMNS)
        .where(*where, Row.day == days.c.on)
        .order_by(*ORDER)
        .limit(written(limit))
        .lateral("part")
    )
    return select(part, counted.c.total).select_from(days).join(counted, true()).join(part, true())


def per_day(
    filters: services.Filters,
    first: date,
    last: date,
    limit: int,
    with_changes: bool = False,
    fold_closed: bool = False,
) -> DayPage:
    """At most `limit` occurrences a day, and how many more the fuller days have: one query on
    PostgreSQL, two on SQLite.

    Each day is its own index range scan that stops after `limit` rows (one
    UNION ALL statement), so the cost follows what the page shows; the
    counts come from the index too.
    """
    days = (last - first).days + 1
    values, family_key = _shape(filters)
    statuses = LISTED if with_changes else Status.SHOWN
    lateral = db.session.get_bind().dialect.name == "postgresql"
    rows, counts = _per_day_statements(days, tuple(values), family_key, limit, statuses, lateral)
    params = values | {"first": first, "last": last}
    if not lateral:
        params |= {f"d{n}": first + timedelta(days=n) for n in range(days)}
    make = _Rows()
    found = sorted(db.session.execute(rows, params), key=IN_ORDER)
    if counts is None:  # PostgreSQL: the day's count beside each row
        more = {row[1]: row[13] - limit for row in found if row[13] > limit}
    else:
        more = {day: n - limit for day, n in db.session.execute(counts, params)}
    entries = [make.entry(row) for row in found]
    closed = {}
    if with_changes:  # closed days and where moved dates went: two small queries (app/agenda/changes.py)
        fold_over = limit if fold_closed else None
        entries, closed = changes.with_changes(filters, first, last, entries, closed_query, fold_over)
    return DayPage(entries, more, closed)


@dataclass(frozen=True)
class Page:
    entries: list[services.Entry]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def one_day(filters: services.Filters, day: date, number: int, size: int) -> Page:
    """One page of one day's occurrences (and moved dates' planned days), with the day's total, in one query."""
    query = (
        shown(filters, day, day, LISTED)
        .add_columns(func.count().over().label("total"))
        .order_by(*ORDER)
        .limit(size)
        .offset((number - 1) * size)
    )
    make, found, total = _Rows(), [], 0
    for row in db.session.execute(query):
        found.append(make.entry(row))
        total = row.total
    if not found and number > 1:
        total = db.session.scalar(
            select(func.count()).select_from(shown(filters, day, day, LISTED).subquery())
        )
    if number == 1:
        found, _ = changes.with_changes(filters, day, day, found, closed_query)
    return Page(found, total, number, size)


def upcoming(
    filters: services.Filters, first: date, last: date, limit: int, other_than_town: int | None = None,
    with_changes: bool = False,
):  # fmt: skip
    """The next `limit` occurrences between two dates, in time order.

    with_changes: also the planned days of moved dates ("Spostato a …") and the
    centers' closed days, as the calendar shows them (two more small queries).
    """
    found = _next(filters, first, last, limit, LISTED if with_changes else Status.SHOWN, other_than_town)
    if with_changes:
        found = changes.with_changes(filters, first, last, found, closed_query)[0][:limit]
    return found


def first_and_after(
    filters: services.Filters, first: date, last: date, first_limit: int, after_limit: int
) -> tuple[list[services.Entry], list[services.Entry]]:
    """`upcoming(..., with_changes=True)` for the day `first` and for the days after it up to `last`
    (the home's «Oggi» and «Nei prossimi giorni»), the changes read once for both: 3 statements, not 4."""
    today = _next(filters, first, first, first_limit, LISTED)
    after = _next(filters, first + timedelta(days=1), last, after_limit, LISTED)
    found, _ = changes.with_changes(filters, first, last, today + after, closed_query)
    on_first = [e for e in found if e.occurrence.start.date() == first]
    return on_first[:first_limit], [e for e in found if e.occurrence.start.date() != first][:after_limit]


def _next(filters, first: date, last: date, limit: int, statuses, other_than_town: int | None = None):
    """The next `limit` occurrences between two dates with these statuses, in time order: one query."""
    values, family_key = _shape(filters)
    query = _next_statement(
        tuple(values), family_key, tuple(statuses), first == last, bool(other_than_town), limit
    )
    params = values | {"first": first, "last": last, "other_town": other_than_town}
    make = _Rows()
    return [make.entry(row) for row in db.session.execute(query, params)]


@lru_cache(maxsize=256)
def _next_statement(
    shape: tuple[str, ...], family_key: tuple, statuses: tuple, one_day: bool, other_town: bool, limit: int
):
    """_next's statement for a shape of filters, built once (as per_day's): the dates, the filters'
    values and the town left out are bound parameters. One day is an equality (see `conditions`)."""
    days = (
        [Row.day == bindparam("first")]
        if one_day
        else [Row.day >= bindparam("first"), Row.day <= bindparam("last")]
    )
    query = select(*COLUMNS).where(*_bound_where(shape, family_key, statuses), *days)
    if other_town:
        query = query.where(Row.town_id != bindparam("other_town"))
    return query.order_by(*ORDER).limit(written(limit))
