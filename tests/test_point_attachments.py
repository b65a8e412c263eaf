"""Allegati per point of the ordine del giorno (issue 28): a secretary attaches the papers of a
point; the meeting page, the convocazione, the print view and the PDF/A name them under their
point; only the group reads them; removing a file or its point removes row and file together."""

import io
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from app.common.timeutil import today_in_rome
from app.groups import points, services
from app.minutes import document
from app.minutes import services as minutes_services
from app.minutes.models import Attachment
from app.platform.extensions import db
from app.platform.storage import storage
from tests.conftest import text
from tests.groups_support import approve, team_fixture  # noqa: F401
from tests.mail_support import body, path_of
from tests.test_attachments_actions import PDF, PNG
from tests.verbale_2014 import round2014_fixture  # noqa: F401


def point_url(r, number: int = 2) -> str:
    return f"/incontri/{r.meeting.id}/punti/{r.meeting.points[number - 1].id}/allegati"


def upload(browser, r, name, data, number: int = 2, token_from=None):
    return browser.post(point_url(r, number), {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
                        token_from=token_from or f"/incontri/{r.meeting.id}")  # fmt: skip


def count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


def stored(key: str) -> bool:
    try:
        storage().get(key)
    except FileNotFoundError:
        return False
    return True


def test_a_secretary_attaches_a_paper_to_a_point_and_a_member_reads_it_under_that_point(browser, round2014):
    browser.login(round2014.secretary)
    response = upload(browser, round2014, "Piste di lavoro 2014.pdf", PDF)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"#punto-{round2014.meeting.points[1].id}"
    )
    found = db.session.scalar(select(Attachment))
    assert (found.point_id, found.meeting_id, found.minutes_id) == (
        round2014.meeting.points[1].id,
        round2014.meeting.id,
        None,
    )
    assert found.filename == "piste-di-lavoro-2014.pdf" and stored(found.storage_key)
    browser.logout()
    browser.login(round2014.member)
    html = browser.get(f"/incontri/{round2014.meeting.id}").get_data(as_text=True)
    first, second = html.split(f'id="punto-{round2014.meeting.points[1].id}"')
    assert "piste-di-lavoro-2014.pdf" not in first and "piste-di-lavoro-2014.pdf" in second.split("</li>")[0]
    # ...and not again among the meeting's own allegati, which stay empty.
    assert "Nessun allegato." in text(browser.get(f"/incontri/{round2014.meeting.id}"))
    download = browser.get(f"{point_url(round2014)}/{found.id}")
    assert download.data == PDF
    assert download.headers["Content-Disposition"] == 'attachment; filename="piste-di-lavoro-2014.pdf"'
    assert download.headers["Cache-Control"] == "private, no-store"


def test_bad_files_are_refused_in_italian_and_nothing_is_kept(browser, round2014):
    browser.login(round2014.secretary)
    upload(browser, round2014, "programma.pdf", b"<html>non sono un pdf</html>")
    assert "Il contenuto del file non è un PDF" in text(browser.get(f"/incontri/{round2014.meeting.id}"))
    upload(browser, round2014, "vuoto.pdf", b"")
    assert "Il file è vuoto" in text(browser.get(f"/incontri/{round2014.meeting.id}"))
    browser.post(point_url(round2014), {}, token_from=f"/incontri/{round2014.meeting.id}")
    assert "Scegli un file." in text(browser.get(f"/incontri/{round2014.meeting.id}"))
    assert count() == 0


def test_who_may_read_add_and_remove_a_points_papers(browser, round2014, app):
    browser.login(round2014.secretary)
    upload(browser, round2014, "foto.png", PNG)
    found = db.session.scalar(select(Attachment))
    url, key = f"{point_url(round2014)}/{found.id}", found.storage_key
    browser.logout()
    assert browser.get(url).status_code == 302  # anonymous: to the login page
    assert upload(browser, round2014, "x.pdf", PDF, token_from="/accedi").status_code == 302
    browser.login(round2014.outsider)
    assert browser.get(url).status_code == 404
    assert browser.post(f"{url}/elimina", token_from="/profilo/password").status_code == 404
    assert upload(browser, round2014, "x.pdf", PDF, token_from="/profilo/password").status_code == 404
    browser.logout()
    browser.login(round2014.member)
    other = services.schedule_meeting(round2014.group, round2014.meeting.held_on + timedelta(days=14),
                                      time(14, 30), time(16), "Crema", "Altro punto")  # fmt: skip
    db.session.commit()
    # A point of another meeting, an allegato of another point, a missing one: all 404.
    assert (
        browser.get(
            f"/incontri/{round2014.meeting.id}/punti/{other.points[0].id}/allegati/{found.id}"
        ).status_code
        == 404
    )
    assert browser.get(f"{point_url(round2014, 1)}/{found.id}").status_code == 404
    assert browser.get(f"{point_url(round2014)}/999").status_code == 404
    assert (
        browser.get(f"/incontri/999/punti/{round2014.meeting.points[1].id}/allegati/{found.id}").status_code
        == 404
    )
    assert count() == 1 and stored(found.storage_key)
    browser.post(f"{url}/elimina", token_from=f"/incontri/{round2014.meeting.id}")
    assert "Allegato tolto." in text(browser.get(f"/incontri/{round2014.meeting.id}"))
    assert count() == 0 and stored(key)  # until the cleanup: a backup may still name it
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["files", "cleanup", "--grace-hours", "0"]).exit_code == 0
    assert not stored(key)


def test_removing_a_point_removes_its_papers_only_when_the_change_is_committed(browser, round2014, app):
    browser.login(round2014.secretary)
    upload(browser, round2014, "piste.pdf", PDF)
    upload(browser, round2014, "sintesi.png", PNG, number=1)
    kept, gone = sorted(db.session.scalars(select(Attachment)), key=lambda a: a.point_id)
    kept_key, gone_key = kept.storage_key, gone.storage_key
    meeting = round2014.meeting
    first = meeting.points[0]
    points.set_points(meeting, [points.PointValues(title=first.title, point_id=first.id)])
    db.session.rollback()  # a change that fails keeps the point, its row and its file
    assert count() == 2 and stored(gone_key)
    first = meeting.points[0]
    points.set_points(meeting, [points.PointValues(title=first.title, point_id=first.id)])
    db.session.commit()
    assert [a.id for a in db.session.scalars(select(Attachment))] == [kept.id]
    assert stored(kept_key) and stored(gone_key)  # the file waits for the cleanup
    db.session.commit()  # the test's read ends (on SQLite it holds the write lock)
    assert app.test_cli_runner().invoke(args=["files", "cleanup", "--grace-hours", "0"]).exit_code == 0
    assert stored(kept_key) and not stored(gone_key)


def test_the_verbale_takes_them_and_its_print_view_and_pdf_name_them_under_their_point(browser, round2014):
    browser.login(round2014.secretary)
    upload(browser, round2014, "Piste.pdf", PDF)
    minutes = minutes_services.create_minutes(round2014.meeting, round2014.secretary, "Verbale", "Testo.")
    db.session.commit()
    upload(browser, round2014, "Sintesi.png", PNG, number=1)  # after the verbale: it takes it too
    assert {a.minutes_id for a in db.session.scalars(select(Attachment))} == {minutes.id}
    page = text(browser.get(f"/verbali/{minutes.id}/stampa"))
    assert "Sintesi del lavoro Allegati al punto: sintesi.png" in page
    assert "Piste di lavoro Allegati al punto: piste.pdf" in page
    # Still listed under the point on the meeting page, with the meeting's link.
    found = db.session.scalar(select(Attachment).where(Attachment.filename == "piste.pdf"))
    assert browser.get(f"{point_url(round2014)}/{found.id}").data == PDF
    # Approved: the meeting is closed, and the PDF/A names them as approved.
    approve(minutes, round2014.chair)
    db.session.commit()
    assert upload(browser, round2014, "tardi.pdf", PDF).status_code == 409
    assert count() == 2
    snapshot_points = document.current(minutes)["points"]
    assert [p["attachments"] for p in snapshot_points] == [["sintesi.png"], ["piste.pdf"]]


@pytest.fixture
def upcoming(team):
    team.meeting = services.schedule_meeting(
        team.group, today_in_rome() + timedelta(days=10), time(17, 30), time(19), "Sala Verdi",
        [points.PointValues("Bilancio 2014", "Pietro Bacecchi", 20), points.PointValues("Varie")],
    )  # fmt: skip
    db.session.commit()
    return team


def test_the_convocazione_lists_each_point_with_its_papers_as_links_for_members(browser, upcoming, mailbox):
    mailbox.deliver()
    browser.login(upcoming.secretary)
    upload(browser, upcoming, "Bilancio 2014.pdf", PDF, number=1)
    services.touch(upcoming.meeting)
    from app.groups import notices

    notices.meeting_changed(upcoming.meeting)
    messages = mailbox.deliver()
    assert len(messages) == 3
    message = next(m for m in messages if m["To"].addresses[0].addr_spec == upcoming.member.email)
    plain = body(message)
    found = db.session.scalar(select(Attachment))
    link = f"http://legami.test/incontri/{upcoming.meeting.id}/punti/{found.point_id}/allegati/{found.id}"
    assert (
        f"1. Bilancio 2014 — presenta Pietro Bacecchi, 20 min\n   Allegato: bilancio-2014.pdf – {link}\n2. Varie\n"
        in plain.replace("\r\n", "\n")
    )
    assert f'<a href="{link}">bilancio-2014.pdf</a>' in body(message, "html")
    browser.logout()
    assert browser.get(path_of(link)).status_code == 302  # the link asks to sign in first
    browser.login(upcoming.member)
    assert browser.get(path_of(link)).data == PDF
    browser.logout()
    browser.login(upcoming.outsider)
    assert browser.get(path_of(link)).status_code == 404
