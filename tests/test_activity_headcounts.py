"""Headcounts of civic-center activity dates, entered by the center's manager."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from app.civic_centers.models import ActivityHeadcount, OccurrenceChange
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import text


@pytest.fixture
def manager(make_user):
    return make_user("gestore@example.org", [], "Gina Gestrice")


@pytest.fixture
def activity(app, manager):
    center = factories.center(managers=[manager])
    today = today_in_rome()
    first = today - timedelta(weeks=3)
    found = factories.activity(center, start_on=first, weekdays=str(first.weekday()), until_on=today + timedelta(weeks=4),
                               start_time=time(0, 0), end_time=time(1))  # fmt: skip
    found.changes.append(
        OccurrenceChange(original_on=first + timedelta(weeks=1), is_cancelled=True, reason="x")
    )
    db.session.commit()
    return found


def url(activity) -> str:
    return f"/gestione/attivita/{activity.id}/presenze"


def test_access(browser, make_user, activity):
    assert browser.get(url(activity)).status_code == 302  # to the login page
    browser.login(make_user("altro@example.org", [], "Altro Gestore"))
    assert browser.get(url(activity)).status_code == 403
    assert browser.get("/gestione/attivita/9999/presenze").status_code == 404


def test_the_manager_counts_the_dates_that_took_place(browser, manager, activity):
    browser.login(manager)
    page = text(browser.get(url(activity)))
    first = activity.start_on
    held = [first + timedelta(weeks=n) for n in (0, 2, 3)]  # the second was cancelled; later ones are future
    for day in held:
        assert f'id="presenze-{day.isoformat()}"' in browser.get(url(activity)).get_data(as_text=True)
    assert f"presenze-{(first + timedelta(weeks=1)).isoformat()}" not in page
    response = browser.post(url(activity), {f"presenze-{held[0]}": "12", f"presenze-{held[1]}": "", f"presenze-{held[2]}": "9",
                                            f"presenze-{first + timedelta(weeks=5)}": "40"})  # fmt: skip
    assert response.status_code == 302
    rows = db.session.execute(select(ActivityHeadcount.original_on, ActivityHeadcount.headcount)).all()
    assert sorted(rows) == [(held[0], 12), (held[2], 9)]
    # Blank clears a count; the page shows what is stored.
    browser.post(url(activity), {f"presenze-{held[0]}": "", f"presenze-{held[2]}": "10"})
    assert db.session.execute(select(ActivityHeadcount.original_on, ActivityHeadcount.headcount)).all() == [
        (held[2], 10)
    ]
    assert 'value="10"' in browser.get(url(activity)).get_data(as_text=True)


@pytest.mark.parametrize("value", ["-3", "tanti", "10001", "3.5"])
def test_bad_counts_change_nothing_and_keep_what_was_typed(browser, manager, activity, value):
    browser.login(manager)
    first = activity.start_on
    response = browser.post(
        url(activity), {f"presenze-{first}": "7", f"presenze-{first + timedelta(weeks=2)}": value}
    )
    assert response.status_code == 400
    assert "Scrivi un numero intero da 0 a 10000, oppure lascia vuoto." in text(response)
    assert f'value="{value}"' in response.get_data(as_text=True) and 'value="7"' in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(ActivityHeadcount.id))) == 0


def test_the_coordinators_figures_include_the_centers(browser, manager, coordinator):
    """Activities held, their hours and their headcounts reach the coordinators' figures and rows."""
    from datetime import date

    center = factories.center("Biblioteca", managers=[manager], slug="biblioteca")
    # Four Tuesdays of March 2026, 16:30–18:00; the third cancelled.
    activity = factories.activity(center, start_on=date(2026, 3, 3), until_on=date(2026, 3, 24))
    activity.changes.append(OccurrenceChange(original_on=date(2026, 3, 17), is_cancelled=True, reason="x"))
    db.session.commit()
    db.session.add_all([
        ActivityHeadcount(activity_id=activity.id, original_on=date(2026, 3, 3), headcount=12),
        ActivityHeadcount(activity_id=activity.id, original_on=date(2026, 3, 10), headcount=9),
        ActivityHeadcount(activity_id=activity.id, original_on=date(2026, 3, 17), headcount=50),  # cancelled: ignored
    ])  # fmt: skip
    db.session.commit()
    browser.login(coordinator)
    page = text(browser.get("/coordinamento/?dal=2026-03-01&al=2026-03-31"))
    for figure in ("3 Attività svolte nei Centri Civici", "4,5 Ore di attività nei Centri Civici",
                   "21 Presenze contate nei Centri Civici", "2 attività svolte su 3 hanno un conteggio"):  # fmt: skip
        assert figure in page, figure
    rows = text(browser.get("/coordinamento/dettaglio/attivita?dal=2026-03-01&al=2026-03-31"))
    assert "Presenti (conteggio)" in rows and "12" in rows and "9" in rows
