"""The public calendar: views, combined filters in the URL, fixed query counts."""

from datetime import date, timedelta

import pytest

from app.extensions import db
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
    from app.timeutil import today_in_rome

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
