"""url_filler builds a row's address as url_for would, with one url_for per page."""

import pytest
from flask import url_for

from app.platform.urls import FILL, url_filler


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
        assert session(session_id) == url_for("events.lab_session", slug="lab-di-cucito", session_id=session_id)


def test_a_value_that_needs_quoting_is_quoted_as_url_for_would(request_context):
    day = url_filler("agenda.calendar", vista="giorno", dal=FILL)
    assert day("24 dicembre & più") == url_for("agenda.calendar", vista="giorno", dal="24 dicembre & più")
    assert "&" not in day("a&b").split("dal=")[1]


def test_the_mark_must_be_named_once(request_context):
    with pytest.raises(ValueError):
        url_filler("agenda.calendar", vista="giorno")
    with pytest.raises(ValueError):
        url_filler("agenda.calendar", vista=FILL, dal=FILL)
