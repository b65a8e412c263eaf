"""Each event on its own: one activity date or lab session as an .ics, Google and Outlook links."""

from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar

from app.civic_centers.models import ActivityStatus, Closure, OccurrenceChange
from app.common.timeutil import ROME, today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import text


@pytest.fixture
def center(app):
    found = factories.center(slug="oratorio-san-luigi")
    db.session.commit()
    return found


@pytest.fixture
def activity(center):
    first = today_in_rome() + timedelta(days=1)
    found = factories.activity(
        center, title="Coro, voci; e \\Note", start_on=first, weekdays=str(first.weekday()),
        until_on=first + timedelta(weeks=6), start_time=time(18), end_time=time(19, 30),
    )  # fmt: skip
    db.session.commit()
    return found


def page_url(activity, day) -> str:
    return f"/centri/{activity.center.slug}/attivita/{activity.id}/data/{day.isoformat()}"


def vevents(response):
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.get_data())
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    return calendar.walk("VEVENT")


def test_the_activity_page_links_each_date_to_its_own_page(browser, activity):
    page = browser.get(f"/centri/{activity.center.slug}/attivita/{activity.id}").get_data(as_text=True)
    assert page.count("Aggiungi al mio calendario") >= 6
    assert f'href="{page_url(activity, activity.start_on)}"' in page


def test_one_date_as_ics_google_and_outlook(browser, activity):
    day = activity.start_on + timedelta(weeks=1)
    response = browser.get(page_url(activity, day))
    page = text(response)
    assert "Coro, voci; e \\Note" in page and "Aggiungi al mio calendario" in page
    assert "Oratorio San Luigi, Via Bottesini 4, Crema" in page
    html = response.get_data(as_text=True).replace("&amp;", "&")
    google = next(u for u in html.split('"') if u.startswith("https://calendar.google.com/"))
    query = parse_qs(urlsplit(google).query)
    assert query["action"] == ["TEMPLATE"] and query["text"] == ["Coro, voci; e \\Note"]
    assert query["dates"] == [f"{day:%Y%m%d}T180000/{day:%Y%m%d}T193000"] and query["ctz"] == ["Europe/Rome"]
    outlook = next(u for u in html.split('"') if u.startswith("https://outlook.live.com/"))
    query = parse_qs(urlsplit(outlook).query)
    assert query["startdt"] == [datetime.combine(day, time(18), ROME).isoformat()]
    assert query["subject"] == ["Coro, voci; e \\Note"]
    (event,) = vevents(browser.get(page_url(activity, day) + ".ics"))
    assert str(event["SUMMARY"]) == "Coro, voci; e \\Note" and "RRULE" not in event
    assert event["DTSTART"].dt == datetime.combine(day, time(18), ROME)
    assert str(event["UID"]) == f"{day:%Y%m%d}-{activity.uid}" and str(event["STATUS"]) == "CONFIRMED"


def test_a_moved_date_is_added_at_its_new_time_and_a_cancelled_one_as_cancelled(browser, activity):
    moved_from, cancelled_on = activity.start_on, activity.start_on + timedelta(weeks=2)
    new_day = moved_from + timedelta(days=2)
    activity.changes += [
        OccurrenceChange(original_on=moved_from, new_start=datetime.combine(new_day, time(17)),
                         new_end=datetime.combine(new_day, time(18))),
        OccurrenceChange(original_on=cancelled_on, is_cancelled=True, reason="Sciopero"),
    ]  # fmt: skip
    db.session.commit()
    assert "Spostato da" in text(browser.get(page_url(activity, moved_from)))
    (event,) = vevents(browser.get(page_url(activity, moved_from) + ".ics"))
    assert event["DTSTART"].dt == datetime.combine(new_day, time(17), ROME)
    page = text(browser.get(page_url(activity, cancelled_on)))
    assert "Annullato. Motivo: Sciopero" in page
    (event,) = vevents(browser.get(page_url(activity, cancelled_on) + ".ics"))
    assert str(event["STATUS"]) == "CANCELLED" and "Sciopero" in str(event["DESCRIPTION"])


def test_dates_that_are_not_occurrences_are_not_found(browser, activity):
    off_day = activity.start_on + timedelta(days=1)
    assert browser.get(page_url(activity, off_day)).status_code == 404
    assert browser.get(page_url(activity, off_day) + ".ics").status_code == 404
    assert (
        browser.get(f"/centri/{activity.center.slug}/attivita/{activity.id}/data/2026-13-40").status_code
        == 404
    )
    assert browser.get(f"/centri/altro/attivita/{activity.id}/data/{activity.start_on}").status_code == 404
    assert (
        browser.get(f"/centri/{activity.center.slug}/attivita/9999/data/{activity.start_on}").status_code
        == 404
    )
    activity.center.closures.append(
        Closure(start_on=activity.start_on, end_on=activity.start_on, reason="Festa")
    )
    db.session.commit()
    closed = browser.get(page_url(activity, activity.start_on))  # a bookmarked link says why (issue 22)
    assert closed.status_code == 200 and "Chiuso – Festa" in text(closed)


def test_a_draft_has_no_public_date_page(browser, activity):
    activity.status = ActivityStatus.DRAFT
    db.session.commit()
    assert browser.get(page_url(activity, activity.start_on)).status_code == 404
    assert browser.get(page_url(activity, activity.start_on) + ".ics").status_code == 404


def test_a_lab_session_on_its_own(browser):
    lab = factories.lab(description="Semina e raccolta.")
    day = today_in_rome() + timedelta(days=3)
    session = factories.session(lab, day, time(17), time(19))
    db.session.commit()
    detail = browser.get(f"/laboratori/{lab.slug}").get_data(as_text=True)
    assert f'href="/laboratori/{lab.slug}/incontri/{session.id}"' in detail
    page = text(browser.get(f"/laboratori/{lab.slug}/incontri/{session.id}"))
    assert "Orto condiviso" in page and "Aggiungi a Google Calendar" in page and "17:00–19:00" in page
    (event,) = vevents(browser.get(f"/laboratori/{lab.slug}/incontri/{session.id}.ics"))
    assert str(event["UID"]) == session.uid and event["DTSTART"].dt == datetime.combine(day, time(17), ROME)
    assert browser.get(f"/laboratori/{lab.slug}/incontri/9999").status_code == 404
    other = factories.lab(slug="cucito", title="Cucito")
    db.session.commit()
    assert browser.get(f"/laboratori/cucito/incontri/{session.id}").status_code == 404
    other.status = "draft"
    db.session.commit()
    assert browser.get(f"/laboratori/cucito/incontri/{session.id}.ics").status_code == 404
