"""A member's personal feed of their groups' meetings, behind a secret URL that can be replaced."""

import re
from datetime import date, time

import pytest
from icalendar import Calendar

from app.groups.models import GroupMembership, Meeting, WorkingGroup
from app.platform.extensions import db
from tests.conftest import text


@pytest.fixture
def meetings(app, member, make_user):
    mine = WorkingGroup(slug="welfare", name="Welfare in azione")
    other = WorkingGroup(slug="altro", name="Gruppo altrui")
    db.session.add_all([mine, other])
    db.session.flush()
    db.session.add(GroupMembership(group_id=mine.id, user_id=member.id, role="member"))
    db.session.add_all([
        Meeting(group=mine, held_on=date(2026, 12, 9), start_time=time(14, 30), end_time=time(16, 30), venue="Via Frecavalli 16"),
        Meeting(group=mine, held_on=date(2026, 12, 16), start_time=time(14, 30), end_time=time(16), is_cancelled=True),
        Meeting(group=other, held_on=date(2026, 12, 10), start_time=time(9), end_time=time(10), venue="Segreto"),
    ])  # fmt: skip
    db.session.commit()


def feed_path(browser) -> str:
    html = browser.get("/profilo/calendario").get_data(as_text=True)
    return re.search(r"http://legami\.test(/ical/personale/[^\"<]+\.ics)", html).group(1)


def test_personal_feed_lists_only_my_groups_meetings(browser, member, meetings):
    browser.login(member)
    path = feed_path(browser)
    browser.logout()
    response = browser.get(path)  # calendar apps have no session
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == ["ANNULLATO – Incontro: Welfare in azione", "Incontro: Welfare in azione"]
    assert b"Segreto" not in response.data
    assert browser.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_regenerating_retires_the_old_url(browser, member, meetings):
    browser.login(member)
    old = feed_path(browser)
    browser.post("/profilo/calendario", token_from="/profilo/calendario")
    new = feed_path(browser)
    assert old != new
    assert browser.get(old).status_code == 404 and browser.get(new).status_code == 200


def test_guessed_token_is_not_found_and_the_page_needs_login(browser):
    assert browser.get("/ical/personale/indovinato.ics").status_code == 404
    assert browser.get("/profilo/calendario").headers["Location"].startswith("/accedi")
    assert browser.post("/profilo/calendario", csrf=False).status_code == 400


def test_page_explains_in_italian(browser, member):
    browser.login(member)
    page = text(browser.get("/profilo/calendario"))
    assert "Gli incontri di tutti i tuoi gruppi di lavoro" in page and "Crea un nuovo indirizzo" in page


def test_a_deactivated_members_feed_stops(browser, member, meetings):
    browser.login(member)
    path = feed_path(browser)
    browser.logout()
    assert browser.get(path).status_code == 200
    member.is_active = False
    db.session.commit()
    response = browser.get(path)
    assert response.status_code == 404 and b"Welfare in azione" not in response.data
