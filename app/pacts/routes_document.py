"""The pact document to sign: an A4 print view and its PDF/A; both reads are logged."""

from pathlib import Path

from flask import current_app, render_template
from flask_login import login_required

from app.pacts import access, bp
from app.pacts.consent import CONSENT_VERSION
from app.platform.documents import html_to_pdfa
from app.platform.extensions import db

PRINT_CSS = Path(__file__).resolve().parent / "static" / "print.css"


def document_html(pact, for_pdf: bool = False) -> str:
    css = PRINT_CSS.read_text(encoding="utf-8") if for_pdf else ""
    return render_template(
        "pacts/print.html", pact=pact, consent_version=CONSENT_VERSION, for_pdf=for_pdf, print_css=css
    )


@bp.route("/<number>/stampa")
@login_required
def print_view(number: str):
    """The pact as both parties sign it, with the consent text and its version."""
    pact = access.get_pact_or_404(number, read="stampa")
    html = document_html(pact)
    db.session.commit()  # the read log entry
    return html


@bp.route("/<number>/patto.pdf")
@login_required
def pdf(number: str):
    """The same document as PDF/A, to archive or send to the parties."""
    pact = access.get_pact_or_404(number, read="pdf")
    body = html_to_pdfa(document_html(pact, for_pdf=True), base_url=current_app.root_path + "/")
    db.session.commit()  # the read log entry
    headers = {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="patto-{pact.number}.pdf"',
    }
    return body, 200, headers
