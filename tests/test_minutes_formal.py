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


def _scroll_regions_are_focusable(html: str) -> int:
    from bs4 import BeautifulSoup

    wrappers = BeautifulSoup(html, "html.parser").select(".table-responsive")
    for wrapper in wrappers:
        assert (
            wrapper.get("tabindex") == "0" and wrapper.get("role") == "region" and wrapper.get("aria-label")
        )
    return len(wrappers)


def test_staff_tables_scroll_by_keyboard(browser, admin, review):
    browser.login(admin)
    for url in ("/amministrazione/registro", "/amministrazione/utenti/", "/amministrazione/posta/"):
        response = browser.get(url)
        assert response.status_code == 200, url
        _scroll_regions_are_focusable(response.get_data(as_text=True))
    assert _scroll_regions_are_focusable(browser.get("/amministrazione/utenti/").get_data(as_text=True)) == 1


def test_every_scrolling_table_in_the_templates_is_focusable():
    import pathlib

    for path in pathlib.Path("app").rglob("*.html"):
        assert 'class="table-responsive">' not in path.read_text(encoding="utf-8"), path
