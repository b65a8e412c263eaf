"""A center's "Cambi dei prossimi 14 giorni": closures, cancellations and moves families must not miss."""

import re
from datetime import datetime, time, timedelta

import pytest

from app.civic_centers.models import ActivityStatus, Closure, OccurrenceChange
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.test_query_counts import count_queries


def box(response) -> str:
    page = text(response)
    found = page[page.index("Cambi dei prossimi 14 giorni") : page.index("Google Calendar non mostra")]
    return re.sub(r" ([,:])", r"\1", found)


@pytest.fixture
def center(app):
    found = factories.center(slug="oratorio-san-luigi")
    db.session.commit()
    return found


def weekly(center, title, first, **fields):
    return factories.activity(center, title=title, start_on=first, weekdays=str(first.weekday()),
                              until_on=first + timedelta(weeks=10), **fields)  # fmt: skip


def test_nothing_changed_says_so(browser, center):
    weekly(center, "Doposcuola", today_in_rome() + timedelta(days=1))
    db.session.commit()
    assert "Nessun cambio: tutto si svolge come da programma." in box(
        browser.get("/centri/oratorio-san-luigi")
    )


def test_closures_cancellations_and_moves_within_14_days(app, browser, center):
    today = today_in_rome()
    first = today + timedelta(days=1)
    doposcuola = weekly(center, "Doposcuola", first)
    coro = weekly(center, "Coro", today + timedelta(days=2), start_time=time(20), end_time=time(21))
    doposcuola.changes.append(OccurrenceChange(original_on=first, is_cancelled=True, reason="Sciopero"))
    moved_to = datetime.combine(today + timedelta(days=4), time(17))
    coro.changes.append(OccurrenceChange(original_on=today + timedelta(days=2), new_start=moved_to,
                                         new_end=moved_to + timedelta(hours=1)))  # fmt: skip
    # Outside the window, or not a date of the rule: not announced.
    doposcuola.changes.append(
        OccurrenceChange(original_on=first + timedelta(weeks=3), is_cancelled=True, reason="Gita")
    )
    doposcuola.changes.append(
        OccurrenceChange(original_on=first + timedelta(days=1), is_cancelled=True, reason="Fantasma")
    )
    center.closures.append(Closure(start_on=today + timedelta(days=10), end_on=today + timedelta(days=20),
                                   reason="Vacanze di Natale"))  # fmt: skip
    db.session.commit()
    with app.test_request_context():
        from flask_babel import format_date

        def long(day):
            return format_date(day, "EEEE d MMMM y")

        expected = [
            f"Annullato – Doposcuola, {long(first)} (Sciopero)",
            f"Spostato – Coro: da {long(today + timedelta(days=2))} a {long(moved_to)}, 17:00",
            f"Chiuso – Vacanze di Natale: da {long(today + timedelta(days=10))} a {long(today + timedelta(days=20))}",
        ]
    found = box(browser.get("/centri/oratorio-san-luigi"))
    positions = [found.index(line) for line in expected]
    assert positions == sorted(positions)
    assert "Gita" not in found and "Fantasma" not in found


def test_a_cancelled_activity_is_announced(browser, center):
    activity = weekly(center, "Ginnastica dolce", today_in_rome() + timedelta(days=3))
    activity.status, activity.cancel_reason = ActivityStatus.CANCELLED, "Istruttrice malata"
    db.session.commit()
    assert "Annullata tutta l'attività – Ginnastica dolce (Istruttrice malata)" in box(
        browser.get("/centri/oratorio-san-luigi")
    )


def test_the_box_costs_no_query_per_activity(browser, center):
    first = today_in_rome() + timedelta(days=1)
    one = weekly(center, "Uno", first)
    one.changes.append(OccurrenceChange(original_on=first, is_cancelled=True, reason="x"))
    db.session.commit()
    browser.get("/centri/oratorio-san-luigi")
    with count_queries() as few:
        browser.get("/centri/oratorio-san-luigi")
    for n in range(5):
        other = weekly(center, f"Altra {n}", first)
        other.changes.append(OccurrenceChange(original_on=first, is_cancelled=True, reason="y"))
    db.session.commit()
    with count_queries() as many:
        browser.get("/centri/oratorio-san-luigi")
    assert len(many) == len(few)


def test_a_date_moved_into_the_window_from_outside_is_announced(browser, center):
    """Only the activities with something in the window are loaded: a move is found by its new day too."""
    today = today_in_rome()
    teatro = weekly(center, "Teatro", today + timedelta(days=1))
    weekly(center, "Lettura", today + timedelta(days=1))  # nothing to announce
    planned = today + timedelta(days=22)  # a date of the rule, outside the window
    moved_to = datetime.combine(today + timedelta(days=5), time(17))
    teatro.changes.append(
        OccurrenceChange(original_on=planned, new_start=moved_to, new_end=moved_to + timedelta(hours=1))
    )
    db.session.commit()
    found = box(browser.get("/centri/oratorio-san-luigi"))
    assert "Spostato – Teatro" in found and "Lettura" not in found
