"""Moving a pact through its statuses (responsible operator only)."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.audit.services import record
from app.common.forms import EmptyForm
from app.common.timeutil import today_in_rome
from app.pacts import access, bp, forms, status
from app.pacts.consent import CONSENT_VERSION
from app.pacts.services import PactError
from app.pacts.views import render_detail, show_error
from app.platform.extensions import db

FORMS = {
    "attiva": ("activate_form", forms.ActivateForm),
    "verifica": (None, EmptyForm),
    "riprendi": (None, EmptyForm),
    "concludi": ("conclude_form", forms.ConcludeForm),
    "interrompi": ("interrupt_form", forms.InterruptForm),
}


def _apply(pact, name: str, form) -> None:
    if name == "attiva":
        status.activate(pact, form.consent_on.data, CONSENT_VERSION, today_in_rome())
    elif name == "verifica":
        status.start_review(pact)
    elif name == "riprendi":
        status.resume(pact)
    elif name == "concludi":
        status.conclude(pact, form.outcome.data, form.closed_on.data)
    else:
        status.interrupt(pact, form.reason.data, form.closed_on.data)


@bp.route("/<number>/stato/<name>", methods=["POST"])
@login_required
def change_status(number: str, name: str):
    """attiva, verifica, riprendi, concludi, interrompi: refused rules change nothing."""
    pact = access.get_pact_or_404(number, manage=True)
    if name not in FORMS:
        abort(404)
    key, form_class = FORMS[name]
    form = form_class()
    if form.validate_on_submit():
        try:
            _apply(pact, name, form)
        except PactError as error:
            show_error(form, error)
        else:
            record(current_user, f"pact.{name}", pact.number)
            db.session.commit()
            flash(_("Il patto ora è «%(status)s».", status=pact.status_label), "success")
            return redirect(url_for("pacts.detail", number=number))
    if key is None:
        flash(" ".join(form.form_errors) or _("Richiesta non valida."), "danger")
        db.session.commit()
        return redirect(url_for("pacts.detail", number=number))
    return render_detail(pact, **{key: form})
