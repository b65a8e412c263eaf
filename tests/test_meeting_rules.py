"""Issue 28 (A): a group's meeting rule makes its meetings ahead, once each, convened."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app.common.timeutil import ROME, today_in_rome
from app.groups import meeting_rules
from app.groups.models import Meeting, MeetingRule
from app.messages import scheduled
from app.platform.extensions import db
from tests.conftest import text
from tests.groups_support import team_fixture  # noqa: F401


def _next(weekday: int, after: date) -> date:
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


def rule_data(**change) -> dict:
    start = _next(3, today_in_rome())  # the next Thursday
    data = {
        "start_on": start.isoformat(), "start_time": "17:30", "end_time": "19:00", "freq": "weekly",
        "interval": "2", "weekdays": "3", "month_week": "1", "month_weekday": "0",
        "until_on": (start + timedelta(days=200)).isoformat(), "venue": "Sala civica, via Roma 1",
    }  # fmt: skip
    return {**data, **change}


def ruled():
    return db.session.scalars(
        select(Meeting).where(Meeting.rule_on.is_not(None)).order_by(Meeting.held_on)
    ).all()


def test_the_rule_in_words(app):
    rule = MeetingRule(freq="weekly", interval=2, weekdays="3", start_time=time(17, 30), end_time=time(19),
                       until_on=date(2027, 6, 30), start_on=date(2026, 12, 10))  # fmt: skip
    assert (
        meeting_rules.describe(rule) == "Ogni due settimane il giovedì, 17:30–19:00, fino al 30 giugno 2027"
    )
    monthly = MeetingRule(freq="monthly", interval=1, weekdays="", month_week=1, month_weekday=0,
                          start_time=time(18), end_time=time(20), until_on=date(2027, 7, 1), start_on=date(2026, 12, 7))  # fmt: skip
    assert meeting_rules.describe(monthly) == "Il primo lunedì del mese, 18:00–20:00, fino al 1º luglio 2027"
    monthly.month_weekday, monthly.month_week = 6, -1
    assert meeting_rules.describe(monthly).startswith("L'ultima domenica del mese")


def test_secretary_sets_the_rule_and_the_meetings_come_convened(browser, team, mailbox):
    mailbox.deliver()  # the fixture's own meeting
    browser.login(team.secretary)
    response = browser.post(f"/gruppi/{team.group.slug}/regola-incontri", rule_data())
    assert response.status_code == 302
    page = text(browser.get(response.headers["Location"]))
    until = today_in_rome()
    assert "Ogni due settimane il giovedì, 17:30–19:00, fino al" in page
    made = ruled()
    first = _next(3, until)
    assert [m.held_on for m in made] == [first + timedelta(weeks=2 * i) for i in range(len(made))]
    assert 2 <= len(made) <= 4 and all(m.held_on <= until + timedelta(weeks=6) for m in made)
    assert all(
        (m.start_time, m.end_time, m.venue) == (time(17, 30), time(19), "Sala civica, via Roma 1")
        for m in made
    )
    convocations = mailbox.deliver()
    assert len(convocations) == 3 * len(made)
    assert all(m["Subject"].startswith("Convocazione") for m in convocations)


def test_the_job_is_idempotent_and_keeps_moved_and_cancelled_meetings(browser, team, mailbox):
    browser.login(team.secretary)
    browser.post(f"/gruppi/{team.group.slug}/regola-incontri", rule_data())
    made = ruled()
    count = len(made)
    now = datetime.combine(today_in_rome(), time(9), ROME)
    assert scheduled.run(now)["meetings_from_rules"] == 0
    # The secretary moves the first and cancels the second, with the usual pages.
    moved, cancelled = made[0], made[1]
    form = {"held_on": (moved.held_on + timedelta(days=1)).isoformat(), "start_time": "17:30",
            "end_time": "19:00", "venue": "Altrove", "agenda": "", "version": str(moved.version)}  # fmt: skip
    page = browser.get(f"/incontri/{moved.id}/modifica").get_data(as_text=True)
    opened = (
        page.split('name="opened" type="hidden" value="')[1].split('"')[0] if 'name="opened"' in page else ""
    )
    browser.post(f"/incontri/{moved.id}/modifica", {**form, "opened": opened})
    browser.post(f"/incontri/{cancelled.id}/annulla")
    db.session.expire_all()
    assert db.session.get(Meeting, moved.id).held_on == moved.rule_on + timedelta(days=1)
    assert scheduled.run(now)["meetings_from_rules"] == 0
    assert scheduled.run(now + timedelta(hours=1))["meetings_from_rules"] == 0
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.rule_on.is_not(None))) == count
    # Weeks later, the next rule dates come, each once.
    later = now + timedelta(weeks=4)
    mailbox.deliver()
    assert scheduled.run(later)["meetings_from_rules"] == 2
    made_later = [m for m in mailbox.deliver() if m["Subject"].startswith("Convocazione")]
    assert len(made_later) == 2 * 3  # each new meeting convened to the three members
    assert scheduled.run(later)["meetings_from_rules"] == 0
    days = [m.rule_on for m in ruled()]
    assert len(days) == len(set(days)) == count + 2


def test_monthly_rule_first_monday(browser, team):
    browser.login(team.chair)
    start = today_in_rome()
    data = rule_data(freq="monthly", interval="1", weekdays="", month_week="1", month_weekday="0",
                     start_on=start.isoformat(), until_on=(start + timedelta(days=300)).isoformat())  # fmt: skip
    data.pop("weekdays")
    assert browser.post(f"/gruppi/{team.group.slug}/regola-incontri", data).status_code == 302
    made = ruled()
    assert made and all(m.held_on.weekday() == 0 and m.held_on.day <= 7 for m in made)
    assert "Il primo lunedì del mese, 17:30–19:00" in text(browser.get(f"/gruppi/{team.group.slug}"))


@pytest.mark.parametrize(
    "change,message",
    [
        (
            {"until_on": (today_in_rome() - timedelta(days=30)).isoformat()},
            "L'ultima data non può essere prima",
        ),
        ({"until_on": ""}, "Indica"),
        ({"until_on": (today_in_rome() + timedelta(days=3 * 366)).isoformat()}, "al massimo due anni"),
        ({"end_time": "17:00"}, "L'ora di fine deve essere dopo l'ora di inizio."),
        ({"freq": "none"}, ""),
        ({"weekdays": ""}, "Scegli almeno un giorno della settimana."),
        ({"until_on": "", "count": "400"}, "Indica l'ultima data, non un numero di incontri."),
        ({"venue": ""}, "Scrivi la sede."),
    ],
)
def test_bad_rules_change_nothing(browser, team, change, message):
    browser.login(team.secretary)
    data = {k: v for k, v in rule_data(**change).items() if v != ""}
    response = browser.post(f"/gruppi/{team.group.slug}/regola-incontri", data)
    assert response.status_code == 400 and message in text(response)
    assert db.session.scalar(select(func.count(MeetingRule.id))) == 0 and ruled() == []


def test_who_may_set_the_rule(browser, team):
    url = f"/gruppi/{team.group.slug}/regola-incontri"
    assert browser.get(url).status_code == 302  # anonymous: to the login page
    assert browser.post(url, rule_data()).status_code in (302, 400)
    browser.login(team.outsider)  # not in this group
    assert browser.get(url).status_code == 404 and browser.post(url, rule_data()).status_code == 404
    browser.logout()
    browser.login(team.member)  # a plain member
    assert browser.post(url, rule_data()).status_code == 403
    assert browser.get("/gruppi/nessuno/regola-incontri").status_code == 404
    assert db.session.scalar(select(func.count(MeetingRule.id))) == 0
    browser.logout()
    browser.login(team.secretary)
    assert browser.get(url).status_code == 200
    assert browser.post(url, rule_data()).status_code == 302
    browser.post(f"{url}/fine")
    assert db.session.scalar(select(func.count(MeetingRule.id))) == 0
    assert ruled()  # the meetings made stay
