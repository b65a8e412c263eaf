"""A parent on a 390 px phone, in a real browser (tests/browser/family_flow.mjs), with axe-core at 390 and 1280 px.

Skipped where Chromium or the npm packages are missing, except in CI, where that fails.
"""

from datetime import datetime, time, timedelta

import pytest

from app import create_app
from app.civic_centers.models import Closure, OccurrenceChange
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.browser_support import require_browser, run_script, served

pytestmark = pytest.mark.browser


def comune_site(embed_url: str):
    """A Comune's page (another origin) that frames the embed page, as its web editor would."""
    page = f'<!doctype html><html lang="it"><title>Comune</title><iframe id="f" src="{embed_url}" title="Calendario"></iframe>'

    def wsgi(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]

    return wsgi


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("family")
    app = create_app({
        "SECRET_KEY": "e2e", "DATABASE_URL": f"sqlite:///{workdir / 'family.sqlite3'}", "INSTANCE_PATH": str(workdir),
        "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_LEVEL": "WARNING",
        # A Comune's site is HTTPS; here it is another local origin (another port).
        "EMBED_FRAME_ANCESTORS": "https: http://127.0.0.1:*",
    })  # fmt: skip
    today = today_in_rome()
    first = today + timedelta(days=1)
    with app.app_context(), app.test_request_context():
        db.create_all()
        center = factories.center()
        center.description = "Compiti, gioco e merenda."
        activity = factories.activity(
            center, start_on=first, weekdays=str(first.weekday()), until_on=first + timedelta(weeks=6),
            age_min=6, age_max=10, step_free_access=True,
        )  # fmt: skip
        factories.activity(center, title="Serata per adulti", audience="adults", start_on=first,
                           weekdays=str(first.weekday()), until_on=first + timedelta(weeks=6))  # fmt: skip
        moved_on = first
        new_start = datetime.combine(moved_on + timedelta(days=2), time(17))
        activity.changes.append(OccurrenceChange(original_on=moved_on, new_start=new_start,
                                                 new_end=new_start + timedelta(hours=1)))  # fmt: skip
        closed_on = first + timedelta(weeks=1)
        center.closures.append(Closure(start_on=closed_on, end_on=closed_on, reason="Vacanze di Natale"))
        lab = factories.lab(capacity=5, age_min=8, age_max=11)
        factories.session(lab, today + timedelta(days=2), time(18), time(20))
        db.session.commit()
        config = {"town_slug": center.town.slug, "center_slug": center.slug, "lab_slug": lab.slug,
                  "activity_id": activity.id, "moved_on": moved_on.isoformat(), "closed_on": closed_on.isoformat(),
                  "month": first.replace(day=1).isoformat()}  # fmt: skip
    with served(app) as base, served(comune_site(f"{base}/incorpora/comuni/{config['town_slug']}")) as framer:
        found = run_script(
            "browser/family_flow.mjs", {**config, "base": base, "framer": framer + "/"}, workdir
        )
    assert "error" not in found, found["error"]
    return found


def test_the_first_event_is_in_view_on_a_phone(results):
    assert (
        results["steps"]["first_event_bottom"] is not None and results["steps"]["first_event_bottom"] <= 844
    )


def test_the_parent_filters_by_town_and_age_and_gets_the_matching_feed(results):
    steps = results["steps"]
    assert "comune=crema" in steps["calendar_url"] and "eta=7" in steps["calendar_url"]
    assert "Doposcuola" in steps["calendar_text"] and "Serata per adulti" not in steps["calendar_text"]
    assert steps["webcal"].startswith("webcal://")
    assert steps["webcal"].endswith("/ical/calendario.ics?comune=crema&eta=7")


def test_the_calendar_and_the_center_show_the_closed_day_and_the_moved_date(results):
    calendar = results["steps"]["calendar_text"]
    assert "Chiuso – Vacanze di Natale" in calendar
    assert "Spostato a " in calendar and "Spostato da " in calendar
    notices = results["steps"]["notices_text"]
    assert "Chiuso – Vacanze di Natale" in notices and "Spostato" in notices and "Doposcuola" in notices


def test_one_date_is_added_to_a_calendar(results):
    steps = results["steps"]
    assert "Età" in steps["activity_text"] and "dai 6 ai 10 anni" in steps["activity_text"]
    assert "/data/" in steps["event_url"] and "Aggiungi al mio calendario" in steps["event_text"]
    assert steps["ics_type"] == "text/calendar; charset=utf-8"
    assert (
        "BEGIN:VEVENT" in steps["ics"]
        and "SUMMARY:Doposcuola" in steps["ics"]
        and "FREQ=WEEKLY" not in steps["ics"]
    )
    assert steps["google"].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert steps["outlook"].startswith("https://outlook.live.com/calendar/0/deeplink/compose?")


def test_a_moved_date_and_a_closed_day_read_right_on_a_phone(results):
    steps = results["steps"]
    moved, closed = steps["moved_text"], steps["closed_text"]
    assert "Spostato da " in moved and "17:00" in moved and "Aggiungi a Google Calendar" in moved
    assert "Chiuso – Vacanze di Natale" in closed
    assert "Aggiungi a Google Calendar" not in closed and "Aggiungi a Outlook" not in closed
    assert steps["closed_status"] == 200
    month = steps["month_text"]
    assert "Vacanze di Natale" in month and "Spostato" in month
    assert steps["widest"] <= 390  # nothing wider than the phone on these pages


def test_the_embedded_page_loads_inside_another_site(results):
    assert results["steps"]["embedded_title"] == "Crema"


def test_no_serious_accessibility_violations_at_390_and_1280(results):
    assert len(results["axe"]) == 22
    assert {name: found for name, found in results["axe"].items() if found} == {}


def test_no_console_errors_or_csp_violations(results):
    assert results["console"] == []
