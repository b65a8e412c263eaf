"""Issue 28: the verbale as a formal document, approval dates, neutral wording, small screens."""

from datetime import date, timedelta

from app.common.timeutil import today_in_rome
from app.minutes.models import Minutes
from app.platform.extensions import db
from tests.conftest import text
from tests.verbale_2014 import review_fixture, round2014_fixture  # noqa: F401


def page_of(m):
    return f"/gruppi/{m.group.slug}/verbali/{m.id}"


def test_no_approval_before_the_meeting_has_happened(browser, review):
    m = review.minutes
    m.meeting.held_on = today_in_rome() + timedelta(days=3)
    db.session.commit()
    browser.login(review.chair)
    session_on = (today_in_rome() + timedelta(days=4)).isoformat()
    browser.post(
        f"/verbali/{m.id}/approva", {"method": "session", "session_on": session_on, "visibility": "public"}
    )
    assert "L'incontro non si è ancora svolto" in text(browser.get(page_of(m)))
    db.session.expire_all()
    assert db.session.get(Minutes, m.id).status == "review"


def test_no_approval_session_in_the_future(browser, review):
    m = review.minutes
    browser.login(review.chair)
    session_on = (today_in_rome() + timedelta(days=1)).isoformat()
    browser.post(
        f"/verbali/{m.id}/approva", {"method": "session", "session_on": session_on, "visibility": "public"}
    )
    assert "La data della seduta non può essere nel futuro." in text(browser.get(page_of(m)))
    db.session.expire_all()
    assert db.session.get(Minutes, m.id).status == "review"
    assert m.meeting.held_on < date.today()


def test_dates_read_as_italian_without_article(browser, review):
    m = review.minutes
    browser.login(review.chair)
    browser.post(
        f"/verbali/{m.id}/approva", {"method": "session", "session_on": "2014-04-23", "visibility": "public"}
    )
    page = text(browser.get(page_of(m)))
    assert "Approvato nella seduta di mercoledì 23 aprile 2014." in page
    assert "del mercoledì" not in page and "il mercoledì" not in page
    meeting = text(browser.get(f"/incontri/{m.meeting.id}"))
    assert "Incontro di mercoledì 9 aprile 2014" in meeting and "del mercoledì" not in meeting
