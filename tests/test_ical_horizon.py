"""A series' horizon window: on every day it covers, a feed built that day shows the series
exactly as `in_horizon` says (property-based, with hypothesis)."""

import os
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.calendar.ical import FeedEvent, horizon, horizon_window, in_horizon
from app.calendar.occurrences import Change, Recurrence, Schedule

DAY0 = date(2026, 3, 1)


def _until(days: int | None) -> date | None:
    return DAY0 + timedelta(days=days) if days is not None else None


def _weekly(interval, days, until, count) -> Recurrence:
    return Recurrence(
        "weekly",
        interval,
        tuple(sorted(days)),
        until=_until(until),
        count=None if until is not None else count,
    )


def _monthly(interval, week, weekday, until) -> Recurrence:
    return Recurrence("monthly", interval, month_week=week, month_weekday=weekday, until=_until(until))


ENDS = st.one_of(st.none(), st.integers(-600, 900))
recurrences = st.one_of(
    st.just(Recurrence()),
    st.builds(
        _weekly,
        st.integers(1, 12),
        st.sets(st.integers(0, 6), min_size=1, max_size=3),
        ENDS,
        st.one_of(st.none(), st.integers(1, 60)),
    ),
    st.builds(_monthly, st.integers(1, 12), st.sampled_from([1, 2, 3, 4, -1]), st.integers(0, 6), ENDS),
)
# Moved dates anywhere around the series, some of them cancelled too.
moves = st.lists(st.tuples(st.integers(-900, 900), st.booleans()), max_size=3)


def series(recurrence: Recurrence, start: int, moved) -> FeedEvent:
    first = DAY0 + timedelta(days=start)
    changes = {
        first + timedelta(days=7 * n): Change(
            is_cancelled=cancelled, new_start=datetime.combine(DAY0 + timedelta(days=days), time(10))
        )
        for n, (days, cancelled) in enumerate(moved)
    }
    schedule = Schedule(first, time(16, 30), time(18), recurrence, changes=changes)
    return FeedEvent(
        uid="x@legami", title="x", schedule=schedule, sequence=0, stamp=datetime(2026, 1, 1, tzinfo=UTC)
    )


@settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "200")), deadline=None)
@given(
    recurrence=recurrences,
    start=st.integers(-900, 900),
    moved=moves,
    today=st.integers(-900, 900),
    probes=st.lists(st.floats(0, 1), max_size=6),
)
def test_the_answer_holds_on_every_day_of_the_window(recurrence, start, moved, today, probes):
    item = series(recurrence, start, moved)
    built_on = DAY0 + timedelta(days=today)
    shown, first, last = horizon_window(item, built_on)
    assert shown == in_horizon(item, *horizon(built_on))
    assert first <= built_on <= last
    # The window's ends, and days within it, at most four years away (an endless series is endless).
    low, high = max(first, built_on - timedelta(days=1500)), min(last, built_on + timedelta(days=1500))
    days = {low, high, *(low + timedelta(days=round(p * (high - low).days)) for p in probes)}
    for day in days:
        assert in_horizon(item, *horizon(day)) == shown, (day, first, last)


def test_a_series_long_past_is_out_until_the_end_of_time():
    item = series(Recurrence(freq="weekly", weekdays=(0,), until=date(2020, 6, 1)), -3000, [])
    assert horizon_window(item, DAY0) == (False, date(2020, 6, 1) + timedelta(days=93), date.max)


def test_an_endless_series_is_in_until_the_end_of_time():
    item = series(Recurrence(freq="weekly", weekdays=(6,)), 0, [])
    shown, first, last = horizon_window(item, DAY0)
    assert shown and first == DAY0 - timedelta(days=366) and last > DAY0 + timedelta(days=360)
