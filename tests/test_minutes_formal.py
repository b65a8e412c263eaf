"""Issue 28: the verbale as a formal document, approval dates, neutral wording, small screens."""

from datetime import date, timedelta

from flask_babel import format_date

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


def _pdf_text(browser, m, number):
    import io

    from pypdf import PdfReader

    data = browser.get(f"/verbali/{m.id}/versioni-approvate/{number}.pdf").data
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_the_record_names_its_issuer_and_closes_the_session(browser, review):
    from app.towns.models import Town
    from tests.verbale_2014 import approve

    town = Town(name="Crema", slug="crema")
    db.session.add(town)
    db.session.flush()
    review.group.town_id = town.id
    db.session.commit()
    m = approve(review)
    browser.login(review.secretary)
    page = text(browser.get(page_of(m)))
    assert "Welfare di Comunità Comune di Crema Ambito distrettuale di Crema" in page
    assert "La seduta è tolta alle 16:40." in page
    content = _pdf_text(browser, m, 1)
    assert "Comune di Crema" in content and "Ambito distrettuale di Crema" in content
    assert "La seduta è tolta alle 16:40." in content


def test_a_rettifica_tells_the_members_who_made_it_and_when(browser, review, mailbox):
    from tests.mail_support import body
    from tests.verbale_2014 import approve

    m = approve(review)
    mailbox.deliver()
    browser.login(review.chair)
    data = {"title": m.title, "body": "Testo corretto.", "base_revision": "1", "reason": "Refuso nel nome"}
    assert browser.post(f"/verbali/{m.id}/rettifica", data).status_code == 302
    notices = [msg for msg in mailbox.deliver() if msg["Subject"].startswith("Verbale rettificato")]
    assert sorted(msg["To"].addresses[0].addr_spec for msg in notices) == sorted(
        u.email for u in (review.chair, review.secretary, review.member)
    )
    plain = body(notices[0])
    day = format_date(today_in_rome(), "EEEE d MMMM y")
    assert f"è stato rettificato da Angela Beretta {day} (versione 2)" in plain and "Refuso nel nome" in plain
    page = text(browser.get(page_of(m)))
    assert f"Rettifica di {day} (versione 2): Refuso nel nome Rettifica registrata da Angela Beretta." in page
    assert "Rettifica registrata da Angela Beretta." in _pdf_text(browser, m, 2)


def test_the_checksum_page_offers_to_pick_the_file(browser):
    page = browser.get("/verbali/verifica").get_data(as_text=True)
    assert 'type="file" id="verifica-file-input"' in page and "verify.js" in page
    assert "il file non viene inviato a nessuno" in page
    assert 'name="checksum"' in page  # the typed field stays
    assert browser.get("/static/verbali/verify.js").status_code == 200


def test_the_browser_computes_the_sha256_of_the_picked_file():
    import hashlib
    import json
    import shutil
    import subprocess

    import pytest

    node = shutil.which("node")
    if not node:
        pytest.skip("node missing")
    data = b"%PDF-1.7 un verbale\n" * 50
    done = subprocess.run(
        [node, "tests/js/verify_checksum.mjs"], input=data, capture_output=True, timeout=60, check=True
    )
    result = json.loads(done.stdout)
    assert result == {
        "value": hashlib.sha256(data).hexdigest(),
        "submitted": True,
        "hidden": False,
        "status": "d",
    }
