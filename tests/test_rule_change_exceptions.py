"""After a rule change, moved or cancelled dates that no longer fit are shown to the manager; web and feed agree."""

from datetime import date, datetime, time, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import select

from app.agenda import listing
from app.agenda import services as agenda
from app.civic_centers.models import Activity, OccurrenceChange
from app.common.timeutil import ROME, today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import opened, text
from tests.test_civic_centers import VALID


@pytest.fixture
def manager(make_user):
    return make_user("gestore@example.org", [], "Gina Gestrice")


@pytest.fixture
def tuesdays(app, manager):
    center = factories.center(managers=[manager], slug="oratorio-san-luigi")
    today = today_in_rome()
    first = today + timedelta(days=(1 - today.weekday()) % 7 or 7)  # next Tuesday
    activity = factories.activity(center, start_on=first, until_on=first + timedelta(weeks=8))
    db.session.commit()
    return activity


def form_for(activity, **changes):
    values = VALID | {"start_on": activity.start_on.isoformat(), "until_on": activity.until_on.isoformat()}
    return values | opened(activity) | changes


def move(browser, activity, day: date, to: datetime):
    response = browser.post(f"/gestione/attivita/{activity.id}/sposta-data", {
        "sposta-original_on": day.isoformat(), "sposta-new_on": to.date().isoformat(),
        "sposta-new_start": to.strftime("%H:%M"), "sposta-new_end": (to + timedelta(hours=1)).strftime("%H:%M")})  # fmt: skip
    assert response.status_code == 302


def web_starts(activity, first, last) -> set[datetime]:
    """What the calendar pages show: the stored occurrences."""
    db.session.expire_all()
    found = listing.per_day(agenda.Filters(center_id=activity.center_id), first, last, 50).entries
    return {e.occurrence.start for e in found if not e.is_cancelled and not e.kind}


def feed_starts(browser, activity, first, last) -> set[datetime]:
    calendar = Calendar.from_ical(browser.get("/ical/centri/oratorio-san-luigi.ics").get_data())
    found = recurring_ical_events.of(calendar).between(first, last + timedelta(days=1))
    return {e["DTSTART"].dt.astimezone(ROME) for e in found if str(e.get("STATUS")) != "CANCELLED"}


def test_a_weekday_change_asks_about_moved_dates_and_changes_nothing_until_answered(
    browser, manager, tuesdays
):
    browser.login(manager)
    second = tuesdays.start_on + timedelta(weeks=1)
    move(browser, tuesdays, second, datetime.combine(second + timedelta(days=2), time(17)))
    response = browser.post(f"/gestione/attivita/{tuesdays.id}", form_for(tuesdays, weekdays=["2"]))
    page = text(response)
    assert response.status_code == 409 and "Date da decidere prima di salvare" in page
    assert "Mantienila come data in più" in page and "Eliminala" in page
    assert '<input checked id="weekdays-2"' in response.get_data(as_text=True)  # what was typed is kept
    db.session.expire_all()
    assert tuesdays.weekdays == "1" and len(tuesdays.changes) == 1


@pytest.mark.parametrize("choice", ["mantieni", "elimina"])
def test_web_and_feed_agree_whatever_the_manager_decides(browser, manager, tuesdays, choice):
    browser.login(manager)
    second = tuesdays.start_on + timedelta(weeks=1)
    moved_to = datetime.combine(second + timedelta(days=2), time(17))
    move(browser, tuesdays, second, moved_to)
    (change,) = tuesdays.changes
    response = browser.post(f"/gestione/attivita/{tuesdays.id}",
                            form_for(tuesdays, weekdays=["2"], **{f"eccezione-{change.id}": choice}))  # fmt: skip
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity))
    assert activity.weekdays == "2"
    first, last = tuesdays.start_on, tuesdays.until_on
    web, feed = web_starts(activity, first, last), feed_starts(browser, activity, first, last)
    assert web == feed and len(web) >= 8
    assert (moved_to.replace(tzinfo=ROME) in web) == (choice == "mantieni")
    assert all(s.weekday() == 2 for s in web if s != moved_to.replace(tzinfo=ROME))


def test_a_cancelled_date_that_no_longer_fits_is_dropped_without_asking(browser, manager, tuesdays):
    browser.login(manager)
    tuesdays.changes.append(
        OccurrenceChange(original_on=tuesdays.start_on, is_cancelled=True, reason="Sciopero")
    )
    db.session.commit()
    response = browser.post(f"/gestione/attivita/{tuesdays.id}", form_for(tuesdays, weekdays=["3"]))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(OccurrenceChange)) is None


def test_changes_that_still_fit_need_no_decision(browser, manager, tuesdays):
    browser.login(manager)
    move(browser, tuesdays, tuesdays.start_on, datetime.combine(tuesdays.start_on, time(18)))
    response = browser.post(f"/gestione/attivita/{tuesdays.id}", form_for(tuesdays, weekdays=["1", "3"]))
    assert response.status_code == 302
    db.session.expire_all()
    assert len(db.session.scalar(select(Activity)).changes) == 1
