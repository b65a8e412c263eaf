"""Coordinators' dashboard, the rows behind each figure, and exports (audited)."""

from flask import abort, render_template, request, url_for

from app.accounts.decorators import roles_required
from app.accounts.models import Role
from app.audit.exports import download, to_csv, to_xlsx
from app.common.timeutil import utcnow
from app.reports import bp, services
from app.reports import period as periods
from app.reports.period import from_request as period_from
from app.reports.period import period_args

coordinators = roles_required(Role.COORDINATOR, Role.ADMIN)
SESSION_HEADER = ["Data", "Ora", "Laboratorio", "Comune", "Ore", "Presenze", "Di cui con nome", "Conteggio"]
PEOPLE_HEADER = ["Nome", "Contatto", "Laboratori", "Incontri"]
ACTIVITY_HEADER = ["Data", "Ora", "Attività", "Luogo", "Presenti (conteggio)"]
MEETING_HEADER = ["Data", "Ora", "Gruppo", "Sede", "Presenti", "Assenti", "Giustificati"]
KINDS = ("incontri", "persone", "attivita", "riunioni")


@bp.route("/")
@coordinators
def dashboard():
    """The figures of a period: labs, sessions, hours, attendance, people, activities."""
    form, period = period_from(request.args)
    figures = services.figures(period, utcnow()) if period else None
    args = period_args(request.args)
    return render_template("reports/dashboard.html", form=form, figures=figures, args=args), (
        200 if period else 400
    )


@bp.route("/dettaglio/<kind>")
@coordinators
def rows(kind: str):
    """The rows behind a figure: sessions, people or activities."""
    form, period = period_from(request.args)
    if kind not in KINDS:
        abort(404)
    if period is None:
        return render_template("reports/dashboard.html", form=form, figures=None, args={}), 400
    header, table = _table(kind, period)
    return render_template(
        "reports/rows.html", kind=kind, header=header, table=table, args=period_args(request.args)
    )


def _table(kind: str, period):
    now = utcnow()
    if kind == "riunioni":
        return MEETING_HEADER, services.meeting_rows(services.held_meetings(period, now))
    if kind == "attivita":
        held = services.held_activities(period, now)
        return ACTIVITY_HEADER, [
            [r.starts_at.date(), r.starts_at.strftime("%H:%M"), r.title, r.place, r.headcount] for r in held
        ]
    sessions = services.held_sessions(period, now)
    if kind == "persone":
        return PEOPLE_HEADER, services.people_rows(sessions)
    return SESSION_HEADER, services.session_rows(sessions)


@bp.route("/esporta.<fmt>")
@coordinators
def export(fmt: str):
    """XLSX (one sheet per kind) or CSV (one kind); recorded in the audit log."""
    form, period = period_from(request.args)
    if fmt not in ("xlsx", "csv"):
        abort(404)
    if period is None:
        return render_template("reports/dashboard.html", form=form, figures=None, args={}), 400
    subject = periods.subject(period, form.comune.data)
    if fmt == "xlsx":
        sheets = [(title, *_table(kind, period)) for kind, title in
                  (("riunioni", "Incontri gruppi"), ("incontri", "Incontri laboratori"),
                  ("persone", "Persone raggiunte"), ("attivita", "Attività centri"))]  # fmt: skip
        body, rows = to_xlsx(sheets), sum(len(t) for _, _, t in sheets)
    else:
        kind = request.args.get("tipo", "incontri")
        if kind not in KINDS:
            abort(404)
        header, table = _table(kind, period)
        body, rows = to_csv(header, table), len(table)
        subject += f" {kind}"
    what = f"-{kind}" if fmt == "csv" else ""
    filename = f"legami{what}-{period.first.isoformat()}-{period.last.isoformat()}.{fmt}"
    return download(body, filename, f"export.{fmt}", subject, rows)


def link(endpoint: str, args: dict, **extra) -> str:
    return url_for(endpoint, **{**args, **extra})


bp.add_app_template_global(link, "report_link")
