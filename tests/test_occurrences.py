"""Recurrence expansion: Europe/Rome wall-clock time, bounded, with changes and closures."""

from datetime import date, datetime, time, timedelta

from app.calendar.occurrences import (
    MAX_OCCURRENCES,
    Change,
    Recurrence,
    Schedule,
    expand,
)

TUESDAYS = Recurrence(freq="weekly", weekdays=(1,), until=date(2026, 5, 31))
SCHEDULE = Schedule(date(2026, 2, 3), time(16, 30), time(18, 0), TUESDAYS)


def test_weekly_keeps_1630_across_the_march_clock_change():
    found = expand(SCHEDULE, date(2026, 2, 1), date(2026, 5, 31))
    assert len(found) == 17
    assert {(o.start.hour, o.start.minute, o.end.hour) for o in found} == {(16, 30, 18)}
    offsets = {o.start.date(): o.start.utcoffset() for o in found}
    assert offsets[date(2026, 3, 24)] == timedelta(hours=1)  # before the last Sunday of March
    assert offsets[date(2026, 3, 31)] == timedelta(hours=2)  # after it
    assert all(o.start.weekday() == 1 for o in found)


def test_a_rule_with_no_end_gives_only_the_window():
    endless = Schedule(date(2026, 1, 5), time(20, 30), time(22), Recurrence(freq="weekly", weekdays=(0, 3)))
    found = expand(endless, date(2031, 3, 1), date(2031, 3, 31))
    assert [o.start.day for o in found] == [3, 6, 10, 13, 17, 20, 24, 27, 31]
    huge = expand(endless, date(2026, 1, 1), date(2099, 1, 1))
    assert len(huge) <= MAX_OCCURRENCES


def test_count_and_interval():
    every_other = Recurrence(freq="weekly", weekdays=(2,), interval=2, count=4)
    found = expand(
        Schedule(date(2026, 1, 7), time(9), time(10), every_other), date(2026, 1, 1), date(2026, 12, 31)
    )
    assert [o.start.date() for o in found] == [
        date(2026, 1, 7),
        date(2026, 1, 21),
        date(2026, 2, 4),
        date(2026, 2, 18),
    ]


def test_monthly_second_tuesday_and_last_friday():
    second_tuesday = Recurrence(freq="monthly", month_week=2, month_weekday=1, count=3)
    found = expand(
        Schedule(date(2026, 1, 13), time(15), time(16), second_tuesday), date(2026, 1, 1), date(2026, 12, 1)
    )
    assert [o.start.date() for o in found] == [date(2026, 1, 13), date(2026, 2, 10), date(2026, 3, 10)]
    last_friday = Recurrence(freq="monthly", month_week=-1, month_weekday=4, count=2)
    found = expand(
        Schedule(date(2026, 10, 30), time(15), time(16), last_friday), date(2026, 1, 1), date(2027, 1, 1)
    )
    assert [o.start.date() for o in found] == [date(2026, 10, 30), date(2026, 11, 27)]


def test_first_on_or_after_moves_to_a_matching_day():
    assert TUESDAYS.first_on_or_after(date(2026, 2, 1)) == date(2026, 2, 3)
    assert Recurrence().first_on_or_after(date(2026, 2, 1)) == date(2026, 2, 1)


def test_closures_skip_and_cancellations_are_marked():
    schedule = Schedule(
        SCHEDULE.start_on, SCHEDULE.start_time, SCHEDULE.end_time, TUESDAYS,
        skipped=frozenset({date(2026, 4, 7)}),
        changes={date(2026, 3, 10): Change(is_cancelled=True, reason="Sciopero")},
    )  # fmt: skip
    found = {o.start.date(): o for o in expand(schedule, date(2026, 3, 1), date(2026, 4, 30))}
    assert date(2026, 4, 7) not in found
    assert found[date(2026, 3, 10)].is_cancelled and found[date(2026, 3, 10)].reason == "Sciopero"
    assert not found[date(2026, 3, 17)].is_cancelled


def test_a_moved_occurrence_appears_once_at_its_new_time():
    moved = Change(new_start=datetime(2026, 3, 19, 17, 0), new_end=datetime(2026, 3, 19, 18, 30))
    schedule = Schedule(
        SCHEDULE.start_on,
        SCHEDULE.start_time,
        SCHEDULE.end_time,
        TUESDAYS,
        changes={date(2026, 3, 17): moved},
    )
    found = expand(schedule, date(2026, 3, 16), date(2026, 3, 22))
    assert len(found) == 1
    assert (found[0].start.day, found[0].start.hour, found[0].end.minute) == (19, 17, 30)
    assert found[0].is_moved and found[0].original_on == date(2026, 3, 17)
    # Moved into a window that does not contain the original date: still there once.
    assert len(expand(schedule, date(2026, 3, 19), date(2026, 3, 19))) == 1


def test_single_event():
    one = Schedule(date(2026, 6, 2), time(10), time(12))
    assert len(expand(one, date(2026, 6, 1), date(2026, 6, 30))) == 1
    assert expand(one, date(2026, 7, 1), date(2026, 7, 30)) == []
