"""Coordinators' figures of the register, the pseudonymised rows, audited exports; the named export."""

from flask import abort, current_app, render_template, request
from flask_login import current_user

from app.audit.exports import download, to_csv, to_xlsx
from app.common.forms import NamedExportForm
from app.pacts import access, bp, figures
from app.pacts.views import administrators, coordinators
from app.reports.period import from_request as period_from
from app.reports.period import period_args, subject

SHEETS = (("avviati", "Patti avviati"), ("attivi", "Patti attivi"), ("conclusi", "Patti conclusi"),
          ("interrotti", "Patti interrotti"))  # fmt: skip


@bp.route("/numeri")
@coordinators
def figures_page():
    form, period = period_from(request.args)
    result = figures.figures(period, current_app.config["PACT_YEARLY_TARGET"]) if period else None
    return render_template("pacts/figures.html", form=form, figures=result, args=period_args(request.args)), (
        200 if period else 400
    )


@bp.route("/numeri/righe/<kind>")
@coordinators
def figure_rows(kind: str):
    """The pacts behind a figure, pseudonymised: the number stands for the person."""
    if kind not in figures.KINDS:
        abort(404)
    form, period = period_from(request.args)
    if period is None:
        return render_template("pacts/figures.html", form=form, figures=None, args={}), 400
    table = figures.rows(figures.pacts_in(period), period, kind)
    return render_template("pacts/figure_rows.html", kind=kind, header=figures.PSEUDONYMOUS_HEADER, table=table,
                           args=period_args(request.args))  # fmt: skip


def _export(fmt: str, named: bool, form, period, reason: str = ""):
    pacts = figures.pacts_in(period)
    header = figures.NAMED_HEADER if named else figures.PSEUDONYMOUS_HEADER
    if fmt == "xlsx":
        sheets = [(title, header, figures.rows(pacts, period, kind, named)) for kind, title in SHEETS]
        body, count = to_xlsx(sheets), sum(len(t) for _t, _h, t in sheets)
    else:
        table = figures.rows(pacts, period, "attivi", named)
        body, count = to_csv(header, table), len(table)
    if named:  # names and contacts leave the register: each pact's read log says so
        exported = {
            row[0] for sheet in ([t for _t, _h, t in sheets] if fmt == "xlsx" else [table]) for row in sheet
        }
        for pact in pacts:
            if pact.number in exported:
                access.log_read(current_user, pact, "esportazione")
    action = "pacts.export_named" if named else f"pacts.export.{fmt}"
    what = subject(period, form.comune.data) + (f" · {fmt} · {reason}" if named else "")
    stem = "patti-con-nomi" if named else "patti"
    return download(
        body, f"{stem}-{period.first.isoformat()}-{period.last.isoformat()}.{fmt}", action, what, count
    )


@bp.route("/numeri/esporta.<fmt>")
@coordinators
def export(fmt: str):
    """Pseudonymised XLSX (a sheet per figure) or CSV (every counted pact); audited."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    form, period = period_from(request.args)
    if period is None:
        return render_template("pacts/figures.html", form=form, figures=None, args={}), 400
    return _export(fmt, False, form, period)


@bp.route("/numeri/esporta-con-nomi", methods=["GET", "POST"])
@administrators
def export_named():
    """An administrator's act: names and contacts, with a stated reason, in the audit log."""
    form, period = period_from(request.args)
    export_form = NamedExportForm()
    if period is None:
        return render_template("pacts/export_named.html", form=form, export_form=export_form, args={}), 400
    if export_form.validate_on_submit():
        return _export(export_form.fmt.data, True, form, period, " ".join(export_form.reason.data.split()))
    status_code = 400 if request.method == "POST" else 200
    return render_template("pacts/export_named.html", form=form, export_form=export_form,
                           args=period_args(request.args)), status_code  # fmt: skip
