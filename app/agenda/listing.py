"""Pages read stored occurrences by date range, filtered and bounded in SQL (one query each)."""

from dataclasses import dataclass
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from app.agenda.models import CalendarOccurrence as Row
from app.agenda.models import OccurrenceStatus as Status
from app.agenda.services import Entry, Filters
from app.calendar.occurrences import Occurrence
from app.civic_centers.models import AUDIENCE_LABELS, Audience
from app.extensions import db
from app.timeutil import ROME

COLUMNS = (
    Row.id, Row.day, Row.original_on, Row.starts_at, Row.ends_at, Row.status, Row.is_moved, Row.reason,
    Row.audience, Row.lab_id, Row.title, Row.place, Row.path,
)  # fmt: skip
ORDER = (Row.starts_at, Row.title, Row.id)


def shown(filters: Filters, first: date, last: date) -> Select:
    """Public occurrences between two dates (inclusive) that the pages show, filtered."""
    query = select(*COLUMNS).where(
        Row.is_public.is_(True), Row.day >= first, Row.day <= last, Row.status.in_(Status.SHOWN)
    )
    if filters.town_id:
        query = query.where(Row.town_id == filters.town_id)
    if filters.center_id:
        query = query.where(Row.center_id == filters.center_id)
    if filters.audience:
        # What is "for everyone" is also for children, for the elderly...
        query = query.where(Row.audience.in_({filters.audience, Audience.EVERYONE}))
    if filters.category:
        query = query.where(Row.category == filters.category)
    if filters.lab_id:
        query = query.where(Row.lab_id == filters.lab_id)
    return query


class _Rows:
    """Turns rows into entries; labels are translated once per page, not once per row."""

    def __init__(self):
        self.labels = {str(a): str(label) for a, label in AUDIENCE_LABELS.items()}
        self.lab_label = str(_l("Laboratorio di Comunità"))
        self.root = request.script_root if request else ""

    def entry(self, row) -> Entry:
        occurrence = Occurrence(
            original_on=row.original_on, start=row.starts_at.replace(tzinfo=ROME),
            end=row.ends_at.replace(tzinfo=ROME), is_cancelled=row.status == Status.CANCELLED,
            is_moved=row.is_moved, reason=row.reason,
        )  # fmt: skip
        label = self.lab_label if row.lab_id else self.labels.get(row.audience, "")
        return Entry(occurrence, row.title, self.root + row.path, row.place, label, row.reason)


@dataclass(frozen=True)
class DayPage:
    entries: list[Entry]
    more: dict[date, int]  # day -> how many more than shown


def per_day(filters: Filters, first: date, last: date, limit: int) -> DayPage:
    """At most `limit` occurrences a day, with how many more each day has, in one query."""
    ranked = shown(filters, first, last).add_columns(
        func.row_number().over(partition_by=Row.day, order_by=ORDER).label("rank"),
        func.count().over(partition_by=Row.day).label("of_day"),
    )
    inner = ranked.subquery()
    query = (
        select(inner)
        .where(inner.c.rank <= limit)
        .order_by(inner.c.day, inner.c.starts_at, inner.c.title, inner.c.id)
    )
    rows, make, more = [], _Rows(), {}
    for row in db.session.execute(query):
        rows.append(make.entry(row))
        if row.of_day > limit:
            more[row.day] = row.of_day - limit
    return DayPage(rows, more)


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def one_day(filters: Filters, day: date, number: int, size: int) -> Page:
    """One page of one day's occurrences, with the day's total, in one query."""
    query = (
        shown(filters, day, day)
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
        total = db.session.scalar(select(func.count()).select_from(shown(filters, day, day).subquery()))
    return Page(found, total, number, size)


def upcoming(filters: Filters, first: date, last: date, limit: int, other_than_town: int | None = None):
    """The next `limit` occurrences between two dates, in time order."""
    query = shown(filters, first, last)
    if other_than_town:
        query = query.where(Row.town_id != other_than_town)
    make = _Rows()
    return [make.entry(row) for row in db.session.execute(query.order_by(*ORDER).limit(limit))]
