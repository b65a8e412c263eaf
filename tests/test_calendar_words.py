"""The rule in words (issue 22): one function for every recurrence kind of app.calendar."""

from datetime import date, time

import pytest

from app.calendar.occurrences import Frequency, Recurrence, Schedule
from app.calendar.words import describe

START = date(2027, 3, 2)  # a Tuesday


def words(recurrence: Recurrence, start_on: date = START, hours=(time(16, 30), time(18))) -> str:
    return describe(Schedule(start_on, *hours, recurrence=recurrence))


@pytest.fixture(autouse=True)
def _context(app):
    with app.test_request_context():
        yield


def test_weekly_on_two_days_until_a_date_of_the_same_year():
    rule = Recurrence(Frequency.WEEKLY, weekdays=(3, 1), until=date(2027, 6, 30))
    assert words(rule) == "Ogni martedì e giovedì, 16:30–18:00, fino al 30 giugno"


def test_weekly_on_three_days_without_an_end():
    assert (
        words(Recurrence(Frequency.WEEKLY, weekdays=(0, 2, 4)))
        == "Ogni lunedì, mercoledì e venerdì, 16:30–18:00"
    )


def test_every_two_weeks_until_next_year():
    rule = Recurrence(Frequency.WEEKLY, interval=2, weekdays=(6,), until=date(2028, 1, 8))
    assert words(rule) == "Ogni due settimane la domenica, 16:30–18:00, fino all'8 gennaio 2028"


def test_monthly_on_the_first_monday_a_number_of_times():
    rule = Recurrence(Frequency.MONTHLY, month_week=1, month_weekday=0, count=6)
    assert words(rule) == "Il primo lunedì del mese, 16:30–18:00, per 6 volte"


def test_every_three_months_on_the_last_sunday():
    rule = Recurrence(Frequency.MONTHLY, interval=3, month_week=-1, month_weekday=6, until=date(2027, 12, 1))
    assert words(rule) == "Ogni tre mesi, l'ultima domenica del mese, 16:30–18:00, fino al 1º dicembre"


def test_a_single_date():
    assert (
        words(Recurrence(), date(2027, 6, 12), (time(10), time(12))) == "Sabato 12 giugno 2027, 10:00–12:00"
    )
