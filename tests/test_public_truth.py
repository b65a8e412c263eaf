"""Small truths on public pages: JSON-LD for moved dates and centers, gender-neutral Italian."""

import json
import re
from datetime import datetime, timedelta

import pytest

from app.civic_centers.models import OccurrenceChange
from app.common.timeutil import ROME, today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import text


def jsonld(response):
    (found,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.get_data(as_text=True), re.S
    )
    return json.loads(found)


@pytest.fixture
def center(app):
    found = factories.center(slug="oratorio-san-luigi")
    found.description = "Spazi per compiti e gioco."
    db.session.commit()
    return found


def test_a_center_page_describes_its_place(browser, center):
    place = jsonld(browser.get("/centri/oratorio-san-luigi"))
    assert place["@context"] == "https://schema.org" and place["@type"] == "Place"
    assert place["name"] == "Oratorio San Luigi" and place["url"].endswith("/centri/oratorio-san-luigi")
    assert place["address"] == {
        "@type": "PostalAddress", "streetAddress": "Via Bottesini 4", "addressLocality": "Crema",
        "addressRegion": "CR", "addressCountry": "IT",
    }  # fmt: skip


def test_a_moved_date_has_its_previous_start_in_json_ld(browser, center):
    today = today_in_rome()
    first = today + timedelta(days=1)
    activity = factories.activity(
        center, start_on=first, weekdays=str(first.weekday()), until_on=first + timedelta(weeks=6),
        age_min=6, age_max=10,
    )  # fmt: skip
    new_day = first + timedelta(days=2)
    activity.changes.append(
        OccurrenceChange(original_on=first, new_start=datetime.combine(new_day, activity.start_time),
                         new_end=datetime.combine(new_day, activity.end_time))
    )  # fmt: skip
    db.session.commit()
    events = jsonld(browser.get(f"/centri/{center.slug}/attivita/{activity.id}"))
    (moved,) = [e for e in events if "previousStartDate" in e]
    assert moved["eventStatus"] == "https://schema.org/EventRescheduled"
    assert moved["previousStartDate"] == datetime.combine(first, activity.start_time, ROME).isoformat()
    assert moved["startDate"] == datetime.combine(new_day, activity.start_time, ROME).isoformat()
    assert all(e["typicalAgeRange"] == "6-10" for e in events)
    assert sum("previousStartDate" in e for e in events) == 1


@pytest.mark.parametrize("word", ["Bentornato", "Benvenuto", "Sei uscito", "Ti sei ritirato", "già iscritto"])
def test_public_wording_is_gender_neutral(app, word):
    # The message catalogue of the public flows: searched in the sources that render them.
    from pathlib import Path

    root = Path(app.root_path)
    sources = [*root.glob("auth/**/*.py"), *root.glob("auth/**/*.html"), *root.glob("labs/**/*.py"),
               *root.glob("labs/**/*.html"), *root.glob("templates/**/*.html")]  # fmt: skip
    assert not [str(p) for p in sources if word in p.read_text(encoding="utf-8")]


def test_login_and_withdrawal_say_it_neutrally(browser, make_user):
    user = make_user("ada@example.org", [], "Ada Lovelace")
    browser.login(user)
    assert "Ti diamo il bentornato, Ada Lovelace." in text(browser.get("/area-riservata"))
    browser.logout()
    assert "La sessione di Legami è chiusa." in text(browser.get("/"))
