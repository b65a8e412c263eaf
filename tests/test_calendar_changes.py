"""Closures and moves are visible where families look: list, week and month views, center and activity pages."""

from datetime import date, datetime, timedelta

import pytest

from app.civic_centers import services as centers
from app.civic_centers.models import Closure
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.test_query_counts import count_queries


@pytest.fixture
def tuesdays(app):
    center = factories.center(slug="oratorio-san-luigi")
    activity = factories.activity(center)  # Tuesdays 16:30, February to May 2026
    centers.move_occurrence(
        activity, date(2026, 3, 10), datetime(2026, 3, 12, 17), datetime(2026, 3, 12, 18), ""
    )
    centers.add_closure(center, date(2026, 3, 16), date(2026, 3, 20), "Vacanze di Pasqua")
    db.session.commit()
    return activity


@pytest.mark.parametrize("view", ["lista", "settimana", "mese"])
def test_every_view_shows_the_closed_day_and_both_ends_of_a_move(browser, tuesdays, view):
    start = "2026-03-09" if view != "mese" else "2026-03-01"
    shown = {"lista": "2026-03-09", "settimana": "2026-03-09", "mese": "2026-03-01"}[view]
    page = text(browser.get(f"/calendario?vista={view}&dal={shown}&centro=oratorio-san-luigi"))
    assert start
    if view == "settimana":  # the week of the 9th: the move; the closure is the week after
        page += text(browser.get(f"/calendario?vista={view}&dal=2026-03-16&centro=oratorio-san-luigi"))
    if view == "mese":
        assert "Chiuso Vacanze di Pasqua" in page and "Spostato a giovedì 12" in page
        assert "Spostato da martedì 10" in page
    else:
        assert "Chiuso – Vacanze di Pasqua" in page
        assert "Spostato a giovedì 12, 17:00." in page and "Spostato da martedì 10." in page


def test_a_closed_day_is_one_line_per_center_whatever_its_activities(browser, tuesdays):
    factories.activity(tuesdays.center, title="Coro")
    db.session.commit()
    page = text(browser.get("/calendario?dal=2026-03-16&centro=oratorio-san-luigi"))
    assert page.count("Chiuso – Vacanze di Pasqua") == 1


def test_the_activity_and_center_pages_show_them_too(browser, app):
    today = today_in_rome()
    first = today + timedelta(days=1)
    center = factories.center(slug="oratorio-san-luigi")
    activity = factories.activity(
        center, start_on=first, weekdays=str(first.weekday()), until_on=first + timedelta(weeks=5)
    )
    centers.move_occurrence(activity, first, datetime.combine(first + timedelta(days=1), activity.start_time),
                            datetime.combine(first + timedelta(days=1), activity.end_time), "")  # fmt: skip
    centers.add_closure(center, first + timedelta(weeks=1), first + timedelta(weeks=1), "Festa patronale")
    db.session.commit()
    for url in (f"/centri/{center.slug}", f"/centri/{center.slug}/attivita/{activity.id}"):
        page = text(browser.get(url))
        assert "Chiuso – Festa patronale" in page and "Spostato a " in page and "Spostato da " in page, url


def test_the_changes_cost_a_fixed_number_of_queries(browser, tuesdays):
    url = "/calendario?dal=2026-03-09&centro=oratorio-san-luigi"
    browser.get(url)
    with count_queries() as few:
        browser.get(url)
    for n in range(4):
        other = factories.activity(tuesdays.center, title=f"Altra {n}")
        centers.move_occurrence(
            other, date(2026, 3, 10), datetime(2026, 3, 11, 17), datetime(2026, 3, 11, 18), ""
        )
    db.session.add(
        Closure(center=tuesdays.center, start_on=date(2026, 3, 13), end_on=date(2026, 3, 13), reason="x")
    )
    db.session.commit()
    with count_queries() as many:
        browser.get(url)
    assert len(many) == len(few)


def test_the_month_folds_a_day_with_many_closed_centers_into_a_count_the_day_view_names(browser, tuesdays):
    """Four centers closed on Tuesday the 17th: past the 3 entries a day the month shows, one line
    ("4 centri chiusi") links the day view, which names each center and its reason; a day with
    fewer closed centers still names them."""
    for n in range(3):
        other = factories.center(name=f"Centro {n}")
        factories.activity(other, title=f"Attività {n}")  # Tuesdays, like the oratorio's
        centers.add_closure(other, date(2026, 3, 17), date(2026, 3, 17), f"Ponte {n}")
    centers.add_closure(other, date(2026, 3, 24), date(2026, 3, 24), "Festa del patrono")
    db.session.commit()
    response = browser.get("/calendario?vista=mese&dal=2026-03-01")
    page = text(response)
    assert page.count("4 centri chiusi Chiuso") == 1
    assert "Vacanze di Pasqua" not in page and "Ponte 0" not in page
    assert "Centro 2 Chiuso Festa del patrono" in page  # the 24th: one center, named
    html = response.get_data(as_text=True)
    assert '<a href="/calendario?vista=giorno&amp;dal=2026-03-17">4 centri chiusi</a>' in html
    day = text(browser.get("/calendario?vista=giorno&dal=2026-03-17"))
    assert "Oratorio San Luigi" in day and "Chiuso – Vacanze di Pasqua" in day
    assert all(f"Centro {n}" in day and f"Chiuso – Ponte {n}" in day for n in range(3))


@pytest.mark.parametrize("view", ["lista", "settimana"])
def test_the_list_and_week_fold_a_day_with_more_closed_centers_than_they_show(browser, tuesdays, view):
    """Past the 10 entries a day the list and the week show, a day's closed centers are one line
    linking the day view; the activities of the day are still listed."""
    for n in range(10):
        other = factories.center(name=f"Centro {n}")
        factories.activity(other, title=f"Attività {n}")
        centers.add_closure(other, date(2026, 3, 17), date(2026, 3, 17), f"Ponte {n}")
    factories.activity(factories.center(name="Centro aperto"), title="Coro aperto")
    db.session.commit()
    response = browser.get(f"/calendario?vista={view}&dal=2026-03-16")
    page = text(response)
    assert "Martedì 17 marzo 2026 Tutto il giorno 11 centri chiusi Chiuso" in page
    assert "Ponte 0" not in page and "Vacanze di Pasqua" not in page
    assert "16:30–18:00 Coro aperto" in page
    html = response.get_data(as_text=True)
    assert '<a href="/calendario?vista=giorno&amp;dal=2026-03-17">11 centri chiusi</a>' in html
