"""The pact document to sign: an A4 print view and its PDF/A; both reads are logged."""

from flask import render_template
from flask_login import login_required

from app.extensions import db
from app.pacts import access, bp
from app.pacts.consent import CONSENT_VERSION


def document_html(pact, for_pdf: bool = False) -> str:
    return render_template("pacts/print.html", pact=pact, consent_version=CONSENT_VERSION, for_pdf=for_pdf)


@bp.route("/<number>/stampa")
@login_required
def print_view(number: str):
    """The pact as both parties sign it, with the consent text and its version."""
    pact = access.get_pact_or_404(number, read="stampa")
    html = document_html(pact)
    db.session.commit()  # the read log entry
    return html
