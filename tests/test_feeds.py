"""Public feeds over HTTP: content, caching headers, 304s, and one source with the HTML."""

from datetime import timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar

from app.civic_centers import services
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import opened


@pytest.fixture
def center(app):
    found = factories.center()
    db.session.commit()
    return found


@pytest.fixture
def current(center):
    """A weekly activity on today's weekday, for the next eight weeks."""
    today = today_in_rome()
    found = factories.activity(
        center,
        title="Doposcuola",
        start_on=today,
        weekdays=str(today.weekday()),
        until_on=today + timedelta(weeks=8),
    )
    db.session.commit()
    return found


def parse(response) -> Calendar:
    return Calendar.from_ical(response.data)


def test_feed_headers_and_calendar_name(browser, center, current):
    response = browser.get(f"/ical/centri/{center.slug}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    calendar = parse(response)
    assert str(calendar["X-WR-CALNAME"]) == "Legami – Oratorio San Luigi"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == current.uid
    assert str(event["URL"]) == f"http://legami.test/centri/{center.slug}/attivita/{current.id}"
    assert "Via Bottesini 4, Crema" in str(event["LOCATION"])


def test_conditional_get_gives_304_until_something_changes(browser, center, current):
    url = f"/ical/centri/{center.slug}.ics"
    first = browser.get(url)
    etag = first.headers["ETag"]
    again = browser.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = browser.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    services.cancel_occurrence(current, current.start_on + timedelta(weeks=1), "Gita scolastica")
    db.session.commit()
    changed = browser.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "ANNULLATO – Doposcuola" in changed.data.decode()


def test_feed_and_html_come_from_one_source(browser, center, current):
    """Every occurrence the HTML calendar shows is in the feed at the same time."""
    today = today_in_rome()
    services.cancel_occurrence(current, today + timedelta(weeks=1), "Assemblea")
    db.session.commit()
    html = browser.get(f"/calendario?centro={center.slug}").get_data(as_text=True)
    calendar = parse(browser.get(f"/ical/centri/{center.slug}.ics"))
    found = recurring_ical_events.of(calendar).between(
        today, today + timedelta(days=14)
    )  # the list's 14 days
    assert len(found) == 2
    assert [str(e["STATUS"]) for e in found] == ["CONFIRMED", "CANCELLED"]
    for event in found:
        start = event["DTSTART"].dt
        assert f"{start:%H:%M}–" in html
    assert html.count(">Annullato<") == 1 and html.count(">Doposcuola</a>") == 2


@pytest.mark.parametrize(
    "url", ["/ical/centri/non-esiste.ics", "/ical/comuni/non-esiste.ics", "/ical/pubblico/marziani.ics"]
)
def test_unknown_slugs_are_not_found(browser, url):
    assert browser.get(url).status_code == 404


def test_town_audience_and_everything_feeds(browser, center, current):
    other = factories.center("Biblioteca", "Offanengo", slug="biblioteca")
    today = today_in_rome()
    factories.activity(other, title="Lettura per anziani", audience="elderly", start_on=today,
                       weekdays=str(today.weekday()), until_on=today + timedelta(weeks=4))  # fmt: skip
    factories.activity(
        other, title="Festa per tutti", audience="everyone", freq="none", start_on=today + timedelta(days=3)
    )
    db.session.commit()

    def titles(url):
        return sorted(str(e["SUMMARY"]) for e in parse(browser.get(url)).walk("VEVENT"))

    assert titles("/ical/comuni/crema.ics") == ["Doposcuola"]
    assert titles("/ical/comuni/offanengo.ics") == ["Festa per tutti", "Lettura per anziani"]
    assert titles("/ical/pubblico/bambini.ics") == ["Doposcuola", "Festa per tutti"]
    assert titles("/ical/pubblico/anziani.ics") == ["Festa per tutti", "Lettura per anziani"]
    assert titles("/ical/pubblico/tutti.ics") == ["Festa per tutti"]
    assert titles("/ical/tutto.ics") == ["Doposcuola", "Festa per tutti", "Lettura per anziani"]


def test_feed_is_built_once_per_change(browser, center, current):
    from sqlalchemy import select

    from app.agenda.models import FeedCache

    browser.get("/ical/tutto.ics")
    built_at = db.session.scalar(select(FeedCache.built_at).where(FeedCache.key == "tutto@legami.test"))
    browser.get("/ical/tutto.ics")
    db.session.expire_all()
    assert (
        db.session.scalar(select(FeedCache.built_at).where(FeedCache.key == "tutto@legami.test")) == built_at
    )


def test_pages_with_a_feed_show_webcal_and_https_links(browser, center, current):
    for url in ("/calendario", f"/centri/{center.slug}", f"/centri/{center.slug}/attivita/{current.id}"):
        html = browser.get(url).get_data(as_text=True)
        assert (
            "webcal://legami.test/ical/" in html
            and "https://calendar.google.com/calendar/render?cid=webcal" in html
        )
        assert "outlook.live.com/calendar/0/addfromweb" in html
        assert "http://legami.test/ical/" in html
    assert "webcal://legami.test/ical/comuni/crema.ics" in browser.get("/calendario?comune=crema").get_data(
        as_text=True
    )


def test_subscribe_help_page(browser):
    from tests.conftest import text

    page = text(browser.get("/calendario/come-iscriversi"))
    for app_name in ("Apple", "Google Calendar", "Outlook", "Thunderbird"):
        assert app_name in page
    assert "ANNULLATO" in page


def locations(response) -> dict[str, tuple[str, int]]:
    """Each event's LOCATION and SEQUENCE, by title."""
    return {
        str(e["SUMMARY"]): (str(e.get("LOCATION", "")), int(e["SEQUENCE"]))
        for e in parse(response).walk("VEVENT")
    }


def test_renaming_a_town_or_moving_a_center_updates_every_location(as_admin, center, current):
    """The town's name and the center's address are in the events: feeds must not keep the old ones."""
    today = today_in_rome()
    hosted = factories.lab(center=center, slug="merenda", title="Merenda insieme")
    in_town = factories.lab(slug="orto", title="Orto condiviso", venue="")
    factories.session(hosted, today + timedelta(days=2))
    factories.session(in_town, today + timedelta(days=3))
    db.session.commit()
    town = center.town
    before = as_admin.get("/ical/tutto.ics")
    assert locations(before)["Orto condiviso"][0] == "Crema"

    data = {"name": "Crema Nuova", "province": "CR", "district": "Crema", **opened(town)}
    assert as_admin.post(f"/amministrazione/comuni/{town.id}", data).status_code == 302
    after = as_admin.get("/ical/tutto.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    found = locations(after)
    assert found["Doposcuola"][0] == "Oratorio San Luigi, Via Bottesini 4, Crema Nuova"
    assert found["Merenda insieme"][0] == "Oratorio San Luigi, Via Bottesini 4, Crema Nuova"
    assert found["Orto condiviso"][0] == "Crema Nuova"
    assert all(found[title][1] > sequence for title, (_, sequence) in locations(before).items())

    form = {"name": center.name, "kind": center.kind, "town_id": town.id, "zone_id": 0,
            "address": "Piazza Duomo 1", "description": "", "accessibility": "", "contact": ""}  # fmt: skip
    assert as_admin.post(f"/gestione/centri/{center.slug}", form | opened(center)).status_code == 302
    found = locations(as_admin.get("/ical/tutto.ics"))
    assert found["Doposcuola"][0] == "Oratorio San Luigi, Piazza Duomo 1, Crema Nuova"
    assert found["Merenda insieme"][0] == "Oratorio San Luigi, Piazza Duomo 1, Crema Nuova"
    assert found["Orto condiviso"][0] == "Crema Nuova"


def test_a_request_with_another_host_name_cannot_change_what_subscribers_get(
    app, browser, center, current, monkeypatch
):
    """Event URLs point to PUBLIC_URL, never to the request's Host (issue 27).

    (Production also refuses unknown hosts outright: TRUSTED_HOSTS, test_config.py.)
    """
    monkeypatch.setitem(app.config, "SERVER_NAME", None)  # no Host from the configuration, as in production
    forged = browser.get("/ical/tutto.ics", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in forged and "URL:http://legami.test/centri/" in forged
    served = browser.get("/ical/tutto.ics", headers={"Host": "legami.test"}).get_data(as_text=True)
    assert "evil.example" not in served and "URL:http://legami.test/centri/" in served


def test_last_modified_moves_when_an_event_leaves_the_feed(browser, center, current):
    """A client that sends only If-Modified-Since must see a trashed activity go."""
    other = factories.activity(
        center,
        title="Merenda",
        start_on=current.start_on,
        weekdays=current.weekdays,
        until_on=current.until_on,
    )
    db.session.commit()
    url = f"/ical/centri/{center.slug}.ics"
    first = browser.get(url)
    assert "Merenda" in first.get_data(as_text=True)
    services.trash_activity(other)
    db.session.commit()
    since = browser.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 200 and "Merenda" not in since.get_data(as_text=True)
    assert since.headers["Last-Modified"] != first.headers["Last-Modified"]
    again = browser.get(url, headers={"If-Modified-Since": since.headers["Last-Modified"]})
    assert again.status_code == 304
