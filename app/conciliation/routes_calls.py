"""Voucher calls for coordinators: the calls, a new call, a call's applications (protocol numbers
and criteria, no names), closing, computing and publishing the ranking, audited exports
(pseudonymised; with names only by an administrator who gives a reason)."""

from datetime import UTC, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.accounts.decorators import roles_required
from app.accounts.models import Role
from app.audit.exports import download, to_csv, to_xlsx
from app.common.forms import EmptyForm, NamedExportForm
from app.common.timeutil import ROME
from app.conciliation import bp, calls
from app.conciliation.forms_calls import CallForm
from app.conciliation.voucher_models import Application, Voucher, VoucherCall
from app.conciliation.vouchers import balances
from app.conciliation.vouchers import committed as vouchers_committed
from app.platform.extensions import db
from app.towns.models import Town

coordinators = roles_required(Role.COORDINATOR)
administrators = roles_required(Role.ADMIN)

PSEUDONYMOUS_HEADER = ["Protocollo", "Posizione", "Punti", "Componenti", "Bisogni di cura", "ISEE (euro)",
                       "Voucher (euro)"]  # fmt: skip
NAMED_HEADER = [*PSEUDONYMOUS_HEADER, "Nome e cognome", "Codice fiscale"]


@bp.route("/gestione-bandi/")
@coordinators
def calls_manage():
    """Every call with its count of applications (two queries whatever the number of calls)."""
    rows = db.session.scalars(select(VoucherCall).order_by(VoucherCall.opens_at.desc())).all()
    counts = dict(
        db.session.execute(
            select(Application.call_id, func.count(Application.id)).group_by(Application.call_id)
        ).all()
    )
    now, _today = calls.now_and_today()
    return render_template("conciliation/call_manage_list.html", calls=rows, counts=counts, now=now)


def _instant(day, end=False) -> datetime:
    """Midnight in Rome at the start of `day` (or of the day after, for a closing date)."""
    return datetime.combine(day + timedelta(days=1 if end else 0), time(0), tzinfo=ROME).astimezone(UTC)


@bp.route("/gestione-bandi/nuovo", methods=["GET", "POST"])
@coordinators
def call_new():
    form = CallForm()
    form.towns.choices = [(str(t.id), t.name) for t in db.session.scalars(select(Town).order_by(Town.name))]
    if form.validate_on_submit():
        chosen = [int(v) for v in form.towns.data if v.isdigit()]
        call = VoucherCall(
            title=form.title.data, budget_cents=form.budget.cents, voucher_cents=form.voucher.cents,
            opens_at=_instant(form.opens_on.data), closes_at=_instant(form.closes_on.data, end=True),
            min_weekly_hours=form.min_weekly_hours.data, validity_days=form.validity_days.data,
            points_per_member=form.points_per_member.data, points_per_care_need=form.points_per_care_need.data,
            isee_bands=form.isee_bands.bands,
            incompatibilities=[line.strip() for line in form.incompatibilities.data.splitlines() if line.strip()],
            towns=list(db.session.scalars(select(Town).where(Town.id.in_(chosen)))), created_by_id=current_user.id,
        )  # fmt: skip
        db.session.add(call)
        db.session.commit()
        flash(_("Bando aperto."), "success")
        return redirect(url_for("conciliation.call_manage", call_id=call.id))
    return render_template("conciliation/call_form.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/gestione-bandi/<int:call_id>")
@coordinators
def call_manage(call_id: int):
    """The call's applications in protocol or ranking order: numbers and criteria, no names."""
    call = calls.get_call_or_404(call_id)
    applications = calls.applications_of(call)
    if call.ranked_at is not None:
        applications.sort(key=lambda a: (a.rank is None, a.rank or 0))
    vouchers = {
        v.application_id: v for v in db.session.scalars(select(Voucher).where(Voucher.call_id == call.id))
    }
    left = balances([v.id for v in vouchers.values()])
    committed = vouchers_committed(call.id)
    now, _today = calls.now_and_today()
    return render_template("conciliation/call_manage.html", call=call, applications=applications, vouchers=vouchers,
                           balances=left, now=now, form=EmptyForm(), committed=committed)  # fmt: skip


def _step(call_id: int, action):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    call = calls.get_call_or_404(call_id)
    now, today = calls.now_and_today()
    try:
        message = action(call, now, today)
    except calls.CallError as error:
        db.session.rollback()
        for reason in error.reasons:
            flash(reason, "danger")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("conciliation.call_manage", call_id=call_id))


@bp.route("/gestione-bandi/<int:call_id>/chiudi", methods=["POST"])
@coordinators
def call_close(call_id: int):
    return _step(
        call_id, lambda call, now, today: calls.close(call, now) or _("Bando chiuso: niente più domande.")
    )


@bp.route("/gestione-bandi/<int:call_id>/calcola", methods=["POST"])
@coordinators
def call_compute(call_id: int):
    def compute(call, now, today):
        ranked = calls.compute(call, now)
        return _("Graduatoria calcolata (%(n)s domande): controllala prima di pubblicarla.", n=len(ranked))

    return _step(call_id, compute)


@bp.route("/gestione-bandi/<int:call_id>/pubblica", methods=["POST"])
@coordinators
def call_publish(call_id: int):
    def publish(call, now, today):
        given = calls.publish(call, now, today)
        return _("Graduatoria pubblicata: %(n)s voucher assegnati.", n=len(given))

    return _step(call_id, publish)


def _rows(call: VoucherCall, named: bool) -> list[list]:
    vouchers = {
        v.application_id: v for v in db.session.scalars(select(Voucher).where(Voucher.call_id == call.id))
    }
    rows = []
    for a in calls.applications_of(call):
        voucher = vouchers.get(a.id)
        row = [a.number, a.rank, a.points, a.household_size, a.care_needs, a.isee_cents / 100,
               voucher.value_cents / 100 if voucher else None]  # fmt: skip
        rows.append([*row, a.full_name, a.fiscal_code] if named else row)
    return rows


def _export(call: VoucherCall, fmt: str, named: bool, reason: str = ""):
    header = NAMED_HEADER if named else PSEUDONYMOUS_HEADER
    rows = _rows(call, named)
    body = to_xlsx([("Domande", header, rows)]) if fmt == "xlsx" else to_csv(header, rows)
    if named:  # names leave the register: each application's read log says so
        for application in calls.applications_of(call):
            calls.log_read(current_user, application, "esportazione")
    action = "conciliation.calls.export_named" if named else f"conciliation.calls.export.{fmt}"
    subject = f"bando {call.id}" + (f" · {fmt} · {reason}" if named else "")
    stem = "bando-con-nomi" if named else "bando"
    return download(body, f"{stem}-{call.id}.{fmt}", action, subject, len(rows))


@bp.route("/gestione-bandi/<int:call_id>/esporta.<fmt>")
@coordinators
def call_export(call_id: int, fmt: str):
    """Pseudonymised: the protocol number stands for the person; audited."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    return _export(calls.get_call_or_404(call_id), fmt, False)


@bp.route("/gestione-bandi/<int:call_id>/esporta-con-nomi", methods=["GET", "POST"])
@administrators
def call_export_named(call_id: int):
    """An administrator's act: names and codici fiscali, with a stated reason, in the audit log."""
    call = calls.get_call_or_404(call_id)
    form = NamedExportForm()
    if form.validate_on_submit():
        return _export(call, form.fmt.data, True, " ".join(form.reason.data.split()))
    status = 400 if request.method == "POST" else 200
    return render_template("conciliation/call_export_named.html", call=call, form=form), status


@bp.route("/gestione-bandi/<int:call_id>/letture")
@coordinators
def call_reads(call_id: int):
    """Who read which application of the call, and when."""
    call = calls.get_call_or_404(call_id)
    reads = calls.reads_of(call)
    return render_template("conciliation/call_reads.html", call=call, reads=reads)
