"""url_filler builds a row's address as url_for would, with one url_for per page."""

import pytest
from flask import url_for
from werkzeug.routing import BuildError

from app.platform.urls import FILL, MARKS, url_filler


@pytest.fixture
def request_context(app):
    with app.test_request_context("/", base_url="https://legami.test/sotto"):
        yield


def test_each_value_gives_the_address_url_for_gives(request_context):
    day = url_filler("agenda.calendar", vista="giorno", dal=FILL, comune="crema", eta="8")
    session = url_filler("events.lab_session", slug="lab-di-cucito", session_id=FILL)
    date_page = url_filler("events.activity_date", slug="oratorio-san-luigi", activity_id=7, day=FILL)
    for value in ("2026-12-24", "2027-01-06"):
        expected = url_for("agenda.calendar", vista="giorno", dal=value, comune="crema", eta="8")
        assert day(value) == expected
        assert "/sotto/calendario?vista=giorno&dal=" + value in expected  # the order as url_for's
        assert date_page(value) == url_for(
            "events.activity_date", slug="oratorio-san-luigi", activity_id=7, day=value
        )
    for session_id in (1, 42, 90210):
        assert session(session_id) == url_for(
            "events.lab_session", slug="lab-di-cucito", session_id=session_id
        )


def test_a_value_that_needs_quoting_is_quoted_as_url_for_would(request_context):
    day = url_filler("agenda.calendar", vista="giorno", dal=FILL)
    assert day("24 dicembre & più") == url_for("agenda.calendar", vista="giorno", dal="24 dicembre & più")
    assert "&" not in day("a&b").split("dal=")[1]


def test_the_mark_must_be_named_once(request_context):
    with pytest.raises(ValueError):
        url_filler("agenda.calendar", vista="giorno")
    with pytest.raises(ValueError):
        url_filler("agenda.calendar", vista=FILL, dal=FILL)


def test_a_number_s_place_takes_what_url_for_takes(request_context):
    session = url_filler("events.lab_session", slug="lab", session_id=FILL)
    assert session("007") == url_for("events.lab_session", slug="lab", session_id="007")  # /…/7, as url_for
    with pytest.raises((ValueError, BuildError)):
        session("abc")  # url_for refuses a word where a number goes; so does the filler


def test_the_rest_of_the_address_may_hold_the_marks_digits(request_context):
    for slug in (MARKS[0], MARKS[1], MARKS[0][:-1], "x" + MARKS[1][1:]):
        session = url_filler("events.lab_session", slug=slug, session_id=FILL)
        assert session(12) == url_for("events.lab_session", slug=slug, session_id=12)
        day = url_filler("events.activity_date", slug=slug, activity_id=9, day=FILL)
        assert day("2026-12-24") == url_for(
            "events.activity_date", slug=slug, activity_id=9, day="2026-12-24"
        )
