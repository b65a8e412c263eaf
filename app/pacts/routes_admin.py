"""Administrators: the list of vulnerability areas, and the towns each operator works in."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Role, User, UserRole
from app.audit.services import record
from app.common.forms import EmptyForm
from app.pacts import bp, services
from app.pacts.forms import AreaForm, OperatorTownsForm
from app.pacts.models import VulnerabilityArea
from app.pacts.views import administrators, int_list, show_error
from app.platform.extensions import db
from app.towns.models import Town


@bp.route("/aree", methods=["GET", "POST"])
@administrators
def areas():
    """The areas of vulnerability: add one, or retire one (pacts keep it)."""
    form = AreaForm()
    if form.validate_on_submit():
        try:
            area = services.add_area(form.name.data)
        except services.PactError as error:
            show_error(form, error)
        else:
            record(current_user, "pacts.area", area.name)
            db.session.commit()
            flash(_("Area «%(name)s» aggiunta.", name=area.name), "success")
            return redirect(url_for("pacts.areas"))
    found = db.session.scalars(select(VulnerabilityArea).order_by(VulnerabilityArea.name)).all()
    status_code = 400 if request.method == "POST" else 200
    return render_template("pacts/areas.html", form=form, areas=found, button=EmptyForm()), status_code


@bp.route("/aree/<int:area_id>/attiva", methods=["POST"])
@administrators
def toggle_area(area_id: int):
    area = db.get_or_404(VulnerabilityArea, area_id)
    if EmptyForm().validate_on_submit():
        area.is_active = not area.is_active
        record(current_user, "pacts.area", area.name)
        db.session.commit()
        flash(_("Area «%(name)s» aggiornata.", name=area.name), "success")
    return redirect(url_for("pacts.areas"))


@bp.route("/operatori")
@administrators
def operators():
    """Accounts with the operatore role and their towns."""
    query = (
        select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == Role.OPERATOR)
        .order_by(User.full_name)
    )  # fmt: skip
    people = db.session.scalars(query).all()
    return render_template("pacts/operators.html", people=[(u, services.towns_of(u)) for u in people])


@bp.route("/operatori/<int:user_id>", methods=["GET", "POST"])
@administrators
def operator_towns(user_id: int):
    """The towns an operator works in: they open pacts only there."""
    user = db.get_or_404(User, user_id)
    if not user.is_operator:
        flash(_("%(name)s non ha il ruolo di operatore: assegnalo prima nella pagina dell'utente.", name=user.full_name),
              "warning")  # fmt: skip
        return redirect(url_for("admin.user_detail", user_id=user.id))
    towns = db.session.scalars(select(Town).order_by(Town.name)).all()
    data = {"towns": [str(t.id) for t in services.towns_of(user)]} if request.method == "GET" else None
    form = OperatorTownsForm(data=data)
    form.towns.choices = [(str(t.id), t.name) for t in towns]
    if form.validate_on_submit():
        services.set_operator_towns(user, int_list(form.towns.data))
        record(current_user, "pacts.operator_towns", user.email)
        db.session.commit()
        flash(_("Comuni di %(name)s salvati.", name=user.full_name), "success")
        return redirect(url_for("pacts.operators"))
    return render_template("pacts/operator_towns.html", form=form, person=user)
