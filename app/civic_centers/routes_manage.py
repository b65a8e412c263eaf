"""Managers' pages: centers, their managers and closures (activities in routes_activities)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import User
from app.civic_centers import bp, services
from app.civic_centers import closure_conflicts as conflicts
from app.civic_centers.forms import CenterForm, ClosureForm, ManagerForm
from app.civic_centers.loaders import get_center_or_404, get_closure_or_404
from app.civic_centers.models import Activity, CivicCenter
from app.common.forms import EmptyForm
from app.platform import versioning
from app.platform.extensions import db
from app.towns import services as places


def _center_form(center=None, saved=False) -> CenterForm:
    """The center form, from the request; `saved`: only what the database holds."""
    form = CenterForm(formdata=None, obj=center) if saved else CenterForm(obj=center)
    form.town_id.choices = places.town_choices()
    form.zone_id.choices = places.zone_choices()
    if center is not None and form.zone_id.data is None:
        form.zone_id.data = 0
    return form


def _save_center(center, form) -> bool:
    try:
        services.apply_center_form(center, form)
    except places.PlaceError as error:
        places.place_error(form, error)
        return False
    return True


@bp.route("/gestione/centri/")
@login_required
def manage_index():
    """The centers you manage (every center for coordinators)."""
    centers = db.session.scalars(services.managed_centers_query(current_user)).all()
    return render_template(
        "civic_centers/manage_index.html",
        centers=centers,
        can_create=services.can_create_centers(current_user),
    )


@bp.route("/gestione/centri/nuovo", methods=["GET", "POST"])
@login_required
def create():
    """Add a civic center (administrators and coordinators)."""
    if not services.can_create_centers(current_user):
        abort(403)
    form = _center_form()
    if form.validate_on_submit():
        center = CivicCenter(slug=None)
        if _save_center(center, form):
            db.session.commit()
            flash(_("Centro «%(name)s» creato.", name=center.name), "success")
            return redirect(url_for("civic_centers.edit", slug=center.slug))
        db.session.rollback()
    return render_template("civic_centers/center_form.html", form=form, center=None)


@bp.route("/gestione/centri/<slug>", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a center's details; see its managers, closures and activities."""
    center = get_center_or_404(slug, manage=True)
    form, conflict = _center_form(center), None
    if form.validate_on_submit():
        try:
            with versioning.saving(center, form.opened_at()):
                if _save_center(center, form):
                    db.session.commit()
                    flash(_("Centro aggiornato."), "success")
                    return redirect(url_for("civic_centers.edit", slug=center.slug))
        except versioning.Conflict:
            conflict = versioning.conflict(form, _center_form(center, saved=True), center)
    activities = db.session.scalars(
        select(Activity)
        .where(Activity.center_id == center.id)
        .order_by(Activity.deleted_at.is_not(None), Activity.title)
    ).all()
    return render_template(
        "civic_centers/center_form.html", form=form, center=center, activities=activities,
        manager_form=ManagerForm(formdata=None), closure_form=ClosureForm(formdata=None, prefix="chiusura"),
        button=EmptyForm(), can_name_managers=services.can_create_centers(current_user), conflict=conflict,
    ), 409 if conflict is not None else 200  # fmt: skip


@bp.route("/gestione/centri/<slug>/gestori", methods=["POST"])
@login_required
def add_manager(slug: str):
    """Name a manager (administrators and coordinators)."""
    center = get_center_or_404(slug, manage=True)
    if not services.can_create_centers(current_user):
        abort(403)
    form = ManagerForm()
    if form.validate_on_submit():
        user = services.add_manager(center, form.email.data)
        db.session.commit()
        flash(
            _(
                "%(email)s ora gestisce questo centro. Se non aveva ancora un account, riceverà un invito per crearlo.",
                email=user.email,
            ),
            "success",
        )
    else:
        flash(_("Scrivi un indirizzo e-mail valido."), "danger")
    return redirect(url_for("civic_centers.edit", slug=center.slug))


@bp.route("/gestione/centri/<slug>/gestori/<int:user_id>/rimuovi", methods=["POST"])
@login_required
def remove_manager(slug: str, user_id: int):
    """Remove a manager (administrators and coordinators)."""
    center = get_center_or_404(slug, manage=True)
    if not services.can_create_centers(current_user):
        abort(403)
    user = db.get_or_404(User, user_id)
    if user in center.managers:
        center.managers.remove(user)
        db.session.commit()
        flash(_("%(name)s non gestisce più questo centro.", name=user.full_name), "success")
    return redirect(url_for("civic_centers.edit", slug=center.slug))


@bp.route("/gestione/centri/<slug>/chiusure", methods=["POST"])
@login_required
def add_closure(slug: str):
    """A holiday closure: every activity of the center skips those dates; moved dates it meets are decided first."""
    center = get_center_or_404(slug, manage=True)
    form = ClosureForm(prefix="chiusura")
    if form.validate_on_submit():
        first, last = form.start_on.data, form.end_on.data
        moved = conflicts.moved_dates_touching(center, first, last)
        choices = {c.id: request.form.get(f"data-{c.id}") for c in moved}
        days = {c.id: conflicts.parse_day(request.form.get(f"data-{c.id}-giorno")) for c in moved}
        closed = center.closed_dates()
        wrong = {
            c.id for c in moved
            if choices[c.id] == conflicts.MOVE and (days[c.id] is None or first <= days[c.id] <= last or days[c.id] in closed)
        }  # fmt: skip
        if wrong or any(choice not in conflicts.CHOICES for choice in choices.values()):
            return _center_page(center, form, 409, conflicts=moved, wrong=wrong)
        services.add_closure(center, first, last, form.reason.data)
        for change in moved:
            conflicts.settle(change, choices[change.id], form.reason.data, days[change.id])
        db.session.commit()
        flash(_("Chiusura aggiunta: le attività del centro salteranno quelle date."), "success")
        return redirect(url_for("civic_centers.edit", slug=center.slug))
    return _center_page(center, form, 400)


def _center_page(center, closure_form, status, **extra):
    return render_template(
        "civic_centers/center_form.html", form=_center_form(center), center=center, activities=[],
        manager_form=ManagerForm(formdata=None), closure_form=closure_form, button=EmptyForm(),
        can_name_managers=services.can_create_centers(current_user), **extra,
    ), status  # fmt: skip


@bp.route("/gestione/chiusure/<int:closure_id>/elimina", methods=["POST"])
@login_required
def remove_closure(closure_id: int):
    """Remove a closure: its dates happen again."""
    closure = get_closure_or_404(closure_id)
    slug = closure.center.slug
    services.remove_closure(closure)
    db.session.commit()
    flash(_("Chiusura eliminata."), "success")
    return redirect(url_for("civic_centers.edit", slug=slug))
