"""A feed rebuilt from its stored fragments is byte for byte the feed built from scratch,
after every kind of change and as the horizon moves; a change costs its own series only."""

from datetime import datetime, time, timedelta

import pytest
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import text

from app.agenda import feed_build
from app.agenda.services import Filters, feed_event, public_activities, public_sessions, session_feed_event
from app.calendar import ical
from app.calendar.occurrences import expand
from app.civic_centers import services as centers
from app.civic_centers.models import ActivityStatus
from app.common.timeutil import today_in_rome
from app.labs import services as labs
from app.platform.extensions import db
from tests import factories
from tests.test_query_counts import count_queries

TODAY = today_in_rome()


@pytest.fixture
def district(app):
    """Two centers in two towns, series of every shape, and a lab with weekly sessions."""
    oratorio = factories.center()
    library = factories.center("Biblioteca Civica", town_name="Offanengo")
    weekly = {
        "start_on": TODAY - timedelta(days=TODAY.weekday()),
        "weekdays": "0",
        "until_on": TODAY + timedelta(weeks=30),
    }
    found = {
        "weekly": factories.activity(oratorio, title="Doposcuola", **weekly),
        "ending": factories.activity(oratorio, title="Merenda", **weekly | {"until_on": TODAY + timedelta(days=7)}),
        "later": factories.activity(
            library, title="Corso d'estate", freq="none", weekdays="", until_on=None,
            start_on=TODAY + timedelta(days=400),
        ),
        "monthly": factories.activity(
            library, title="Circolo di lettura", freq="monthly", weekdays="", month_week=-1, month_weekday=3,
            start_on=TODAY - timedelta(days=60), until_on=TODAY + timedelta(days=500),
        ),
        "lab": factories.lab(),
    }  # fmt: skip
    found["sessions"] = [factories.session(found["lab"], TODAY + timedelta(days=n)) for n in (3, 10, 17)]
    db.session.commit()
    return found


def from_scratch(today) -> bytes:
    """The everything-feed built by ical.build_feed from every public series, with no cache at all."""
    first, last = ical.horizon(today)
    activity_url = "civic_centers.activity_detail"
    items = [
        feed_event(a, url_for(activity_url, slug=a.center.slug, activity_id=a.id, _external=True))
        for a in public_activities(Filters())
    ]
    items += [
        session_feed_event(s, url_for("labs.detail", slug=s.lab.slug, _external=True))
        for s in public_sessions(Filters(), first, last)
    ]
    return ical.build_feed(_("Legami – tutti gli eventi"), items, today)


@pytest.fixture
def compare(app, browser, monkeypatch):
    """Request the feed (as built on a given day) and compare it with one built from scratch."""
    state = {"today": TODAY}
    monkeypatch.setattr("app.agenda.feeds.today_in_rome", lambda: state["today"])

    def check(today=TODAY) -> bytes:
        state["today"] = today
        app.extensions["legami_feed_memory"].forget_heads()  # a worker that has not checked it lately
        served = browser.get("/ical/tutto.ics")
        assert served.status_code == 200
        db.session.expire_all()
        with app.test_request_context():
            assert served.data == from_scratch(today)
        return served.data

    return check


@pytest.fixture
def examined(monkeypatch) -> list[str]:
    """The UIDs of the series a rebuild turns into plain data again."""
    seen = []
    real = feed_build.feed_event

    def spy(activity, url, time_of_day=None):
        seen.append(activity.uid)
        return real(activity, url, time_of_day)

    monkeypatch.setattr(feed_build, "feed_event", spy)
    return seen


def test_after_each_change_the_feed_equals_one_built_from_scratch(district, compare, examined):
    weekly, monthly = district["weekly"], district["monthly"]
    first = compare()
    assert b"Doposcuola" in first and b"Merenda" in first and b"Corso d'estate" not in first
    examined.clear()

    weekly.title = "Doposcuola e merenda"
    weekly.touch()
    db.session.commit()
    assert b"Doposcuola e merenda" in compare()
    assert examined == [weekly.uid]  # the other series come from their stored fragments

    examined.clear()
    centers.add_closure(weekly.center, TODAY + timedelta(days=14), TODAY + timedelta(days=21), "Ponte")
    db.session.commit()
    assert "CHIUSO – Ponte".encode() in compare()
    assert sorted(examined) == sorted([weekly.uid, district["ending"].uid])  # the center's activities

    next_dates = [o.original_on for o in expand(monthly.schedule(), TODAY, TODAY + timedelta(days=120))]
    centers.cancel_occurrence(monthly, next_dates[0], "Maltempo")
    db.session.commit()
    assert b"Maltempo" in compare()
    moved = datetime.combine(next_dates[1] + timedelta(days=1), time(10))
    centers.move_occurrence(monthly, next_dates[1], moved, moved + timedelta(hours=2), "In sala grande")
    db.session.commit()
    assert f"DTSTART;TZID=Europe/Rome:{moved:%Y%m%dT%H%M%S}".encode() in compare()

    labs.cancel_session(district["sessions"][0], "Pioggia")
    db.session.commit()
    assert b"Pioggia" in compare()

    examined.clear()
    centers.trash_activity(monthly)
    db.session.commit()
    assert b"Circolo di lettura" not in compare()
    assert examined == []  # nothing to serialise: the trashed series just is not listed

    district["ending"].status = ActivityStatus.DRAFT
    district["ending"].touch()
    db.session.commit()
    assert b"Merenda" not in compare()


def test_as_the_horizon_moves_series_come_and_go_as_from_scratch(district, compare, examined):
    compare()
    examined.clear()
    assert compare(TODAY + timedelta(days=1)) and examined == []  # every window still holds
    assert b"Corso d'estate" in compare(TODAY + timedelta(days=40))  # 400 days ahead comes within a year
    last = expand(district["ending"].schedule(), TODAY, TODAY + timedelta(days=30))[-1].original_on
    assert b"Merenda" in compare(last + timedelta(days=92))  # its last date is still three months back
    assert b"Merenda" not in compare(last + timedelta(days=93))
    assert b"Merenda" in compare(TODAY)  # and back, as a test that sets the clock back would


def test_a_series_still_shown_when_its_window_runs_out_keeps_its_stored_events(
    district, compare, examined, monkeypatch
):
    compare()
    serialised = []
    real = feed_build.event_fragment
    monkeypatch.setattr(
        feed_build, "event_fragment", lambda event: serialised.append(event.uid) or real(event)
    )
    examined.clear()
    # The monthly series' window ends about 15 months on (its last date within a year, plus three
    # months); it still has dates then, so it is examined again, but its bytes are the same.
    assert b"Circolo di lettura" in compare(TODAY + timedelta(days=460))
    monthly = district["monthly"].uid
    assert monthly in examined and monthly not in serialised


def test_a_rebuild_after_one_change_makes_the_same_queries_for_3_or_30_series(app, browser):
    center = factories.center()
    series = [factories.activity(center, title=f"Attività {n}", start_on=TODAY) for n in range(3)]
    db.session.commit()

    def rebuild_after_a_change() -> list[str]:
        browser.get("/ical/tutto.ics")
        series[0].touch()
        db.session.commit()
        with count_queries() as statements:
            assert browser.get("/ical/tutto.ics").status_code == 200
        return statements

    few = rebuild_after_a_change()
    series += [factories.activity(center, title=f"Attività {n}", start_on=TODAY) for n in range(3, 30)]
    db.session.commit()
    many = rebuild_after_a_change()
    assert few and len(many) == len(few), many


def test_feed_bodies_are_stored_uncompressed_on_postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL storage setting")
    storage = db.session.scalar(
        text(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'feed_cache'::regclass AND attname = 'body'"
        )
    )
    assert storage == "e"  # EXTERNAL: out of line, never compressed
