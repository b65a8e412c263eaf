"""Voucher calls for residents: the calls, one call, the application form, the public ranking
(protocol numbers only, never names), a resident's own applications and one application."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.identity import verified_identity
from app.conciliation import bp, calls
from app.conciliation.eligibility import Draft, Member, required_declarations, window_reason
from app.conciliation.forms_calls import APPLICANT_FIELDS, ApplicationForm, lock_identity
from app.conciliation.voucher_models import (
    EMPLOYMENT_LABELS,
    FUND_LABELS,
    TOWN_LINK_LABELS,
    Application,
    Voucher,
    VoucherCall,
)
from app.conciliation.vouchers import balances
from app.platform.extensions import db


@bp.context_processor
def money_helpers():
    return {"employment_labels": EMPLOYMENT_LABELS, "fund_labels": FUND_LABELS,
            "town_link_labels": TOWN_LINK_LABELS}  # fmt: skip


@bp.route("/bandi/")
def calls_list():
    """Every call, newest first: open ones can be applied to, published ones show their ranking."""
    rows = db.session.scalars(
        select(VoucherCall).options(selectinload(VoucherCall.towns)).order_by(VoucherCall.opens_at.desc())
    ).all()
    now, _today = calls.now_and_today()
    return render_template("conciliation/calls.html", calls=rows, now=now)


@bp.route("/bandi/<int:call_id>")
def call_detail(call_id: int):
    call = calls.get_call_or_404(call_id)
    now, _today = calls.now_and_today()
    return render_template(
        "conciliation/call.html", call=call, now=now, closed_reason=window_reason(call, now)
    )


def _draft(form: ApplicationForm) -> Draft:
    applicant = Member(form.fiscal_code.data, _age(form), bool(form.applicant_care_needs.data))
    others = [Member(m.fiscal_code.data, m.age.data, bool(m.care_needs.data)) for m in form.filled_members()]
    return Draft(
        fiscal_code=form.fiscal_code.data, birth_date=form.birth_date.data, employment=form.employment.data,
        weekly_hours=form.weekly_hours.data if form.employment.data == "employee" else None,
        town_id=int(form.town.data), isee_cents=form.isee.cents, isee_issued_on=form.isee_issued_on.data,
        declarations=list(form.declarations.data or []), members=[applicant, *others],
    )  # fmt: skip


def _age(form: ApplicationForm) -> int:
    _now, today = calls.now_and_today()
    born = form.birth_date.data
    return max(0, today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


@bp.route("/bandi/<int:call_id>/domanda", methods=["GET", "POST"])
@login_required
def call_apply(call_id: int):
    """The application: eligibility checked on submit, every reason shown, nothing saved if refused."""
    call = calls.get_call_or_404(call_id)
    now, today = calls.now_and_today()
    form = ApplicationForm()
    form.town.choices = [("", _("Scegli il Comune"))] + [(str(t.id), t.name) for t in call.towns]
    form.declarations.choices = required_declarations(call)
    identity = verified_identity(current_user)
    if identity is not None:
        lock_identity(form, identity)
    reasons, status = [], 200
    closed = window_reason(call, now)
    if form.validate_on_submit():
        details = {"full_name": form.full_name.data, "employer": form.employer.data or "",
                   "fund": (form.fund.data or "") if form.employment.data == "self_employed" else "",
                   "town_link": form.town_link.data}  # fmt: skip
        try:
            application = calls.submit(call, _draft(form), current_user, details, now, today)
        except calls.CallError as error:
            db.session.rollback()
            reasons, status = error.reasons, 400
        else:
            db.session.commit()
            flash(
                _("Domanda inviata: il numero di protocollo è %(number)s.", number=application.number),
                "success",
            )
            return redirect(url_for("conciliation.application", number=application.number))
    elif form.is_submitted():
        status = 400
    if closed and form.is_submitted() and closed not in reasons:
        reasons, status = [closed, *reasons], 400
    return render_template("conciliation/call_apply.html", call=call, form=form, reasons=reasons, closed=closed,
                           applicant_fields=APPLICANT_FIELDS, identity=identity), status  # fmt: skip


@bp.route("/bandi/<int:call_id>/graduatoria")
def call_ranking(call_id: int):
    """The published ranking: position, protocol number, points, voucher or reserve. No names."""
    call = calls.get_call_or_404(call_id)
    if call.published_at is None:
        abort(404)
    ranked = calls.ranked(call)
    with_voucher = set(db.session.scalars(select(Voucher.application_id).where(Voucher.call_id == call.id)))
    return render_template(
        "conciliation/call_ranking.html", call=call, ranked=ranked, with_voucher=with_voucher
    )


@bp.route("/le-mie-domande")
@login_required
def my_applications():
    rows = db.session.scalars(
        select(Application).where(Application.user_id == current_user.id)
        .options(selectinload(Application.call)).order_by(Application.submitted_at.desc())
    ).all()  # fmt: skip
    return render_template("conciliation/call_my_applications.html", applications=rows)


@bp.route("/domande/<number>")
@login_required
def application(number: str):
    """One application: its applicant and coordinators only (a coordinator's read is logged)."""
    found = calls.get_application_or_404(number)
    voucher = db.session.scalar(select(Voucher).where(Voucher.application_id == found.id))
    balance = balances([voucher.id]).get(voucher.id, 0) if voucher else None
    return render_template("conciliation/call_application.html", application=found, voucher=voucher,
                           balance=balance)  # fmt: skip
