"""Allegati of a meeting that has no verbale yet: private to the group, then taken by the verbale."""

import io

from sqlalchemy import func, select

from app.minutes import services
from app.minutes.models import Attachment
from app.platform.extensions import db
from tests.conftest import text
from tests.test_attachments_actions import PDF, PNG
from tests.verbale_2014 import round2014_fixture  # noqa: F401


def meeting_url(r) -> str:
    return f"/incontri/{r.meeting.id}"


def upload(browser, r, name, data, token_from=None):
    return browser.post(f"{meeting_url(r)}/allegati", {"file": (io.BytesIO(data), name)},
                        content_type="multipart/form-data", token_from=token_from or meeting_url(r))  # fmt: skip


def count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


def test_a_member_attaches_papers_to_a_meeting_before_the_verbale(browser, round2014):
    browser.login(round2014.member)
    page = text(browser.get(meeting_url(round2014)))
    assert "Allegati" in page and "Nessun allegato." in page and "Visibili solo al gruppo" in page
    response = upload(browser, round2014, "Ordine del giorno.pdf", PDF)
    assert response.status_code == 302
    page = text(browser.get(meeting_url(round2014)))
    assert "Allegato «ordine-del-giorno.pdf» aggiunto." in page and "ordine-del-giorno.pdf" in page
    found = db.session.scalar(select(Attachment))
    assert found.meeting_id == round2014.meeting.id and found.minutes_id is None
    download = browser.get(f"{meeting_url(round2014)}/allegati/{found.id}")
    assert download.data == PDF
    assert download.headers["Content-Disposition"] == 'attachment; filename="ordine-del-giorno.pdf"'
    assert download.headers["Cache-Control"] == "private, no-store"


def test_bad_files_are_refused_in_italian_and_nothing_is_kept(browser, round2014):
    browser.login(round2014.member)
    upload(browser, round2014, "programma.pdf", b"<html>non sono un pdf</html>")
    assert "Il contenuto del file non è un PDF" in text(browser.get(meeting_url(round2014)))
    upload(browser, round2014, "vuoto.pdf", b"")
    assert "Il file è vuoto" in text(browser.get(meeting_url(round2014)))
    browser.post(f"{meeting_url(round2014)}/allegati", {}, token_from=meeting_url(round2014))
    assert "Scegli un file." in text(browser.get(meeting_url(round2014)))
    assert count() == 0


def test_who_may_read_add_and_remove(browser, round2014):
    browser.login(round2014.member)
    upload(browser, round2014, "foto.png", PNG)
    found = db.session.scalar(select(Attachment))
    url = f"{meeting_url(round2014)}/allegati/{found.id}"
    browser.logout()
    assert browser.get(url).status_code == 302  # anonymous: to the login page
    assert upload(browser, round2014, "x.pdf", PDF, token_from="/accedi").status_code == 302  # to log in
    browser.login(round2014.outsider)
    assert browser.get(url).status_code == 404
    assert browser.post(f"{url}/elimina").status_code == 404
    assert upload(browser, round2014, "x.pdf", PDF, token_from="/profilo/password").status_code == 404
    browser.logout()
    browser.login(round2014.member)
    assert browser.get(f"{meeting_url(round2014)}/allegati/999").status_code == 404
    assert browser.get("/incontri/999/allegati/1").status_code == 404
    assert count() == 1
    browser.post(f"{url}/elimina", token_from=meeting_url(round2014))
    assert "Allegato tolto." in text(browser.get(meeting_url(round2014)))
    assert count() == 0


def test_the_verbale_takes_the_meeting_papers(browser, round2014):
    browser.login(round2014.member)
    upload(browser, round2014, "Ordine del giorno.pdf", PDF)
    found = db.session.scalar(select(Attachment))
    minutes = services.create_minutes(round2014.meeting, round2014.secretary, "Verbale", "Testo.")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Attachment, found.id).minutes_id == minutes.id
    verbale = text(browser.get(f"/gruppi/{round2014.group.slug}/verbali/{minutes.id}"))
    assert "ordine-del-giorno.pdf" in verbale
    meeting = text(browser.get(meeting_url(round2014)))
    assert "Gli allegati dell'incontro sono nel verbale." in meeting
    # Served from now on under the verbale's rules, not as a meeting's.
    assert browser.get(f"{meeting_url(round2014)}/allegati/{found.id}").status_code == 404
    assert browser.get(f"/verbali/{minutes.id}/allegati/{found.id}").data == PDF
    upload(browser, round2014, "tardi.pdf", PDF)
    assert "L'incontro ha già un verbale" in text(browser.get(meeting_url(round2014)))
    assert count() == 1
