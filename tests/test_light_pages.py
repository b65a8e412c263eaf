"""Pages that share well and read well on a phone (issue 22): Open Graph and description meta,
the rule in words, map links, the lab's places at the top, the typed age filter, the town that
narrows the centers, Outlook for Microsoft 365 accounts."""

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from app.calendar.occurrences import Occurrence
from app.common.timeutil import ROME, today_in_rome
from app.events.links import SingleEvent
from app.platform.extensions import db
from tests import factories


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def meta(page: BeautifulSoup, key: str) -> str:
    found = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    assert found, key
    return found["content"]


@pytest.fixture
def places(app):
    today = today_in_rome()
    oratorio = factories.center()
    activity = factories.activity(
        oratorio, title="Compiti insieme", start_on=today, weekdays="1,3", until_on=date(today.year, 12, 31)
    )
    lab = factories.lab(capacity=5)
    factories.session(lab, today + timedelta(days=3))
    db.session.commit()
    return oratorio, activity, lab


def test_an_activity_page_says_its_rule_in_words_and_shares_title_rule_and_place(browser, places):
    oratorio, activity, _lab = places
    page = soup(browser.get(f"/centri/{oratorio.slug}/attivita/{activity.id}"))
    when = "Ogni martedì e giovedì, 16:30–18:00, fino al 31 dicembre"
    assert when in page.find("dl", class_="legami-facts").get_text(" ")
    assert meta(page, "og:title") == "Compiti insieme"
    assert meta(page, "og:description") == meta(page, "description")
    assert meta(page, "description") == f"{when} · Oratorio San Luigi, Via Bottesini 4, Crema"
    assert meta(page, "og:url") == f"http://legami.test/centri/{oratorio.slug}/attivita/{activity.id}"


def test_an_address_links_to_its_map_without_a_script(browser, places):
    oratorio, activity, lab = places
    for url in (
        f"/centri/{oratorio.slug}",
        f"/centri/{oratorio.slug}/attivita/{activity.id}",
        f"/laboratori/{lab.slug}",
    ):
        link = soup(browser.get(url)).find("a", class_="legami-map-link")
        assert link and link.get_text(" ", strip=True).startswith("Mappa"), url
        address = urlsplit(link["href"])
        assert address.netloc == "www.openstreetmap.org" and address.path == "/search"
        assert "Crema" in parse_qs(address.query)["query"][0]
    place = parse_qs(
        urlsplit(
            soup(browser.get(f"/centri/{oratorio.slug}")).find("a", class_="legami-map-link")["href"]
        ).query
    )
    assert place["query"] == ["Oratorio San Luigi, Via Bottesini 4, Crema"]


def test_a_center_page_shares_its_kind_and_address(browser, places):
    oratorio = places[0]
    page = soup(browser.get(f"/centri/{oratorio.slug}"))
    assert meta(page, "og:title") == "Oratorio San Luigi"
    assert meta(page, "description").endswith("Via Bottesini 4, Crema")
    assert meta(page, "og:url") == f"http://legami.test/centri/{oratorio.slug}"


def test_a_date_page_shares_its_day_hours_and_place_and_offers_both_outlooks(browser, places):
    oratorio, activity, _lab = places
    day = activity.start_on + timedelta(days=(1 - activity.start_on.weekday()) % 7)  # the next Tuesday
    page = soup(browser.get(f"/centri/{oratorio.slug}/attivita/{activity.id}/data/{day.isoformat()}"))
    description = meta(page, "og:description")
    assert "16:30–18:00" in description and description.endswith("Oratorio San Luigi, Via Bottesini 4, Crema")
    assert str(day.day) in description
    outlooks = {urlsplit(a["href"]).netloc: a.get_text(strip=True) for a in page.select("a[href*=outlook]")}
    assert outlooks.keys() == {"outlook.live.com", "outlook.office.com"}
    assert "Microsoft 365" in outlooks["outlook.office.com"]


def test_the_outlook_links_carry_the_same_event_for_personal_and_work_accounts():
    start = datetime(2027, 3, 2, 16, 30, tzinfo=ROME)
    event = SingleEvent(uid="u", title="Compiti insieme", location="Oratorio, Crema", url="https://x.example/a",
                        occurrence=Occurrence(start.date(), start, start + timedelta(hours=1, minutes=30)))  # fmt: skip
    personal, work = urlsplit(event.outlook_url), urlsplit(event.outlook_work_url)
    assert (personal.netloc, work.netloc) == ("outlook.live.com", "outlook.office.com")
    assert personal.path == work.path == "/calendar/0/deeplink/compose"
    assert parse_qs(personal.query) == parse_qs(work.query)
    assert parse_qs(work.query)["startdt"] == ["2027-03-02T16:30:00+01:00"]


def test_a_lab_says_how_many_places_are_left_at_the_top_and_links_to_the_form(browser, places):
    lab = places[2]
    page = soup(browser.get(f"/laboratori/{lab.slug}"))
    button = page.find("a", string="Iscriviti · 5 posti liberi")
    assert button and button["href"] == "#iscrizione-titolo"
    assert page.find(id="iscrizione-titolo").name == "h2"
    assert page.find("main").get_text(" ").index("5 posti liberi") < page.find("main").get_text(" ").index(
        "Prossimi incontri"
    )
    assert meta(page, "og:title") == "Orto condiviso"
    assert "Sala civica" in meta(page, "description") and "dal " in meta(page, "description")


def test_a_lab_with_one_place_a_full_lab_and_a_closed_one(browser, places):
    lab = places[2]
    lab.capacity = 1
    db.session.commit()
    assert soup(browser.get(f"/laboratori/{lab.slug}")).find("a", string="Iscriviti · 1 posto libero")
    lab.capacity = 0
    db.session.commit()
    assert soup(browser.get(f"/laboratori/{lab.slug}")).find("a", string="Iscriviti alla lista d'attesa")
    lab.status = "closed"
    db.session.commit()
    assert not soup(browser.get(f"/laboratori/{lab.slug}")).find("a", href="#iscrizione-titolo")


def test_the_age_filter_is_a_typed_number_field(browser):
    field = soup(browser.get("/calendario")).find("input", id="filtro-eta")
    assert field["type"] == "number" and field["inputmode"] == "numeric"
    assert (field["min"], field["max"]) == ("0", "99")


def test_choosing_a_town_narrows_the_centers_without_javascript(browser, places):
    factories.center("Biblioteca comunale", "Offanengo", slug="biblioteca")
    db.session.commit()
    every = soup(browser.get("/calendario")).find("select", id="filtro-centro")
    assert {(o["value"], o.get("data-comune")) for o in every.find_all("option") if o["value"]} == {
        ("oratorio-san-luigi", "crema"), ("biblioteca", "offanengo"),
    }  # fmt: skip
    narrowed = soup(browser.get("/calendario?comune=offanengo")).find("select", id="filtro-centro")
    assert [o.get_text() for o in narrowed.find_all("option")] == ["Tutti i centri", "Biblioteca comunale"]


def test_every_subscribe_box_offers_outlook_for_work_and_school_accounts(browser, places):
    oratorio = places[0]
    page = soup(browser.get(f"/centri/{oratorio.slug}"))
    links = {urlsplit(a["href"]).netloc: a for a in page.select("a[href*=addfromweb]")}
    assert links.keys() == {"outlook.live.com", "outlook.office.com"}
    personal, work = (
        parse_qs(urlsplit(links[h]["href"]).query) for h in ("outlook.live.com", "outlook.office.com")
    )
    assert personal == work and work["url"] == [f"http://legami.test/ical/centri/{oratorio.slug}.ics"]
    assert "Microsoft 365" in links["outlook.office.com"].get_text()
