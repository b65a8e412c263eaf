"""Administrators manage towns and their zones."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.decorators import roles_required
from app.accounts.models import Role
from app.audit.services import record
from app.common.forms import EmptyForm
from app.platform import versioning
from app.platform.extensions import db
from app.towns import bp, services
from app.towns.forms import TownForm, ZoneForm, ZoneRenameForm
from app.towns.models import Town, Zone

admin_only = roles_required(Role.ADMIN)


def get_town_or_404(town_id: int) -> Town:
    return db.get_or_404(Town, town_id)


def get_zone_or_404(zone_id: int) -> Zone:
    return db.get_or_404(Zone, zone_id)


@bp.route("/comuni/")
@admin_only
def town_index():
    """All towns with their zones."""
    page = db.paginate(select(Town).options(selectinload(Town.zones)).order_by(Town.name), per_page=50)
    return render_template("towns/index.html", page=page)


@bp.route("/comuni/nuovo", methods=["GET", "POST"])
@admin_only
def town_create():
    """Add a town."""
    form = TownForm()
    if form.validate_on_submit():
        if services.town_name_taken(form.name.data):
            form.name.errors.append(_("Esiste già un Comune con questo nome."))
        else:
            town = services.create_town(form.name.data, form.province.data, form.district.data)
            record(current_user, "town.create", town.name)
            db.session.commit()
            flash(_("Comune «%(name)s» aggiunto.", name=town.name), "success")
            return redirect(url_for("towns.town_edit", town_id=town.id))
    return render_template("towns/form.html", form=form, town=None)


@bp.route("/comuni/<int:town_id>", methods=["GET", "POST"])
@admin_only
def town_edit(town_id: int):
    """Edit a town and list its zones."""
    town = get_town_or_404(town_id)
    form, conflict = TownForm(obj=town), None
    if form.validate_on_submit():
        if services.town_name_taken(form.name.data, exclude_id=town.id):
            form.name.errors.append(_("Esiste già un Comune con questo nome."))
        else:
            try:
                with versioning.saving(town, form.opened_at()):
                    services.update_town(town, form.name.data, form.province.data, form.district.data)
                    record(current_user, "town.update", town.name)
                    db.session.commit()
                    flash(_("Comune «%(name)s» aggiornato.", name=town.name), "success")
                    return redirect(url_for("towns.town_edit", town_id=town.id))
            except versioning.Conflict:
                conflict = versioning.conflict(form, TownForm(formdata=None, obj=town), town)
    return render_template(
        "towns/form.html",
        form=form,
        town=town,
        zone_form=ZoneForm(formdata=None, prefix="zone"),
        button=EmptyForm(),
        conflict=conflict,
    ), 409 if conflict is not None else 200


@bp.route("/comuni/<int:town_id>/elimina", methods=["POST"])
@admin_only
def town_delete(town_id: int):
    """Delete a town and its zones."""
    town = get_town_or_404(town_id)
    if EmptyForm().validate_on_submit():
        services.delete_town(town)
        record(current_user, "town.delete", town.name)
        db.session.commit()
        flash(_("Comune «%(name)s» eliminato.", name=town.name), "success")
    return redirect(url_for("towns.town_index"))


@bp.route("/comuni/<int:town_id>/quartieri", methods=["POST"])
@admin_only
def zone_create(town_id: int):
    """Add a zone to a town."""
    town = get_town_or_404(town_id)
    zone_form = ZoneForm(prefix="zone")
    if zone_form.validate_on_submit():
        if services.zone_name_taken(town, zone_form.name.data):
            zone_form.name.errors.append(_("Questo Comune ha già un quartiere con questo nome."))
        else:
            zone = services.add_zone(town, zone_form.name.data)
            record(current_user, "zone.create", f"{town.name} / {zone.name}")
            db.session.commit()
            flash(_("Quartiere «%(name)s» aggiunto.", name=zone.name), "success")
            return redirect(url_for("towns.town_edit", town_id=town.id))
    return render_template(
        "towns/form.html",
        form=TownForm(obj=town, formdata=None),
        town=town,
        zone_form=zone_form,
        button=EmptyForm(),
    ), 400


@bp.route("/quartieri/<int:zone_id>", methods=["GET", "POST"])
@admin_only
def zone_edit(zone_id: int):
    """Rename a zone."""
    zone = get_zone_or_404(zone_id)
    form, conflict = ZoneRenameForm(obj=zone), None
    if form.validate_on_submit():
        if services.zone_name_taken(zone.town, form.name.data, exclude_id=zone.id):
            form.name.errors.append(_("Questo Comune ha già un quartiere con questo nome."))
        else:
            try:
                with versioning.saving(zone, form.opened_at()):
                    zone.name = form.name.data.strip()
                    record(current_user, "zone.update", f"{zone.town.name} / {zone.name}")
                    db.session.commit()
                    flash(_("Quartiere rinominato."), "success")
                    return redirect(url_for("towns.town_edit", town_id=zone.town_id))
            except versioning.Conflict:
                conflict = versioning.conflict(form, ZoneRenameForm(formdata=None, obj=zone), zone)
    return render_template(
        "towns/zone_form.html", form=form, zone=zone, conflict=conflict
    ), 409 if conflict is not None else 200


@bp.route("/quartieri/<int:zone_id>/elimina", methods=["POST"])
@admin_only
def zone_delete(zone_id: int):
    """Delete a zone."""
    zone = get_zone_or_404(zone_id)
    town_id = zone.town_id
    if EmptyForm().validate_on_submit():
        record(current_user, "zone.delete", f"{zone.town.name} / {zone.name}")
        db.session.delete(zone)
        db.session.commit()
        flash(_("Quartiere «%(name)s» eliminato.", name=zone.name), "success")
    return redirect(url_for("towns.town_edit", town_id=town_id))
