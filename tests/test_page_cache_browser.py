"""In a real browser (tests/browser/kept_pages.mjs): the pages a parent reads twice come from the
kept copies, and a date the manager cancels reads "Annullato" with its reason at once on the
activity, its center and the week's calendar. The server trusts the data's generation for a
second, as in production. (In CI a skip is a failure.)"""

from datetime import timedelta

import pytest

from app.auth import services as accounts
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from app.platform.page_cache import EXTENSION
from tests import factories
from tests.browser_support import PASSWORD, empty_app, require_browser, run_script, served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("kept-pages")
    app = empty_app(workdir, "kept-pages", PAGE_GENERATION_SECONDS=1.0)
    today = today_in_rome()
    next_date = today + timedelta(days=(1 - today.weekday()) % 7 or 7)  # next Tuesday
    with app.app_context():
        manager = accounts.create_user("gestore@example.org", "Giorgio Gestore", set())
        manager.set_password(PASSWORD)
        center = factories.center(managers=[manager])
        activity = factories.activity(
            center, title="Doposcuola del martedì", start_on=today - timedelta(days=30),
            until_on=today + timedelta(days=120),
        )  # fmt: skip
        db.session.commit()
        config = {
            "center_slug": center.slug, "activity_id": activity.id, "date": next_date.isoformat(),
            "email": manager.email, "password": PASSWORD,
        }  # fmt: skip
    with served(app) as base:
        found = run_script("browser/kept_pages.mjs", {**config, "base": base}, workdir)
    kept = len(app.extensions[EXTENSION]._pages)
    with app.app_context():
        db.engine.dispose()
    return found, kept


@pytest.mark.parametrize("page", ["activity", "center", "week"])
def test_a_kept_page_reads_the_same_and_a_cancelled_date_shows_at_once(results, page):
    found, kept = results
    steps = found["steps"]
    assert kept >= 3
    assert "Doposcuola del martedì" in steps[f"first_{page}"]
    assert steps[f"kept_{page}"] == steps[f"first_{page}"]
    assert "Palestra allagata" not in steps[f"first_{page}"]
    assert "La data è stata annullata." in steps["manager"]
    assert "Palestra allagata" in steps[f"after_{page}"] and "nnullat" in steps[f"after_{page}"]


def test_no_serious_accessibility_violations_or_console_errors(results):
    found, _ = results
    assert found["axe"] and all(v == [] for v in found["axe"].values()), found["axe"]
    assert found["console"] == []
