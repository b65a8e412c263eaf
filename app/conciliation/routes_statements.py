"""Monthly statements: a provider's list (its staff and coordinators), one statement, a
coordinator's approval for reimbursement, and the audited exports (pseudonymised by the voucher's
protocol number; with names only by an administrator who gives a reason, as the calls' exports)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.decorators import roles_required
from app.accounts.models import Role
from app.audit.exports import download, to_csv, to_xlsx
from app.common.forms import EmptyForm, NamedExportForm
from app.common.timeutil import utcnow
from app.conciliation import bp, notices_statements, statements
from app.conciliation.catalogue import is_coordinator
from app.conciliation.loaders_market import provider_or_404
from app.conciliation.statement_models import Statement
from app.platform.extensions import db

HEADER = ["Data", "Servizio", "Voucher (protocollo)", "Voucher €", "Famiglia €"]
NAMED_HEADER = [*HEADER, "Nome e cognome"]


@bp.route("/rendiconti/")
@roles_required(Role.COORDINATOR)
def statements_all():
    return render_template(
        "conciliation/statements.html",
        statements=statements.all_statements(),
        provider=None,
        form=EmptyForm(),
    )


@bp.route("/rendiconti/prepara", methods=["POST"])
@roles_required(Role.COORDINATOR)
def statements_make():
    """What the hourly job does, now: the statements of the month just ended (idempotent)."""
    if EmptyForm().validate_on_submit():
        made = notices_statements.make_statements(utcnow())
        db.session.commit()
        flash(_("Rendiconti del mese scorso aggiornati: %(n)d nuovi.", n=made), "success")
    else:
        flash(_("Il modulo è scaduto: riprova."), "danger")
    return redirect(url_for("conciliation.statements_all"))


@bp.route("/fornitori/<int:provider_id>/rendiconti")
@login_required
def provider_statements(provider_id: int):
    provider = provider_or_404(provider_id)
    return render_template(
        "conciliation/statements.html", statements=statements.of_provider(provider.id), provider=provider
    )


@bp.route("/rendiconti/<int:statement_id>")
@login_required
def statement_detail(statement_id: int):
    statement = statements.statement_or_404(statement_id)
    return render_template(
        "conciliation/statement.html", statement=statement, form=EmptyForm(),
        can_approve=is_coordinator(current_user) and not statement.is_approved,
    )  # fmt: skip


@bp.route("/rendiconti/<int:statement_id>/approva", methods=["POST"])
@login_required
def statement_approve(statement_id: int):
    statement = statements.coordinator_statement_or_404(statement_id)
    back = redirect(url_for("conciliation.statement_detail", statement_id=statement_id))
    if not EmptyForm().validate_on_submit():
        flash(_("Il modulo è scaduto: riprova."), "danger")
        return back
    try:
        statements.approve(statement, current_user)
    except statements.StatementError as error:
        flash(str(error), "danger")
        return back
    notices_statements.statement_step("conc_statement_approved", statement)
    db.session.commit()
    flash(_("Rendiconto approvato per il rimborso: il fornitore riceve un messaggio."), "success")
    return back


def _export(statement: Statement, fmt: str, named: bool, reason: str = ""):
    rows = []
    for line in statement.lines:
        row = [
            line.day,
            line.service_title,
            line.voucher_number,
            line.voucher_cents / 100,
            line.family_cents / 100,
        ]
        rows.append([*row, line.user.full_name if line.user else ""] if named else row)
    header = NAMED_HEADER if named else HEADER
    body = to_xlsx([("Rendiconto", header, rows)]) if fmt == "xlsx" else to_csv(header, rows)
    action = "conciliation.statements.export_named" if named else f"conciliation.statements.export.{fmt}"
    subject = f"rendiconto {statement.id}" + (f" · {fmt} · {reason}" if named else "")
    stem = "rendiconto-con-nomi" if named else "rendiconto"
    return download(body, f"{stem}-{statement.month:%Y-%m}-{statement.id}.{fmt}", action, subject, len(rows))


@bp.route("/rendiconti/<int:statement_id>/esporta.<fmt>")
@login_required
def statement_export(statement_id: int, fmt: str):
    statement = statements.statement_or_404(statement_id)
    if fmt not in ("xlsx", "csv"):
        abort(404)
    return _export(statement, fmt, False)


@bp.route("/rendiconti/<int:statement_id>/esporta-con-nomi", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def statement_export_named(statement_id: int):
    """An administrator's act: the residents' names, with a stated reason, in the audit log."""
    statement = db.session.get(Statement, statement_id) or abort(404)
    form = NamedExportForm()
    if form.validate_on_submit():
        return _export(statement, form.fmt.data, True, " ".join(form.reason.data.split()))
    status = 400 if request.method == "POST" else 200
    return render_template("conciliation/statement_export_named.html", statement=statement, form=form), status
