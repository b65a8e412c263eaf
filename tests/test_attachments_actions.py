"""Attachments (type from content, access of the verbale, trash, PDF) and actions that carry over."""

import io
from datetime import date, time

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.groups import actions
from app.groups import services as groups
from app.groups.models import ActionItem
from app.minutes import services
from app.minutes.models import Attachment
from app.platform.extensions import db
from tests.conftest import text
from tests.verbale_2014 import record_attendance, round2014_fixture  # noqa: F401

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(round2014):
    record_attendance(round2014)
    round2014.minutes = services.create_minutes(round2014.meeting, round2014.secretary, "Verbale", "Testo.")
    db.session.commit()
    return round2014


def upload(browser, m, name, data):
    return browser.post(f"/verbali/{m.id}/allegati", {"file": (io.BytesIO(data), name)},
                        content_type="multipart/form-data", token_from=f"/gruppi/{m.group.slug}/verbali/{m.id}")  # fmt: skip


def count():
    return db.session.scalar(select(func.count(Attachment.id)))


def test_attachments_are_checked_by_content_and_served_as_downloads(browser, draft, app, tmp_path):
    m = draft.minutes
    browser.login(draft.member)
    page = f"/gruppi/{m.group.slug}/verbali/{m.id}"
    upload(browser, m, "programma.pdf", b"<html><script>alert(1)</script></html>")
    assert "Il contenuto del file non è un PDF" in text(browser.get(page))
    upload(browser, m, "vuoto.pdf", b"")
    assert count() == 0
    upload(browser, m, "../../Foto del gruppo.exe", PNG)
    upload(browser, m, "Ordine del giorno.pdf", PDF)
    found = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [a.filename for a in found] == ["foto-del-gruppo.png", "ordine-del-giorno.pdf"]
    assert [a.content_type for a in found] == ["image/png", "application/pdf"]
    key = found[0].storage_key
    assert "static" not in app.config["FILES_DIR"] and len(key) >= 32 and "foto" not in key
    response = browser.get(f"/verbali/{m.id}/allegati/{found[0].id}")
    assert response.data == PNG and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == 'attachment; filename="foto-del-gruppo.png"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "foto-del-gruppo.png" in text(browser.get(page))


def test_attachment_over_10_mb_is_refused(browser, draft):
    browser.login(draft.member)
    response = upload(browser, draft.minutes, "grande.png", PNG + b"\0" * (10 * 1024 * 1024))
    assert response.status_code in (302, 413)
    assert count() == 0


def test_group_only_attachment_is_never_public_and_other_groups_get_404(browser, draft, make_user):
    m = draft.minutes
    browser.login(draft.member)
    upload(browser, m, "nota.pdf", PDF)
    att = db.session.scalar(select(Attachment))
    browser.logout()
    url = f"/verbali/{m.id}/allegati/{att.id}"
    assert browser.get(url).status_code == 404
    browser.login(draft.outsider)
    assert browser.get(url).status_code == 404
    browser.logout()
    other = groups.create_group("Altro gruppo", "", None, "")
    groups.add_member(other, draft.outsider.email, "chair")
    meeting = groups.schedule_meeting(other, date(2014, 5, 1), time(9), time(10), "Sala", "")
    theirs = services.create_minutes(meeting, draft.outsider, "Loro", "x")
    db.session.commit()
    browser.login(draft.member)
    assert browser.get(f"/verbali/{theirs.id}/allegati/{att.id}").status_code == 404  # wrong verbale
    assert browser.get(f"/verbali/{m.id}/allegati/999").status_code == 404
    # In the trash with its verbale.
    browser.post(f"/verbali/{m.id}/elimina", token_from=f"/gruppi/{m.group.slug}/verbali/{m.id}")
    assert browser.get(url).status_code == 404


def test_attachments_are_listed_in_the_pdf(browser, draft):
    m = draft.minutes
    browser.login(draft.member)
    upload(browser, m, "programma.pdf", PDF)
    services.send_to_review(m)
    services.add_comment(m, draft.member, "", approval=True)
    services.approve(m, draft.chair, "group", "present")
    db.session.commit()
    data = browser.get(f"/verbali/{m.id}/versioni-approvate/1.pdf").data
    content = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Allegati" in content and "programma.pdf" in content


def test_actions_carry_over_until_closed(browser, draft):
    r = draft
    first = actions.create_action(r.meeting, "Costruire il ponte con il profit", f"m{r.people['Angelo Stanghellini'].id}",
                                  None, by=r.secretary)  # fmt: skip
    mine = actions.create_action(
        r.meeting, "Definire il sistema sociale", _key(r, r.member), None, by=r.secretary
    )
    second = groups.schedule_meeting(r.group, date(2014, 4, 23), time(14, 30), time(16, 30),
                                     "Oratorio di San Bartolomeo, via Zuvadelli", "")  # fmt: skip
    third = groups.schedule_meeting(r.group, date(2014, 5, 7), time(14, 30), time(16, 30), "Sala", "")
    db.session.commit()
    browser.login(r.secretary)
    page = text(browser.get(f"/incontri/{second.id}"))
    pending = page.split("Azioni in sospeso")[1].split("Azioni decise")[0]
    assert (
        "Costruire il ponte con il profit — Angelo Stanghellini" in pending
        and "Definire il sistema sociale" in pending
    )
    # Closed at the second meeting: recorded there, still listed there, gone from the third.
    browser.post(
        f"/azioni/{first.id}",
        {"status": "done", "meeting_id": str(second.id)},
        token_from=f"/incontri/{second.id}",
    )
    item = db.session.get(ActionItem, first.id)
    assert (item.closed_meeting_id, item.closed_on) == (second.id, date(2014, 4, 23))
    third_page = (
        text(browser.get(f"/incontri/{third.id}")).split("Azioni in sospeso")[1].split("Azioni decise")[0]
    )
    assert "Costruire il ponte" not in third_page and "Definire il sistema sociale" in third_page
    # The verbale carries the next meeting and the open actions automatically.
    m = r.minutes
    page = text(browser.get(f"/gruppi/{r.group.slug}/verbali/{m.id}"))
    assert "Prossimo incontro mercoledì 23 aprile 2014, 14:30–16:30, Oratorio di San Bartolomeo" in page
    browser.logout()
    # "Le mie azioni": assigned to me / created by me; closing there records today's date.
    browser.login(r.member)
    mine_page = text(browser.get("/le-mie-azioni"))
    assigned = mine_page.split("Assegnate a me")[1].split("Create da me")[0]
    assert "Definire il sistema sociale" in assigned
    browser.post(
        f"/azioni/{mine.id}/commenti", {"body": "Ho sentito la Caritas."}, token_from="/le-mie-azioni"
    )
    assert "Ho sentito la Caritas." in text(browser.get("/le-mie-azioni"))
    browser.post(f"/azioni/{mine.id}", {"status": "done", "back": "mine"}, token_from="/le-mie-azioni")
    from app.common.timeutil import today_in_rome

    item = db.session.get(ActionItem, mine.id)
    assert (item.closed_meeting_id, item.closed_on) == (None, today_in_rome())
    browser.logout()
    browser.login(r.secretary)
    created = text(browser.get("/le-mie-azioni")).split("Create da me")[1]
    assert "Costruire il ponte" not in created  # closed
    browser.logout()
    browser.login(r.outsider)
    assert browser.post(f"/azioni/{mine.id}/commenti", {"body": "x"}).status_code == 404


def _key(r, user):
    return next(f"m{m.id}" for m in r.group.memberships if m.user_id == user.id)
