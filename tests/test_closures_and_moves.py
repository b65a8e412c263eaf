"""One rule for closures and moves: a closure hides a date on the day it really happens, everywhere;
the forms ask before a closure and a moved date meet; a closed or cancelled date says so."""

from datetime import date, datetime, time

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import func, select

from app.agenda.models import CalendarOccurrence
from app.civic_centers import services as centers
from app.civic_centers.models import Closure, OccurrenceChange
from app.platform.extensions import db
from tests import factories
from tests.conftest import text

# The factory's activity: Tuesdays 16:30–18:00, February to May 2026.
TUESDAY, WEDNESDAY = date(2026, 3, 10), date(2026, 3, 11)
FEEDS = ("/ical/tutto.ics", "/ical/centri/oratorio-san-luigi.ics", "/ical/comuni/crema.ics",
         "/ical/pubblico/bambini.ics", "/ical/calendario.ics?centro=oratorio-san-luigi&eta=7")  # fmt: skip


@pytest.fixture
def manager(make_user):
    return make_user("gestore@example.org", [], "Gina Gestrice")


@pytest.fixture(autouse=True)
def feeds_on_1_march(monkeypatch):
    """The feeds cover three months back and a year ahead of their day: March 2026 here."""
    monkeypatch.setattr("app.agenda.feeds.today_in_rome", lambda: date(2026, 3, 1))


@pytest.fixture
def activity(app, manager):
    center = factories.center(managers=[manager], slug="oratorio-san-luigi")
    found = factories.activity(center, age_min=6, age_max=10)
    db.session.commit()
    return found


def moved(activity, reason="Palestra occupata"):
    centers.move_occurrence(activity, TUESDAY, datetime(2026, 3, 11, 17), datetime(2026, 3, 11, 18), reason)
    db.session.commit()


def feed_day(browser, url: str, day: date) -> list:
    response = browser.get(url)
    assert response.status_code == 200, url
    return recurring_ical_events.of(Calendar.from_ical(response.data)).at(day)


def statuses(activity) -> set:
    rows = db.session.execute(
        select(CalendarOccurrence.day, CalendarOccurrence.status).where(
            CalendarOccurrence.activity_id == activity.id, CalendarOccurrence.original_on == TUESDAY
        )
    )
    return set(rows)


def test_a_closure_on_the_planned_day_keeps_the_moved_date_everywhere(browser, activity):
    moved(activity)
    centers.add_closure(activity.center, TUESDAY, TUESDAY, "Elezioni")
    db.session.commit()
    assert statuses(activity) == {(TUESDAY, "moved-from"), (WEDNESDAY, "moved-to")}
    page = text(browser.get("/calendario?dal=2026-03-09&centro=oratorio-san-luigi"))
    assert "17:00–18:00" in page.split("Mercoledì 11 marzo 2026")[1]
    for url in FEEDS:
        (event,) = feed_day(browser, url, WEDNESDAY)
        assert str(event["STATUS"]) == "CONFIRMED" and event["DTSTART"].dt.hour == 17
        assert str(event["DESCRIPTION"]).startswith("Spostato da martedì 10 marzo 2026. Palestra occupata")


def test_a_closure_on_the_new_day_closes_the_moved_date_everywhere(browser, activity):
    moved(activity)
    centers.add_closure(activity.center, WEDNESDAY, WEDNESDAY, "Disinfestazione")
    db.session.commit()
    assert statuses(activity) == {(TUESDAY, "moved-from"), (WEDNESDAY, "closed")}
    page = text(browser.get("/calendario?dal=2026-03-09&centro=oratorio-san-luigi"))
    assert "17:00–18:00" not in page and "Chiuso – Disinfestazione" in page
    for url in FEEDS:
        (event,) = feed_day(browser, url, WEDNESDAY)
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["SUMMARY"]) == "CHIUSO – Disinfestazione (Doposcuola)"


def test_a_closed_dates_own_page_says_closed(browser, activity):
    centers.add_closure(activity.center, TUESDAY, TUESDAY, "Elezioni")
    db.session.commit()
    response = browser.get(f"/centri/oratorio-san-luigi/attivita/{activity.id}/data/2026-03-10")
    assert response.status_code == 200
    page = text(response)
    assert "Chiuso – Elezioni" in page
    assert "Aggiungi a Google Calendar" not in page and "Aggiungi a Outlook" not in page
    ics = Calendar.from_ical(
        browser.get(f"/centri/oratorio-san-luigi/attivita/{activity.id}/data/2026-03-10.ics").data
    )
    (event,) = ics.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and str(event["SUMMARY"]).startswith("ANNULLATO – ")
    assert (
        browser.get(f"/centri/oratorio-san-luigi/attivita/{activity.id}/data/2026-03-11").status_code == 404
    )


def test_a_cancelled_date_offers_no_add_to_calendar_buttons(browser, activity):
    centers.cancel_occurrence(activity, TUESDAY, "Sciopero")
    db.session.commit()
    page = text(browser.get(f"/centri/oratorio-san-luigi/attivita/{activity.id}/data/2026-03-10"))
    assert "Annullato. Motivo: Sciopero" in page
    assert "Aggiungi a Google Calendar" not in page and "Aggiungi a Outlook" not in page
    assert "Scarica il file .ics" not in page
    held = text(browser.get(f"/centri/oratorio-san-luigi/attivita/{activity.id}/data/2026-03-17"))
    assert "Aggiungi a Google Calendar" in held


def test_the_month_view_shows_a_cancelled_dates_reason(browser, activity):
    centers.cancel_occurrence(activity, TUESDAY, "Sciopero")
    db.session.commit()
    page = text(browser.get("/calendario?vista=mese&dal=2026-03-01&centro=oratorio-san-luigi"))
    assert "Annullato Sciopero" in page


# --- the forms ask first ------------------------------------------------------


def closure(browser, slug="oratorio-san-luigi", day="2026-03-10", **choices):
    data = {"chiusura-start_on": day, "chiusura-end_on": day, "chiusura-reason": "Elezioni"} | choices
    return browser.post(f"/gestione/centri/{slug}/chiusure", data)


def change_of(activity) -> OccurrenceChange:
    db.session.expire_all()
    return db.session.scalar(select(OccurrenceChange).where(OccurrenceChange.activity_id == activity.id))


@pytest.mark.parametrize("day", ["2026-03-10", "2026-03-11"])  # the planned day, the new day
def test_a_closure_that_touches_a_moved_date_stops_and_asks(browser, manager, activity, day):
    moved(activity)
    browser.login(manager)
    response = closure(browser, day=day)
    assert response.status_code == 409
    page = text(response)
    assert "Date da decidere prima di salvare" in page
    assert "spostata da martedì 10 marzo 2026 a mercoledì 11 marzo 2026, 17:00." in page
    assert db.session.scalar(select(func.count(Closure.id))) == 0


def test_keep_cancel_or_move_again(browser, manager, activity):
    moved(activity)
    browser.login(manager)
    change = change_of(activity)
    assert closure(browser, day="2026-03-11", **{f"data-{change.id}": "mantieni"}).status_code == 302
    assert change_of(activity).new_start == datetime(2026, 3, 11, 17)
    db.session.execute(Closure.__table__.delete())
    db.session.commit()
    bad = closure(
        browser, day="2026-03-11", **{f"data-{change.id}": "sposta", f"data-{change.id}-giorno": "2026-03-11"}
    )
    assert bad.status_code == 409 and "Scegli un giorno in cui il centro è aperto." in text(bad)
    response = closure(
        browser, day="2026-03-11", **{f"data-{change.id}": "sposta", f"data-{change.id}-giorno": "2026-03-12"}
    )
    assert response.status_code == 302
    assert change_of(activity).new_start == datetime(2026, 3, 12, 17)
    db.session.execute(Closure.__table__.delete())
    db.session.commit()
    assert closure(browser, day="2026-03-12", **{f"data-{change.id}": "annulla"}).status_code == 302
    found = change_of(activity)
    assert found.is_cancelled and found.new_start is None and found.reason == "Elezioni"


def test_moving_a_date_onto_a_closed_day_stops_and_asks(browser, manager, activity):
    centers.add_closure(activity.center, WEDNESDAY, WEDNESDAY, "Disinfestazione")
    db.session.commit()
    browser.login(manager)
    data = {"sposta-original_on": "2026-03-10", "sposta-new_on": "2026-03-11", "sposta-new_start": "17:00",
            "sposta-new_end": "18:00"}  # fmt: skip
    response = browser.post(f"/gestione/attivita/{activity.id}/sposta-data", data)
    assert response.status_code == 409
    assert "Il mercoledì 11 marzo 2026 il centro è chiuso (Disinfestazione)" in text(response)
    assert change_of(activity) is None
    again = browser.post(
        f"/gestione/attivita/{activity.id}/sposta-data", data | {"sposta-new_on": "2026-03-12"}
    )
    assert again.status_code == 302 and change_of(activity).new_start == datetime(2026, 3, 12, 17)
    db.session.delete(change_of(activity))
    db.session.commit()
    cancelled = browser.post(
        f"/gestione/attivita/{activity.id}/sposta-data", data | {"sposta-chiuso": "annulla"}
    )
    assert cancelled.status_code == 302
    found = change_of(activity)
    assert found.is_cancelled and found.new_start is None and found.reason == "Disinfestazione"


def test_only_the_centers_manager_adds_a_closure(browser, make_user, activity):
    moved(activity)
    browser.login(make_user("altro@example.org", [], "Altra Persona"))
    assert closure(browser).status_code == 403
    assert db.session.scalar(select(func.count(Closure.id))) == 0
    assert closure(browser, slug="nessuno").status_code == 404


def test_one_more_event_is_said_in_italian(app):
    with app.test_request_context():
        from flask import render_template_string

        template = "{% from '_macros/calendar.html' import more_link %}{{ more_link({d: (n, '/x')}, d) }}"
        one = render_template_string(template, d=TUESDAY, n=1)
        two = render_template_string(template, d=TUESDAY, n=2)
    assert "un altro evento" in one and "altro 1" not in one
    assert "altri 2 eventi" in two


def test_a_lone_event_on_a_closed_day_is_closed_in_the_feed(browser, activity):
    lone = factories.activity(activity.center, title="Festa", freq="none", weekdays="", start_on=TUESDAY,
                              until_on=None, start_time=time(20), end_time=time(22))  # fmt: skip
    centers.add_closure(activity.center, TUESDAY, TUESDAY, "Elezioni")
    db.session.commit()
    events = feed_day(browser, "/ical/tutto.ics", TUESDAY)
    assert {str(e["SUMMARY"]) for e in events} == {
        "CHIUSO – Elezioni (Doposcuola)",
        "CHIUSO – Elezioni (Festa)",
    }
    assert lone.id
