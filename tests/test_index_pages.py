"""The indexes of centers and labs: 30 a page, in a steady order, the town filter kept across pages."""

import re

from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.test_query_counts import count_queries


def card_titles(response) -> list[str]:
    return re.findall(
        r'<h2 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', response.get_data(as_text=True)
    )


def centers(n: int, town: str, start: int = 0) -> None:
    for i in range(start, start + n):
        factories.center(f"Centro {i:02d}", town, slug=f"centro-{i:02d}")


def test_the_centers_index_shows_thirty_a_page_in_town_order(browser, app):
    centers(20, "Crema")
    centers(13, "Bagnolo Cremasco", start=20)
    db.session.commit()
    first = browser.get("/centri/")
    names = card_titles(first)
    # Bagnolo Cremasco's 13 before Crema's 20, each town's by name.
    assert names == [f"Centro {i:02d}" for i in range(20, 33)] + [f"Centro {i:02d}" for i in range(17)]
    page = text(first)
    assert "Successiva" in page and "Precedente" not in page
    assert 'href="/centri/?page=2"' in first.get_data(as_text=True)
    second = browser.get("/centri/?page=2")
    assert card_titles(second) == ["Centro 17", "Centro 18", "Centro 19"]
    assert "Precedente" in text(second) and "Successiva" not in text(second)
    assert browser.get("/centri/?page=3").status_code == 404
    assert browser.get("/centri/?page=0").status_code == 404
    assert (
        browser.get("/centri/?page=uno").status_code == 404
    )  # as db.paginate answers it, kept page 1 or not


def test_a_towns_centers_page_on_with_the_town(browser, app):
    centers(32, "Crema")
    centers(2, "Offanengo", start=40)
    db.session.commit()
    first = browser.get("/centri/?comune=crema")
    assert len(card_titles(first)) == 30 and "Centro 40" not in text(first)
    assert 'href="/centri/?page=2&amp;comune=crema"' in first.get_data(as_text=True)
    assert card_titles(browser.get("/centri/?comune=crema&page=2")) == ["Centro 30", "Centro 31"]
    only = browser.get("/centri/?comune=offanengo")
    assert card_titles(only) == ["Centro 40", "Centro 41"] and "Successiva" not in text(only)
    assert "Nessun centro in elenco." in text(browser.get("/centri/?comune=nessun-posto"))


def test_the_labs_index_shows_thirty_a_page_open_ones_first(browser, app):
    for i in range(25):
        factories.lab(title=f"Lab aperto {i:02d}", slug=f"aperto-{i:02d}")
    for i in range(8):
        factories.lab(title=f"Lab chiuso {i:02d}", slug=f"chiuso-{i:02d}", status="closed")
    factories.lab(title="Lab in bozza", slug="bozza", status="draft")
    db.session.commit()
    first = browser.get("/laboratori/")
    titles = card_titles(first)
    assert titles[:25] == [f"Lab aperto {i:02d}" for i in range(25)]
    assert titles[25:] == [f"Lab chiuso {i:02d}" for i in range(5)]
    assert "Iscrizioni aperte: 2 posti liberi su 2" in text(first)
    second = browser.get("/laboratori/?page=2")
    assert card_titles(second) == ["Lab chiuso 05", "Lab chiuso 06", "Lab chiuso 07"]
    assert "Lab in bozza" not in text(first) + text(second)
    assert browser.get("/laboratori/?page=3").status_code == 404


def test_a_signed_in_person_pages_the_same(browser, make_user, app):
    centers(31, "Crema")
    db.session.commit()
    browser.login(make_user("persona@example.org", [], "Pia Persona"))
    assert card_titles(browser.get("/centri/?page=2")) == ["Centro 30"]


def test_the_indexes_make_as_many_queries_whatever_the_count(browser, app):
    centers(5, "Crema")
    for i in range(5):
        factories.lab(title=f"Lab {i}", slug=f"lab-{i}")
    db.session.commit()
    for n, url in enumerate(("/centri/", "/laboratori/")):
        browser.get(url)
        with count_queries() as few:
            browser.get(url)
        centers(40, "Offanengo", start=100 * (n + 1))
        for i in range(40):
            factories.lab(title=f"Altro {n} {i:02d}", slug=f"altro-{n}-{i}")
        db.session.commit()
        with count_queries() as many:
            browser.get(url)
        assert few and len(many) == len(few), (url, many)
