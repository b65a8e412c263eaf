"""Pages a Comune's website can frame (and only those), and the snippet to paste."""

from datetime import timedelta
from html import unescape

import pytest

from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import text


@pytest.fixture
def center(app):
    found = factories.center(slug="oratorio-san-luigi")
    today = today_in_rome()
    factories.activity(found, title="Coro", start_on=today, weekdays=str(today.weekday()),
                       until_on=today + timedelta(weeks=8))  # fmt: skip
    other = factories.center("Biblioteca di Offanengo", "Offanengo", slug="biblioteca-offanengo")
    factories.activity(other, title="Lettura ad alta voce", start_on=today, weekdays=str(today.weekday()),
                       until_on=today + timedelta(weeks=8), audience="elderly", category="cultura")  # fmt: skip
    db.session.commit()
    return found


def frame_ancestors(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(p.strip() for p in policy.split(";") if p.strip().startswith("frame-ancestors"))


@pytest.mark.parametrize(
    "url,shown,hidden",
    [
        ("/incorpora/centri/oratorio-san-luigi", "Coro", "Lettura ad alta voce"),
        ("/incorpora/comuni/offanengo", "Lettura ad alta voce", "Coro"),
        ("/incorpora/calendario?pubblico=anziani", "Lettura ad alta voce", "Coro"),
        ("/incorpora/calendario?categoria=cultura&comune=offanengo", "Lettura ad alta voce", "Coro"),
    ],
)
def test_embedded_pages_show_their_filter_and_may_be_framed(browser, center, url, shown, hidden):
    response = browser.get(url)
    page = text(response)
    assert response.status_code == 200 and shown in page and hidden not in page
    assert frame_ancestors(response) == "frame-ancestors 'self' https:"
    assert "X-Frame-Options" not in response.headers
    html = response.get_data(as_text=True)
    assert '<base target="_blank">' in html and "<form" not in html and "csrf" not in html


def test_every_other_page_still_refuses_to_be_framed(browser, center):
    for url in ("/", "/calendario", "/centri/oratorio-san-luigi", "/calendario/incorpora", "/accedi"):
        response = browser.get(url)
        assert frame_ancestors(response) == "frame-ancestors 'none'", url
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_allowed_sites_are_configurable(app, browser, center):
    app.config["EMBED_FRAME_ANCESTORS"] = "https://www.comune.crema.cr.it"
    response = browser.get("/incorpora/comuni/crema")
    assert frame_ancestors(response) == "frame-ancestors 'self' https://www.comune.crema.cr.it"


def test_unknown_places_are_not_found(browser, center):
    assert browser.get("/incorpora/centri/nessuno").status_code == 404
    assert browser.get("/incorpora/comuni/nessuno").status_code == 404
    assert browser.get("/incorpora/calendario?pubblico=marziani").status_code == 404
    assert browser.get("/calendario/incorpora?centro=nessuno").status_code == 404


def test_the_subscribe_page_and_the_builder_give_a_snippet(browser, center):
    help_page = browser.get("/calendario/come-iscriversi").get_data(as_text=True)
    assert '/legami.test/incorpora/calendario" title="Calendario di Legami"' in unescape(help_page)
    assert "Google Calendar invece toglie le date annullate senza avvisare" in text(
        browser.get("/calendario/come-iscriversi")
    )
    builder = browser.get("/calendario/incorpora?centro=oratorio-san-luigi").get_data(as_text=True)
    snippet = unescape(builder.split('id="codice-incorpora"')[1].split(">", 1)[1].split("</textarea>")[0])
    assert snippet.startswith('<iframe src="http')
    assert 'title="Calendario Oratorio San Luigi"' in snippet and 'loading="lazy"' in snippet
    assert (
        '//legami.test/incorpora/centri/oratorio-san-luigi" title=' in snippet
        and "legami-embed-preview" in builder
    )
