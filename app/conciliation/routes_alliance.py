"""The alliance: a resident asks for the alliance prices as an employee of a member company;
the signed link (to the work address or to HR) confirms it. Coordinators keep the companies."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.common.forms import EmptyForm
from app.conciliation import alliance, bp, notices
from app.conciliation.catalogue import is_coordinator
from app.conciliation.forms_market import COMPANY_FIELDS, CompanyForm, JoinForm, fill
from app.conciliation.loaders_market import company_or_404
from app.conciliation.models import AllianceCompany, AllianceEmployee
from app.platform.extensions import db
from app.platform.versioning import Conflict, saving


@bp.route("/alleanza/", methods=["GET", "POST"])
@login_required
def join():
    companies = alliance.member_companies()
    form = JoinForm()
    form.company.choices = [(c.id, c.name) for c in companies]
    mine = db.session.scalars(
        select(AllianceEmployee).where(AllianceEmployee.user_id == current_user.id)
    ).all()
    status, refusal = 200, None
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            company = db.session.get(AllianceCompany, form.company.data)
            try:
                employee = alliance.request(current_user, company, form.method.data, form.work_email.data)
            except alliance.AllianceRefused as refused:
                db.session.rollback()
                refusal = str(refused)
            else:
                notices.alliance_request(employee)
                db.session.commit()
                flash(_("Richiesta inviata: apri il link nel messaggio per confermarla.") if employee.method == alliance.DOMAIN
                      else _("Richiesta inviata all'ufficio del personale: riceverai le tariffe quando conferma."),
                      "success")  # fmt: skip
                return redirect(url_for("conciliation.join"))
    return render_template(
        "conciliation/alliance_join.html", form=form, mine=mine, companies=companies, refusal=refusal
    ), status


@bp.route("/alleanza/conferma/<signed>", methods=["GET", "POST"])
def alliance_confirm(signed: str):
    """The link in the message: GET shows whom it confirms and a button, POST confirms."""
    employee = alliance.from_token(signed) or abort(404)
    form, status = EmptyForm(), 200
    if request.method == "POST":
        if form.validate_on_submit():
            alliance.confirm(employee)
            db.session.commit()
        else:
            status = 400
    return render_template("conciliation/alliance_confirm.html", employee=employee, form=form), status


def _coordinator_only():
    if not is_coordinator(current_user):
        abort(403)


@bp.route("/alleanza/aziende/nuova", methods=["GET", "POST"])
@login_required
def company_new():
    _coordinator_only()
    form = CompanyForm()
    if form.validate_on_submit():
        if db.session.scalar(select(AllianceCompany.id).where(AllianceCompany.name == form.name.data)):
            form.name.errors.append(_("Un'azienda con questo nome è già nell'elenco."))
        else:
            company = AllianceCompany()
            fill(company, form, *COMPANY_FIELDS)
            db.session.add(company)
            db.session.commit()
            flash(_("Azienda aggiunta all'alleanza."), "success")
            return redirect(url_for("conciliation.coordination"))
    return render_template(
        "conciliation/company_form.html", form=form, company=None
    ), 400 if form.errors else 200


@bp.route("/alleanza/aziende/<int:company_id>", methods=["GET", "POST"])
@login_required
def company_edit(company_id: int):
    company = company_or_404(company_id)
    form = CompanyForm(obj=company)
    if form.validate_on_submit():
        try:
            with saving(company, form.opened_at()):
                fill(company, form, *COMPANY_FIELDS)
                db.session.commit()
        except Conflict:
            flash(_("Qualcun altro ha cambiato l'azienda: ricarica e ripeti la modifica."), "danger")
            return render_template("conciliation/company_form.html", form=form, company=company), 409
        flash(_("Azienda salvata."), "success")
        return redirect(url_for("conciliation.coordination"))
    return render_template(
        "conciliation/company_form.html", form=form, company=company
    ), 400 if form.errors else 200
