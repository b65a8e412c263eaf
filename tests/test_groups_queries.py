"""The group list, a group's page and the verbali search make a fixed number of queries."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.auth import services as accounts
from app.groups import actions
from app.groups import services as groups
from app.minutes import services as minutes
from app.minutes.models import Minutes
from app.platform.extensions import db
from tests.groups_support import key, mark, team_fixture  # noqa: F401
from tests.test_query_counts import count_queries


def add_rows(team, n: int, start: int) -> None:
    for i in range(start, start + n):
        user = accounts.create_user(f"p{i}@example.org", f"Persona {i}", set())
        groups.add_member(team.group, user.email, "member")
        groups.create_group(f"Gruppo {i}", "", None, "")
        meeting = groups.schedule_meeting(
            team.group, date(2026, 1, 1) + timedelta(days=i), time(9), time(10), "Sala", "x"
        )
        mark(meeting, {user: "present"})
        actions.create_action(meeting, f"Azione {i}", key(team.group, user), None)
        m = minutes.create_minutes(meeting, user, f"Verbale {i}", "Testo comune")
        m.status, m.visibility = "approved", "public"  # listing only: no PDF to issue
    db.session.commit()


@pytest.mark.parametrize("url", ["/gruppi/", "/gruppi/welfare-in-azione", "/verbali/cerca?q=comune"])
def test_listing_pages_make_a_fixed_number_of_queries(browser, team, url):
    browser.login(team.member)
    add_rows(team, 3, 0)
    browser.get(url)  # warm up
    with count_queries() as few:
        assert browser.get(url).status_code == 200
    add_rows(team, 12, 3)
    with count_queries() as many:
        assert browser.get(url).status_code == 200
    assert few, "the counter saw no query"
    assert len(many) == len(few), many


def test_a_visitor_reads_a_group_and_a_public_verbale_with_no_ones_roles(app, team):
    """Members, authors and attendees are shown by name: their roles are never loaded."""
    from tests.conftest import Browser

    add_rows(team, 3, 0)
    verbale = db.session.scalar(select(Minutes).where(Minutes.visibility == "public").order_by(Minutes.id))
    visitor = Browser(app.test_client())
    for url in ("/gruppi/welfare-in-azione", f"/gruppi/welfare-in-azione/verbali/{verbale.id}"):
        assert visitor.get(url).status_code == 200
        with count_queries() as seen:
            assert visitor.get(url).status_code == 200
        assert seen and not [s for s in seen if "FROM user_roles" in s], seen


def test_a_groups_verbali_come_ten_a_page_with_their_count_in_the_same_statement(app, team):
    """app/platform/paging.py: the rows and their total in one statement; past the last page a 404;
    a visitor's count leaves out the group-only verbali."""
    import re

    from tests.conftest import Browser

    visitor = Browser(app.test_client())
    url = "/gruppi/welfare-in-azione"
    assert "Nessun verbale pubblicato." in visitor.get(url).get_data(as_text=True)
    add_rows(team, 12, 0)
    hidden = db.session.scalar(select(Minutes).where(Minutes.title == "Verbale 11"))
    hidden.visibility = "group"  # the newest: a visitor sees 11 verbali in all
    db.session.commit()

    def titles(response):
        return re.findall(r">(Verbale \d+)</a>", response.get_data(as_text=True))

    with count_queries() as seen:
        first = visitor.get(url)
    assert titles(first) == [f"Verbale {i}" for i in range(10, 0, -1)]  # newest meeting first
    assert 'href="/gruppi/welfare-in-azione?page=2"' in first.get_data(as_text=True)
    counting = [s for s in seen if "count(*)" in s]
    assert len(counting) == 1 and "FROM minutes" in counting[0] and "LIMIT" in counting[0], seen
    assert titles(visitor.get(url + "?page=2")) == ["Verbale 0"]
    assert visitor.get(url + "?page=3").status_code == 404
    visitor.login(team.member)
    assert titles(visitor.get(url))[0] == "Verbale 11"  # a member sees the group-only one
    assert titles(visitor.get(url + "?page=2")) == ["Verbale 1", "Verbale 0"]
