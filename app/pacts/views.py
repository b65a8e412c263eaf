"""Helpers shared by the pact views: guards, form data, errors onto fields."""

from flask import abort, render_template
from flask_login import current_user

from app.accounts.decorators import roles_required
from app.accounts.models import Role
from app.common.forms import EmptyForm
from app.common.timeutil import today_in_rome
from app.pacts import access, forms
from app.pacts.consent import CONSENT_VERSION
from app.pacts.services import PactError
from app.pacts.status import allowed
from app.platform.extensions import db

# Operators and coordinators reach the register; everyone else gets 404 (not 403):
# the register does not reveal itself.
register_users = roles_required(Role.OPERATOR, Role.COORDINATOR)
coordinators = roles_required(Role.COORDINATOR)
administrators = roles_required(Role.ADMIN)


def require_register_user() -> None:
    if not current_user.has_role(Role.OPERATOR, Role.COORDINATOR):
        abort(404)


def show_error(form, error: PactError) -> None:
    """Attach a refused rule's message to its field, or to the whole form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*list(field.errors), error.message]
    else:
        form.form_errors.append(error.message)


def int_list(values) -> list[int]:
    found = []
    for value in values or []:
        try:
            found.append(int(value))
        except (TypeError, ValueError):
            abort(400)
    return found


# The pact's page holds several forms: their fields get distinct ids (names stay).
ID_PREFIXES = {
    "commitment_form": "impegno", "note_form": "diario", "review_form": "verifica",
    "activate_form": "attiva", "conclude_form": "concludi", "interrupt_form": "interrompi",
}  # fmt: skip


def _prefix_ids(form, prefix: str) -> None:
    for field in form:
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id


def render_detail(pact, **forms_in_error):
    """The pact's page, optionally with one form showing its errors (nothing was saved)."""
    db.session.commit()  # the read log entry
    context = {
        "commitment_form": forms.CommitmentForm(formdata=None),
        "note_form": forms.NoteForm(formdata=None, written_on=today_in_rome()),
        "review_form": forms.ReviewPlanForm(formdata=None),
        "activate_form": forms.ActivateForm(formdata=None, consent_on=today_in_rome()),
        "conclude_form": forms.ConcludeForm(formdata=None, closed_on=today_in_rome()),
        "interrupt_form": forms.InterruptForm(formdata=None, closed_on=today_in_rome()),
    }
    context.update(forms_in_error)
    for key, form in context.items():
        _prefix_ids(form, ID_PREFIXES[key])
    return render_template(
        "pacts/detail.html", pact=pact, transitions=allowed(pact), consent_version=CONSENT_VERSION,
        can_work=access.can_work(current_user, pact), can_manage=access.can_manage(current_user, pact),
        is_coordinator=access.is_coordinator(current_user), button=EmptyForm(), **context,
    ), (400 if forms_in_error else 200)  # fmt: skip
