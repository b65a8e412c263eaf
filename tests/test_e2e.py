"""End-to-end in a real browser: Debian's Chromium driven by playwright-core, checked with axe-core.

Skipped, and said so, where Chromium or the npm packages are missing; in CI
(CI=true) a skip is a failure.
"""

from datetime import time, timedelta

import pytest

from app import create_app
from app.accounts.models import Role
from app.auth import services as accounts
from app.common.timeutil import today_in_rome
from app.labs import notices, registrations
from app.platform.extensions import db
from tests import factories
from tests.browser_support import PASSWORD, demo_app, require_browser, run_flow, run_script, served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Serve a fresh portal, run every browser scenario once, return what it saw."""
    require_browser()
    workdir = tmp_path_factory.mktemp("e2e")
    app = create_app({
        "SECRET_KEY": "e2e", "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}", "INSTANCE_PATH": str(workdir),
        "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_LEVEL": "WARNING",
    })  # fmt: skip
    today = today_in_rome()
    with app.app_context(), app.test_request_context():
        db.create_all()
        admin = accounts.create_user(
            "admin@example.org", "Alba Amministratrice", {Role.ADMIN, Role.COORDINATOR}
        )
        admin.set_password(PASSWORD)
        center = factories.center()
        activity = factories.activity(
            center, start_on=today, weekdays=str(today.weekday()), until_on=today + timedelta(weeks=6)
        )
        factories.activity(center, title="Serata per adulti", audience="adults", start_on=today,
                           weekdays=str(today.weekday()), until_on=today + timedelta(weeks=6))  # fmt: skip
        lab = factories.lab(capacity=1)
        factories.session(lab, today + timedelta(days=2), time(18), time(20))
        first, _token = registrations.register(lab, "Primo Iscritto", "primo@example.org", "", "", False)
        registrations.confirm(first)  # from the message to primo@example.org (double opt-in)
        token = notices.private_token(first)
        db.session.commit()
        config = {
            "email": admin.email, "password": PASSWORD, "town_slug": center.town.slug, "center_slug": center.slug,
            "lab_slug": lab.slug, "activity_id": activity.id,
        }  # fmt: skip
    with served(app) as base:
        config["first_registration_url"] = f"{base}/laboratori/{config['lab_slug']}/iscrizione/{token}"
        return run_script("e2e/run.mjs", {**config, "base": base}, workdir)


def test_login_through_the_form_shows_the_dashboard(results):
    text = results["steps"]["dashboard_text"]
    assert "Area riservata" in text and "Ciao Alba Amministratrice" in text


@pytest.mark.parametrize(
    "page",
    [
        "home",
        "login",
        "dashboard",
        "calendar",
        "calendar-month",
        "center",
        "lab",
        "registration",
        "reports",
        "activity-form",
        "conflict",
    ],
)
def test_no_serious_accessibility_violations(results, page):
    assert results["axe"][page] == []


def test_no_console_errors_or_csp_violations(results):
    assert results["console"] == []


def test_calendar_filters_on_a_phone_and_the_subscribe_link(results):
    steps = results["steps"]
    assert "comune=crema" in steps["calendar_url"] and "pubblico=bambini" in steps["calendar_url"]
    assert "Doposcuola" in steps["calendar_text"] and "Serata per adulti" not in steps["calendar_text"]
    # The feed offered has exactly the page's filters.
    assert steps["webcal"].startswith("webcal://")
    assert steps["webcal"].endswith("/ical/calendario.ics?comune=crema&pubblico=bambini")


def test_sign_up_withdraw_and_the_waiting_list_moves(results):
    steps = results["steps"]
    assert "sei in lista d'attesa: posizione 1" in steps["waiting_text"]
    assert "Hai ritirato la tua iscrizione" in steps["withdrawn_text"]
    assert "Teresa Villa, hai un posto." in steps["promoted_text"]


def test_two_tabs_editing_one_lab_the_second_gets_the_conflict_page(results):
    steps = results["steps"]
    assert steps["conflict_status"] == 409
    assert "Qualcun altro ha salvato queste informazioni mentre le modificavi" in steps["conflict_text"]
    assert "Posti\t3\t1\til valore salvato da altri" in steps["conflict_text"]
    assert "Vai al modulo da salvare di nuovo" in steps["conflict_text"]
    assert (steps["conflict_title"], steps["conflict_capacity"]) == ("Orto di tutti", "3")
    assert "Laboratorio aggiornato." in steps["resaved_text"] and "Orto di tutti" in steps["resaved_text"]


def test_dashboard_chart_is_drawn(results):
    assert results["steps"]["chart_drawn"] in (0, 1)


def test_working_group_flow_in_the_browser(tmp_path):
    """A secretary schedules a meeting, takes attendance, writes, reviews and publishes
    a verbale; an anonymous visitor reads it and finds it by search (tests/browser/groups_flow.mjs)."""
    require_browser()
    with served(demo_app(tmp_path, "groups")) as base:
        printed = run_flow("browser/groups_flow.mjs", base)
    assert "groups browser flow: ok" in printed and "VIOLATIONS" not in printed
