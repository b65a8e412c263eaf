"""Review and approval rules, the frozen approved version, rettifica, closed forms, the PDF/A."""

import hashlib
import io
from datetime import date

import pikepdf
from pypdf import PdfReader
from sqlalchemy import func, select

from app.groups.models import ActionItem, Attendance, Meeting
from app.minutes.models import ApprovedVersion, Minutes
from app.platform.extensions import db
from tests.conftest import text
from tests.verbale_2014 import BODY, approve, review_fixture, round2014_fixture  # noqa: F401


def page_of(m):
    return f"/gruppi/{m.group.slug}/verbali/{m.id}"


def test_in_review_only_chair_and_secretary_edit_or_trash(browser, review, make_user):
    m = review.minutes
    browser.login(review.member)  # a plain member who was present
    assert browser.get(f"/verbali/{m.id}/modifica").status_code == 403
    assert browser.post(f"/verbali/{m.id}/elimina").status_code == 403
    page = text(browser.get(page_of(m)))
    assert "Modifica il testo" not in page and "Sposta nel cestino" not in page
    browser.logout()
    browser.login(review.secretary)
    assert browser.get(f"/verbali/{m.id}/modifica").status_code == 200
    db.session.expire_all()
    assert db.session.get(Minutes, m.id).deleted_at is None


def test_approval_needs_review_or_a_recorded_session(browser, review):
    m = review.minutes
    browser.login(review.chair)
    response = browser.post(f"/verbali/{m.id}/approva", {"method": "present", "visibility": "public"})
    assert "Nessuna persona presente ha ancora approvato il testo" in text(
        browser.get(response.headers["Location"])
    )
    browser.post(
        f"/verbali/{m.id}/approva", {"method": "session", "session_on": "2014-04-01", "visibility": "public"}
    )
    assert "non può venire prima dell'incontro" in text(browser.get(page_of(m)))
    assert db.session.get(Minutes, m.id).status == "review"
    browser.logout()
    browser.login(review.member)  # present: reviews and approves the text
    browser.post(f"/verbali/{m.id}/commenti", {"body": "", "approve": "1"})
    browser.logout()
    browser.login(review.chair)
    response = browser.post(f"/verbali/{m.id}/approva", {"method": "present", "visibility": "group"})
    page = text(browser.get(response.headers["Location"]))
    assert "Verbale n. 1/2014 approvato" in page
    assert (
        "Approvato dai presenti il" not in page
        and "Approvato dai presenti " in page
        and "Il/La Presidente Angela Beretta" in page
    )
    assert (
        "Approvazione registrata da Angela Beretta. Hanno approvato il testo in revisione: Silvia Fiorentini."
        in page
    )


def test_approval_in_session_is_recorded(browser, review):
    browser.login(review.chair)
    browser.post(f"/verbali/{review.minutes.id}/approva",
                 {"method": "session", "session_on": "2014-04-23", "visibility": "public"})  # fmt: skip
    page = text(browser.get(page_of(review.minutes)))
    assert "Approvato nella seduta di mercoledì 23 aprile 2014." in page


def test_approved_version_is_frozen_and_rettifica_keeps_history(browser, review, make_user):
    m = approve(review)
    # Later changes to the group and its roster do not rewrite what was approved.
    review.group.name = "Nome nuovo del 2026"
    newcomer = make_user("nuovo@example.org", [], "Nadia Nuova")
    from app.groups import services as groups

    groups.add_member(review.group, newcomer.email, "member")
    db.session.commit()
    browser.login(review.secretary)
    page = text(browser.get(page_of(m)))
    assert "Welfare di Comunità" in page and "Nome nuovo del 2026" not in page.split("Documento approvato")[1]
    assert "Numero legale raggiunto: 4 membri presenti su 6 (ne servono 4)." in page
    data = {
        "title": m.title,
        "body": BODY + "\nAggiunta.",
        "base_revision": str(m.revision_number),
        "reason": "",
    }
    assert "Scrivi il motivo della rettifica." in text(browser.post(f"/verbali/{m.id}/rettifica", data))
    browser.post(f"/verbali/{m.id}/rettifica", {**data, "reason": "Nome di un presente sbagliato"})
    page = text(browser.get(page_of(m)))
    assert "Aggiunta." in page and "Rettifica di " in page and "Nome di un presente sbagliato" in page
    assert "Storia delle versioni approvate" in page
    versions = db.session.scalars(select(ApprovedVersion).order_by(ApprovedVersion.number)).all()
    assert [v.number for v in versions] == [1, 2] and versions[0].pdf_sha256 != versions[1].pdf_sha256
    assert versions[1].reason == "Nome di un presente sbagliato"


def test_every_form_is_closed_after_approval(browser, review):
    m = approve(review)
    mid, meeting = m.id, review.meeting
    item = ActionItem(
        group_id=review.group.id, opened_meeting_id=meeting.id, description="Ponte con il profit"
    )
    db.session.add(item)
    db.session.commit()
    browser.login(review.secretary)
    attempts = [
        ("get", f"/incontri/{meeting.id}/modifica", None),
        ("post", f"/incontri/{meeting.id}/modifica", {"held_on": "2014-04-10", "start_time": "14:30",
                                                     "end_time": "16:40", "venue": "Altrove", "agenda": ""}),
        ("post", f"/incontri/{meeting.id}/annulla", {}),
        ("post", f"/incontri/{meeting.id}/presenze", {"rows-0-key": "x", "rows-0-status": "absent"}),
        ("post", f"/incontri/{meeting.id}/ospiti", {"guest-name": "Intruso", "guest-status": "present"}),
        ("post", f"/incontri/{meeting.id}/azioni", {"action-description": "Nuova", "action-owner": ""}),
        ("post", f"/azioni/{item.id}", {"status": "done", "meeting_id": str(meeting.id)}),
        ("get", f"/verbali/{mid}/modifica", None),
        ("post", f"/verbali/{mid}/modifica", {"title": "X", "body": "Y", "base_revision": "1"}),
        ("post", f"/verbali/{mid}/versioni/1/ripristina", {}),
        ("post", f"/verbali/{mid}/revisione", {}),
        ("post", f"/verbali/{mid}/approva", {"method": "present", "visibility": "public"}),
        ("post", f"/verbali/{mid}/elimina", {}),
        ("post", f"/verbali/{mid}/allegati", {}),
    ]  # fmt: skip
    for method, url, data in attempts:
        response = browser.get(url) if method == "get" else browser.post(url, data)
        assert response.status_code in (403, 409), (url, response.status_code)
    closed = browser.get(f"/incontri/{meeting.id}/modifica")
    assert closed.status_code == 409 and "Le correzioni passano da una rettifica del verbale." in text(closed)
    browser.logout()
    browser.login(review.member)
    assert browser.post(f"/verbali/{mid}/commenti", {"body": "tardi"}).status_code == 403
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.venue, meeting.held_on, meeting.is_cancelled) == (
        "via Frecavalli 16, Crema",
        date(2014, 4, 9),
        False,
    )
    assert db.session.scalar(select(func.count(Attendance.id))) == 19
    assert db.session.scalar(select(func.count(ActionItem.id))) == 1
    assert db.session.get(ActionItem, item.id).status == "open"
    m = db.session.get(Minutes, mid)
    assert (m.status, m.deleted_at, m.revision_number, len(m.attachments)) == ("approved", None, 1, 0)
    page = text(browser.get(f"/incontri/{meeting.id}"))
    assert "incontro e presenze non si modificano più" in page and "Salva le presenze" not in page


def test_the_pdf_is_pdfa_with_fonts_names_quorum_and_checksum(browser, review):
    m = approve(review)
    browser.login(review.secretary)
    page = text(browser.get(page_of(m)))
    response = browser.get(f"/verbali/{m.id}/versioni-approvate/1.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="verbale-1-2014-v1.pdf"'
    data = response.data
    sha = hashlib.sha256(data).hexdigest()
    assert sha in page
    pdf = pikepdf.open(io.BytesIO(data))
    meta = pdf.open_metadata()
    assert meta.get("pdfaid:part") in ("2", "3", "4") and meta.get("pdfaid:conformance") in ("B", "U", None)
    fonts = [f for p in pdf.pages for _, f in p.Resources.Font.items()]
    assert fonts
    for font in fonts:
        descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        assert "/FontFile2" in descendant.FontDescriptor or "/FontFile3" in descendant.FontDescriptor
    content = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)
    for name in (
        "Angela Beretta",
        "Angelo Stanghellini",
        "Michele Gennuso",
        "Donata Bertoletti",
        "Luca Uberti Foppa",
    ):
        assert name in content, name
    assert "Verbale n. 1/2014" in content and "Numero legale raggiunto" in content
    assert "Il/La Presidente" in content and "Il/La Segretario/a" in content and "BOZZA" not in content
    # The public verification page.
    browser.logout()
    result = text(browser.post("/verbali/verifica", {"checksum": sha.upper()}))
    assert "L'impronta corrisponde al verbale n. 1/2014 del gruppo «Welfare di Comunità»" in result
    assert "Nessun verbale approvato ha questa impronta" in text(
        browser.post("/verbali/verifica", {"checksum": "0" * 64})
    )
    assert "64 caratteri" in text(browser.post("/verbali/verifica", {"checksum": "abc"}))
    # Only members and coordinators download it (it names the people present).
    assert browser.get(f"/verbali/{m.id}/versioni-approvate/1.pdf").status_code in (302, 404)
    browser.login(review.outsider)
    assert browser.get(f"/verbali/{m.id}/versioni-approvate/1.pdf").status_code == 404
    browser.logout()
    browser.login(review.secretary)
    assert browser.get(f"/verbali/{m.id}/versioni-approvate/9.pdf").status_code == 404


def test_print_view_is_a_verbale_with_bozza_until_approved(browser, review):
    browser.login(review.secretary)
    page = text(browser.get(f"/verbali/{review.minutes.id}/stampa"))
    assert "BOZZA" in page and "Il/La Presidente" in page and "Il/La Segretario/a" in page
    assert "Presenti (15)" in page and "Assenti (4)" in page and "Ambito Pista" in page
    assert "Non ancora approvato." in page
    approve(review)
    page = text(browser.get(f"/verbali/{review.minutes.id}/stampa"))
    assert "BOZZA" not in page and "Verbale n. 1/2014" in page and "Approvato dai presenti" in page
