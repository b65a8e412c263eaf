"""The calendar's family filters (a child's age, free, no sign-up, time of day) and a feed for any filter."""

from datetime import time, timedelta

import pytest
from icalendar import Calendar

from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import text


@pytest.fixture
def week(app):
    """One center in Crema with activities of every kind this week, a lab, and a center elsewhere."""
    today = today_in_rome()
    center = factories.center(slug="oratorio-san-luigi")

    def weekly(title, **fields):
        values = {"start_on": today, "weekdays": str(today.weekday()), "until_on": today + timedelta(weeks=4)}
        return factories.activity(center, title=title, **(values | fields))

    weekly("Doposcuola", age_min=6, age_max=10)
    weekly("Judo", audience="teenagers", is_free=False, price="5 €")
    weekly("Coro", audience="everyone", start_time=time(20), end_time=time(21))
    weekly("Ginnastica dolce", audience="elderly", registration_required=True)
    weekly("Serata per adulti", audience="adults", start_time=time(18, 30), end_time=time(20))
    weekly("Baby club", audience="children", age_max=5)
    lab = factories.lab(age_min=8, age_max=11)
    factories.session(lab, today + timedelta(days=1), time(17), time(18))
    free_lab = factories.lab(slug="cucito", title="Cucito per tutti")
    factories.session(free_lab, today + timedelta(days=1), time(17), time(18))
    other = factories.center("Biblioteca di Offanengo", "Offanengo", slug="biblioteca-offanengo")
    factories.activity(other, title="Lettura", start_on=today, weekdays=str(today.weekday()),
                       until_on=today + timedelta(weeks=4), audience="everyone")  # fmt: skip
    db.session.commit()


TITLES = ["Doposcuola", "Judo", "Coro", "Ginnastica dolce", "Serata per adulti", "Baby club", "Orto condiviso",
          "Cucito per tutti", "Lettura"]  # fmt: skip


def shown(browser, query: str) -> set[str]:
    page = text(browser.get(f"/calendario?{query}"))
    body = page[page.index("Dal ") :]
    return {t for t in TITLES if t in body}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("comune=crema&eta=7", {"Doposcuola", "Coro"}),
        ("comune=crema&eta=9", {"Doposcuola", "Coro", "Orto condiviso"}),
        ("comune=crema&eta=4", {"Coro", "Baby club"}),
        ("comune=crema&eta=14", {"Judo", "Coro"}),
        ("comune=crema&eta=70", {"Coro", "Ginnastica dolce", "Serata per adulti", "Cucito per tutti"}),
        ("comune=crema&gratuito=1", set(TITLES) - {"Judo", "Lettura"}),
        ("comune=crema&senza-iscrizione=1", set(TITLES) - {"Ginnastica dolce", "Orto condiviso", "Cucito per tutti", "Lettura"}),
        ("comune=crema&momento=sera", {"Coro", "Serata per adulti"}),
        ("comune=crema&momento=pomeriggio", set(TITLES) - {"Coro", "Serata per adulti", "Lettura"}),
        ("eta=7&gratuito=1&momento=pomeriggio", {"Doposcuola", "Lettura"}),
    ],
)  # fmt: skip
def test_family_filters(browser, week, query, expected):
    assert shown(browser, query) == expected


def test_bad_values_are_ignored_and_unknown_places_are_not_found(browser, week):
    assert shown(browser, "comune=crema&eta=tanti&momento=notte") == set(TITLES) - {"Lettura"}
    assert browser.get("/calendario?comune=atlantide&eta=7").status_code == 404


def test_the_subscribe_box_offers_exactly_the_page_s_filters(browser, week):
    page = browser.get("/calendario?eta=7&comune=crema&gratuito=1").get_data(as_text=True)
    assert "/ical/calendario.ics?comune=crema&amp;eta=7&amp;gratuito=1" in page
    assert "Legami – Crema, 7 anni, gratuito" in text(
        browser.get("/calendario?eta=7&comune=crema&gratuito=1")
    )
    # One filter only: the named feed of old, a stable URL already in people's calendars.
    assert "/ical/comuni/crema.ics" in browser.get("/calendario?comune=crema").get_data(as_text=True)
    assert "/ical/tutto.ics" in browser.get("/calendario").get_data(as_text=True)


def summaries(response) -> set[str]:
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.get_data()).walk("VEVENT")}


def test_a_feed_for_any_filter_lists_what_the_page_lists(browser, week):
    response = browser.get("/ical/calendario.ics?comune=crema&eta=7")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert summaries(response) == {"Doposcuola", "Coro"}
    calendar = Calendar.from_ical(response.get_data())
    assert str(calendar["X-WR-CALNAME"]) == "Legami – Crema, 7 anni"
    again = browser.get(
        "/ical/calendario.ics?comune=crema&eta=7", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    evening = browser.get("/ical/calendario.ics?comune=crema&senza-iscrizione=1&momento=sera")
    assert summaries(evening) == {"Coro", "Serata per adulti"}


@pytest.mark.parametrize(
    "asked,canonical",
    [
        ("eta=7&comune=crema", "/ical/calendario.ics?comune=crema&eta=7"),
        ("comune=crema&eta=07&momento=notte", "/ical/calendario.ics?comune=crema&eta=7"),
        ("comune=crema&gratuito=si", "/ical/calendario.ics?comune=crema&gratuito=1"),
        ("comune=crema", "/ical/comuni/crema.ics"),
        ("pubblico=bambini&vista=mese", "/ical/pubblico/bambini.ics"),
        ("", "/ical/tutto.ics"),
    ],
)
def test_one_canonical_url_per_filter(browser, week, asked, canonical):
    response = browser.get(f"/ical/calendario.ics?{asked}")
    assert response.status_code == 301 and response.headers["Location"].endswith(canonical)


def test_an_unknown_town_has_no_feed(browser, week):
    assert browser.get("/ical/calendario.ics?comune=atlantide&eta=7").status_code == 404


@pytest.mark.parametrize("age,offered", [(4, False), (12, False), (17, False), (18, True), (40, True)])
def test_a_lab_without_ages_is_offered_to_adults_only_on_page_and_feed(browser, week, age, offered):
    """An adults' lab (accounting, sewing) with no ages is never offered to a child."""
    assert ("Cucito per tutti" in shown(browser, f"eta={age}")) is offered
    assert ("Cucito per tutti" in summaries(browser.get(f"/ical/calendario.ics?eta={age}"))) is offered
