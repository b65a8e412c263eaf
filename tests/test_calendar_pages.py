"""The public calendar: views, combined filters in the URL, fixed query counts."""

from datetime import date, datetime, time, timedelta

import pytest

from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.test_query_counts import count_queries


@pytest.fixture
def two_centers(app):
    oratorio = factories.center()
    library = factories.center("Biblioteca", "Offanengo", slug="biblioteca")
    factories.activity(oratorio, title="Doposcuola")
    factories.activity(oratorio, title="Calcetto", audience="teenagers", category="sport", weekdays="3",
                       start_on=date(2026, 2, 5), until_on=date(2026, 5, 28))  # fmt: skip
    factories.activity(library, title="Lettura", audience="elderly", category="cultura", weekdays="2",
                       start_on=date(2026, 2, 4), until_on=date(2026, 5, 27))  # fmt: skip
    db.session.commit()
    return oratorio, library


def test_list_is_the_default_view(browser, two_centers):
    page = text(browser.get("/calendario?dal=2026-03-02"))
    assert "Dal 2 mar 2026 al 15 mar 2026" in page
    for title in ("Doposcuola", "Calcetto", "Lettura"):
        assert title in page


@pytest.mark.parametrize(
    "query,shown,hidden",
    [
        ("comune=offanengo", ["Lettura"], ["Doposcuola", "Calcetto"]),
        ("centro=oratorio-san-luigi", ["Doposcuola", "Calcetto"], ["Lettura"]),
        ("pubblico=ragazzi", ["Calcetto"], ["Doposcuola", "Lettura"]),
        ("categoria=cultura", ["Lettura"], ["Doposcuola", "Calcetto"]),
        ("comune=crema&categoria=sport", ["Calcetto"], ["Doposcuola", "Lettura"]),
    ],
)
def test_filters_combine(browser, two_centers, query, shown, hidden):
    page = text(browser.get(f"/calendario?dal=2026-03-02&{query}"))
    for title in shown:
        assert title in page
    for title in hidden:
        assert title not in page.split("Dal 2 mar 2026")[1]


def test_filters_stay_in_the_navigation_links(browser, two_centers):
    html = browser.get("/calendario?dal=2026-03-02&comune=crema&categoria=sport").get_data(as_text=True)
    assert "dal=2026-03-16" in html and "comune=crema" in html and "categoria=sport" in html
    assert "vista=settimana" in html and "vista=mese" in html


def test_week_and_month_views(browser, two_centers):
    week = text(browser.get("/calendario?vista=settimana&dal=2026-03-04"))
    assert "Dal 2 mar 2026 al 8 mar 2026" in week and "Mercoledì 4 marzo 2026" in week
    month = browser.get("/calendario?vista=mese&dal=2026-03-15")
    assert "Marzo 2026" in text(month)
    assert month.get_data(as_text=True).count("16:30 Doposcuola</a>") == 5  # five Tuesdays in March 2026


def test_unknown_filter_is_not_found(browser):
    assert browser.get("/calendario?comune=atlantide").status_code == 404
    assert browser.get("/calendario?pubblico=marziani").status_code == 404


def test_bad_start_date_falls_back_to_today(browser):
    assert browser.get("/calendario?dal=2026-02-30").status_code == 200


def add_activities(center, n):
    for i in range(n):
        factories.activity(
            center,
            title=f"Attività {i}",
            weekdays=str(i % 7),
            start_on=date(2026, 2, 2) + timedelta(days=i % 7),
        )
    db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/calendario?dal=2026-03-02",
        "/calendario?vista=mese&dal=2026-03-02",
        "/centri/",
        "/centri/oratorio-san-luigi",
        "/",
    ],
)
def test_calendar_pages_make_a_fixed_number_of_queries(browser, url):
    oratorio = factories.center()
    factories.center("Biblioteca", "Offanengo", slug="biblioteca")
    add_activities(oratorio, 2)
    browser.get(url)
    with count_queries() as few:
        browser.get(url)
    add_activities(oratorio, 15)
    with count_queries() as many:
        browser.get(url)
    assert few and len(many) == len(few), many


def test_home_shows_today_and_this_week(browser):
    from app.common.timeutil import today_in_rome

    today = today_in_rome()
    oratorio = factories.center()
    factories.activity(oratorio, title="Oggi al centro", freq="none", start_on=today)
    factories.activity(oratorio, title="Tra tre giorni", freq="none", start_on=today + timedelta(days=3))
    factories.activity(oratorio, title="Tra due settimane", freq="none", start_on=today + timedelta(days=14))
    db.session.commit()
    page = text(browser.get("/"))
    today_part, later_part = page.split("Nei prossimi giorni")
    assert "Oggi al centro" in today_part.split("Oggi")[-1] or "Oggi al centro" in today_part
    assert "Tra tre giorni" in later_part and "Tra due settimane" not in page


@pytest.mark.parametrize(
    "query", ["dal=9999-12-31&vista=mese", "dal=0001-01-01&vista=settimana", "dal=9999-12-30", "dal=ieri"]
)
def test_dates_out_of_range_show_today_instead_of_failing(browser, query):
    response = browser.get(f"/calendario?{query}")
    assert response.status_code == 200
    assert "9999" not in text(response) and "0001" not in text(response)


def busy_day(center, n, day=date(2026, 3, 3)):
    """n one-off activities on one day, a minute apart."""
    for i in range(n):
        factories.activity(center, title=f"Evento {i:02d}", freq="none", start_on=day, start_time=time(9, i))
    db.session.commit()


def test_a_busy_day_shows_ten_and_links_the_rest(browser):
    busy_day(factories.center(), 25)
    html = browser.get("/calendario?dal=2026-03-03&comune=crema").get_data(as_text=True)
    assert html.count('<li class="legami-entry') == 10 and "Evento 09" in html and "Evento 10" not in html
    assert "altri 15 eventi" in html
    assert "/calendario?vista=giorno&amp;dal=2026-03-03&amp;comune=crema" in html


def test_the_month_shows_three_a_day(browser):
    busy_day(factories.center(), 5)
    page = text(browser.get("/calendario?vista=mese&dal=2026-03-01"))
    assert "Evento 02" in page and "Evento 03" not in page and "altri 2 eventi" in page


def test_the_day_view_pages_through_a_day(browser):
    busy_day(factories.center(), 55)
    first = text(browser.get("/calendario?vista=giorno&dal=2026-03-03"))
    assert "55 eventi in questo giorno." in first and "Pagina 1 di 2." in first
    assert "Evento 49" in first and "Evento 50" not in first
    second = text(browser.get("/calendario?vista=giorno&dal=2026-03-03&pagina=2"))
    assert "Evento 50" in second and "Evento 54" in second and "Evento 49" not in second
    assert "Pagina 2 di 2." in second
    assert "Nessuna attività" in text(browser.get("/calendario?vista=giorno&dal=2026-03-04"))
    assert browser.get("/calendario?vista=giorno&dal=2026-03-03&pagina=-1").status_code == 200


def test_the_page_stays_small_whatever_the_day_holds(browser):
    busy_day(factories.center(), 40)
    for query in ("", "&vista=settimana", "&vista=mese", "&vista=giorno"):
        html = browser.get(f"/calendario?dal=2026-03-03{query}").get_data(as_text=True)
        assert html.count('<li class="legami-entry') <= 50, query


def test_moved_and_cancelled_dates_on_the_calendar(browser, two_centers):
    from app.civic_centers import services as centers

    doposcuola = next(a for a in _activities() if a.title == "Doposcuola")
    centers.cancel_occurrence(doposcuola, date(2026, 3, 3), "Gita")
    centers.move_occurrence(
        doposcuola, date(2026, 3, 10), datetime(2026, 3, 12, 17), datetime(2026, 3, 12, 18), ""
    )
    db.session.commit()
    page = text(browser.get("/calendario?dal=2026-03-02&centro=oratorio-san-luigi"))
    assert "Annullato" in page and "Motivo: Gita" in page
    # The new day says where it came from; the planned day says where it went.
    assert "Spostato da martedì 10." in page and "Spostato a giovedì 12, 17:00." in page
    thursday = page.split("Giovedì 12 marzo 2026")[1].split("Venerdì")[0]
    assert "17:00–18:00 Doposcuola Spostato" in thursday
    tuesday = page.split("Martedì 10 marzo 2026")[1].split("Giovedì 12 marzo 2026")[0]
    assert "Doposcuola Spostato" in tuesday and "Spostato a giovedì 12" in tuesday  # the planned day says so


def _activities():
    from sqlalchemy import select

    from app.civic_centers.models import Activity

    return db.session.scalars(select(Activity)).all()


def test_a_visitors_activity_and_center_pages_read_the_stored_dates_not_the_rules(browser):
    """A published activity's page lists its stored dates (closed days and moves included): it
    does not load the activity's changes or the center's closures; the center's page loads the
    closures once, with the box of changes."""
    from app.civic_centers.models import Closure, OccurrenceChange
    from app.common.timeutil import today_in_rome

    first = today_in_rome() + timedelta(days=1)
    oratorio = factories.center()
    lesson = factories.activity(
        oratorio, title="Doposcuola", weekdays=str(first.weekday()), start_on=first, until_on=None
    )
    lesson.changes.append(OccurrenceChange(original_on=first, is_cancelled=True, reason="Gita"))
    oratorio.closures.append(
        Closure(start_on=first + timedelta(days=7), end_on=first + timedelta(days=7), reason="Festa")
    )
    db.session.commit()
    activity_url = f"/centri/oratorio-san-luigi/attivita/{lesson.id}"
    browser.get(activity_url)
    with count_queries() as seen:
        page = text(browser.get(activity_url))
    assert "Gita" in page and "Festa" in page
    assert not [s for s in seen if "FROM occurrence_changes" in s or "FROM center_closures" in s], seen
    browser.get("/centri/oratorio-san-luigi")
    with count_queries() as seen:
        page = text(browser.get("/centri/oratorio-san-luigi"))
    assert "Festa" in page and len([s for s in seen if "FROM center_closures" in s]) == 1, seen
