"""The printable pact and its PDF/A: what both parties sign, the consent and its version; reads logged."""

import io

import pikepdf
from pypdf import PdfReader

from app.pacts.models import PactRead
from app.platform.extensions import db
from tests.conftest import text
from tests.pacts_support import NAME, active_pact, new_pact, register_fixture  # noqa: F401


def test_the_print_view_carries_commitments_and_consent(browser, reg):
    pact = active_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    page = text(browser.get(f"/patti/{pact.number}/stampa"))
    assert f"Patto Gener-Attivo {pact.number}" in page and NAME in page
    assert "Il servizio Servizio sociale Colloqui mensili" in page and "Frequentare l'orto" in page
    assert "Consenso al trattamento dei dati (testo versione 2026.1)" in page
    assert "Consenso dato il lunedì 2 marzo 2026." in page and "Il beneficiario" in page


def test_a_draft_leaves_room_for_the_consent_date(browser, reg):
    pact = new_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    assert "Data del consenso: ____" in text(browser.get(f"/patti/{pact.number}/stampa"))


def test_the_pdf_is_pdfa_with_the_pact_inside(browser, reg):
    pact = active_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    response = browser.get(f"/patti/{pact.number}/patto.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store, private"
    assert response.data.startswith(b"%PDF-")
    with pikepdf.open(io.BytesIO(response.data)) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status.startswith(("2", "3"))  # PDF/A-2 or PDF/A-3 (archival)
        assert pact.number in str(pdf.docinfo.get("/Title"))
    extracted = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert pact.number in extracted and NAME in extracted and "2026.1" in extracted
    reads = db.session.scalars(db.select(PactRead.what).where(PactRead.pact_id == pact.id)).all()
    assert reads == ["pdf"]


def test_the_pdf_is_for_the_pacts_operators_and_coordinators_only(browser, reg):
    pact = active_pact(reg)
    db.session.commit()
    browser.login(reg.other)
    assert browser.get(f"/patti/{pact.number}/patto.pdf").status_code == 404
    browser.logout()
    browser.login(reg.coordinator)
    assert browser.get(f"/patti/{pact.number}/patto.pdf").status_code == 200
    browser.logout()
    assert browser.get(f"/patti/{pact.number}/patto.pdf").status_code == 302
