"""The bounded home and calendar pages in Chromium at 390 and 1280 px, with axe-core
(tests/browser/district_pages.mjs). Screenshots go to $E2E_SCREENSHOTS when set."""

from datetime import time, timedelta

import pytest

from app import create_app
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.browser_support import require_browser, run_script, served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("district")
    app = create_app({
        "SECRET_KEY": "e2e", "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}", "INSTANCE_PATH": str(workdir),
        "RATELIMIT_STORAGE_URI": "memory://", "LOG_LEVEL": "WARNING",
    })  # fmt: skip
    today = today_in_rome()
    with app.app_context():
        db.create_all()
        crema = factories.center()
        offanengo = factories.center("Biblioteca comunale", "Offanengo", slug="biblioteca")
        for i in range(16):
            where = crema if i % 2 else offanengo
            factories.activity(
                where, title=f"Attività {i:02d}", freq="none", start_on=today, start_time=time(9 + i // 2, i)
            )
        factories.activity(crema, title="Doposcuola del martedì", start_on=today, weekdays=str(today.weekday()),
                           until_on=None)  # fmt: skip
        for i in range(30):  # the centers' index shows 30 a page: these fill the first one
            factories.center(f"Centro civico {i + 1:02d}", "Bagnolo Cremasco", slug=f"centro-civico-{i + 1:02d}")
        lab = factories.lab(capacity=12, description="Un orto da curare insieme. " * 40)
        for week in range(1, 5):
            factories.session(lab, today + timedelta(weeks=week))
        db.session.commit()
    with served(app) as base:
        config = {
            "base": base,
            "town_slug": "offanengo",
            "day": today.isoformat(),
            "lab_slug": "orto-condiviso",
        }
        return run_script("browser/district_pages.mjs", config, workdir)


def test_no_serious_accessibility_violations(results):
    assert results["axe"] and all(found == [] for found in results["axe"].values()), results["axe"]


def test_no_console_errors(results):
    assert results["console"] == []


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_remembered_town_comes_first(results, size):
    page = results["steps"][f"home_remembered_{size}"]
    assert "Da ora la pagina iniziale mostra prima Offanengo." in page and "Oggi a Offanengo" in page
    mine = page.split("Nel resto della rete")[0]
    assert "Attività 00" in mine and "Attività 01" not in mine


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_busy_day_is_bounded_and_the_day_view_has_the_rest(results, size):
    assert results["steps"][f"entries_{size}"] <= 10 * 14
    day = results["steps"][f"day_{size}"]
    assert "17 eventi in questo giorno." in day and "Attività 15" in day


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_centers_index_pages_on_by_town(results, size):
    first, second = results["steps"][f"centers_{size}"]
    assert first["cards"] == [f"Centro civico {i:02d}" for i in range(1, 31)]
    assert "Successiva" in first["nav"] and "Precedente" not in first["nav"]
    assert second["cards"] == ["Oratorio San Luigi", "Biblioteca comunale"] and "Precedente" in second["nav"]
    assert "page=2" in second["url"]


# --- Weight (issue 22): what a phone downloads for the home page, as Chromium counts it -------


def test_a_first_visit_on_a_phone_is_under_400_kb_and_a_second_under_30_kb(results):
    first, second = results["steps"]["weight_first"], results["steps"]["weight_second"]
    assert first["bytes"] < 400_000, first
    assert second["bytes"] < 30_000, second
    built = [f for f in first["files"] if "/static/" in f["url"]]
    assert built and all("/static/dist/" in f["url"] for f in built), built
    assert all("immutable" in f["cache"] and "max-age=31536000" in f["cache"] for f in built), built
    assert {f["encoding"] for f in built if f["url"].endswith((".css", ".js"))} == {"br"}, built
    assert not [f for f in second["files"] if "/static/" in f["url"] and f["bytes"]], second


# --- A parent on a phone (issue 22): the lab page and the filters at 390 px ---------------------


def test_a_lab_says_its_places_in_the_first_screen_and_the_link_reaches_the_form(results):
    signup = results["steps"]["lab_signup"]
    assert signup["text"] == "Iscriviti · 12 posti liberi"
    assert signup["bottom"] < 844, signup  # in view on a phone, above a long description
    assert results["steps"]["lab_form_in_view"] is True


def test_the_age_filter_is_typed_and_has_a_visible_border(results):
    age = results["steps"]["age_field"]
    assert (age["type"], age["inputmode"], age["visible"]) == ("number", "numeric", True)
    assert float(age["border"].removesuffix("px")) >= 1 and age["color"] != age["background"], age


def test_choosing_a_town_offers_only_its_centers_at_once(results):
    assert results["steps"]["centers_offered"] == ["Tutti i centri", "Biblioteca comunale"]
    assert (
        "comune=offanengo" in results["steps"]["filtered_url"] and "eta=7" in results["steps"]["filtered_url"]
    )


def test_the_search_finds_on_a_phone(results):
    assert (
        "Risultati per «attivita»" in results["steps"]["search"]
        and "Attività 00" in results["steps"]["search"]
    )
