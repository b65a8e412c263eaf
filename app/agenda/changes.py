"""What the calendar pages add to the occurrences: a center's closed days and where moved dates went.

Two small queries per page, whatever it shows: the closed days of the centers
whose activities the filters select (one line per center and day, with the
closure's reason), and the new date of each moved date whose planned day is
on the page ("Spostato a giovedì 12").

A view that shows a few entries a day (the calendar's list, week and month) folds a day's
closed centers into one count when they are more than it shows a day (`fold_over`): at
Christmas a hundred centers close together, and a month listed each of them on each day
(about 800 lines). The day view (and the center and activity pages) still name every one.
"""

from datetime import date, datetime, time

from sqlalchemy import bindparam, func, or_, select, tuple_

from app.agenda import services
from app.agenda.models import CalendarOccurrence as Row
from app.calendar.occurrences import Occurrence
from app.civic_centers.models import OccurrenceChange
from app.common.timeutil import ROME
from app.platform.extensions import db


def closed_statement(where: list, fold: bool):
    """The closed days' statement over `where` (the filters and dates, as bound parameters): one row
    per center and day, with the day's count of centers; with `fold`, one row for a day whose centers
    are more than the bound parameter `fold_over`. Built once per shape of filters (listing.py)."""
    grouped = (
        select(Row.center_id, Row.day, func.max(Row.reason).label("reason"), func.max(Row.place).label("place"),
               func.min(Row.path).label("path"), func.count().over(partition_by=Row.day).label("centers"),
               func.row_number().over(partition_by=Row.day, order_by=Row.center_id).label("nth"))
        .where(*where)
        .group_by(Row.day, Row.center_id)  # the closed days index's order: no sort
    ).subquery()  # fmt: skip
    query = select(grouped)
    if fold:
        query = query.where(or_(grouped.c.centers <= bindparam("fold_over"), grouped.c.nth == 1))
    return query.order_by(grouped.c.day, grouped.c.center_id)


def closed_days(
    filters, first: date, last: date, closed_query, fold_over: int | None = None
) -> tuple[list["services.Entry"], dict[date, int]]:
    """One entry per center and closed day that the filters would otherwise show, and the days
    whose closed centers are more than `fold_over` (day -> how many centers), not listed.
    `closed_query(filters, first, last, fold_over)`: the statement and its parameters.

    The database counts each day's centers and returns one row for a folded day: what the page
    reads stays bounded by what it shows, however many centers close together."""
    query, params = closed_query(filters, first, last, fold_over)
    rows = db.session.execute(query, params).all()
    folded = {row.day: row.centers for row in rows if fold_over is not None and row.centers > fold_over}
    found = []
    for row in rows:
        if row.day in folded:
            continue
        start = datetime.combine(row.day, time(), ROME)
        occurrence = Occurrence(original_on=row.day, start=start, end=start)
        center_name = row.place.rsplit(", ", 1)[0]
        center_path = row.path.split("/attivita/", 1)[0]
        found.append(
            services.Entry(occurrence, center_name, center_path, row.place, "", row.reason, "closed")
        )
    return found, folded


def with_changes(
    filters,
    first: date,
    last: date,
    entries: list["services.Entry"],
    closed_query,
    fold_over: int | None = None,
) -> tuple[list["services.Entry"], dict[date, int]]:
    """The entries with their center's closed days added and moved dates' new dates filled in,
    and the days whose closed centers were folded into a count (see closed_days)."""
    moved = [e for e in entries if e.kind == "moved-from"]
    if moved:
        keys = {(_activity_id(e), e.occurrence.original_on) for e in moved}
        rows = db.session.execute(
            select(
                OccurrenceChange.activity_id, OccurrenceChange.original_on, OccurrenceChange.new_start
            ).where(tuple_(OccurrenceChange.activity_id, OccurrenceChange.original_on).in_(sorted(keys)))
        )
        new_starts = {(a, d): s for a, d, s in rows}
        entries = [
            _replace(e, new_starts.get((_activity_id(e), e.occurrence.original_on)))
            if e.kind == "moved-from"
            else e
            for e in entries
        ]
    closed, folded = closed_days(filters, first, last, closed_query, fold_over)
    found = entries + closed
    found.sort(key=lambda e: (e.occurrence.start, e.kind != "closed", e.title))
    return found, folded


def _activity_id(entry: "services.Entry") -> int:
    return int(entry.url.rstrip("/").rsplit("/", 1)[-1])


def _replace(entry: "services.Entry", new_start: datetime | None) -> "services.Entry":
    from dataclasses import replace

    return replace(entry, moved_to=new_start.replace(tzinfo=ROME) if new_start else None)
