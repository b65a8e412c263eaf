"""Managers create and change activities: one-off cancellations and moves, trash."""

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.civic_centers import bp, headcounts, services
from app.civic_centers import closure_conflicts as conflicts
from app.civic_centers.forms import ActivityForm, CancelActivityForm, CancelOccurrenceForm, MoveOccurrenceForm
from app.civic_centers.loaders import get_activity_or_404, get_center_or_404
from app.civic_centers.models import Activity, ActivityStatus, OccurrenceChange
from app.common.forms import EmptyForm
from app.common.timeutil import ROME, utcnow
from app.platform import versioning
from app.platform.extensions import db


def _not_an_occurrence():
    return _("In quella data l'attività non è in programma: scegli una delle sue date.")


def _back(activity: Activity):
    return redirect(url_for("civic_centers.activity_edit", activity_id=activity.id))


def _edit_page(activity, form, status=200, **forms):
    pages = {
        "cancel_form": CancelOccurrenceForm(formdata=None, prefix="annulla"),
        "move_form": MoveOccurrenceForm(formdata=None, prefix="sposta"),
        "cancel_all_form": CancelActivityForm(formdata=None, prefix="tutta"),
    }
    pages.update(forms)
    return render_template(
        "civic_centers/activity_form.html", form=form, activity=activity, center=activity.center,
        button=EmptyForm(), **pages,
    ), status  # fmt: skip


@bp.route("/gestione/centri/<slug>/attivita/nuova", methods=["GET", "POST"])
@login_required
def activity_create(slug: str):
    """A new activity of a center you manage."""
    center = get_center_or_404(slug, manage=True)
    form = ActivityForm()
    if form.validate_on_submit():
        activity = services.apply_activity_form(Activity(center=center), form)
        db.session.commit()
        flash(_("Attività «%(title)s» salvata.", title=activity.title), "success")
        return _back(activity)
    return render_template("civic_centers/activity_form.html", form=form, activity=None, center=center)


@bp.route("/gestione/attivita/<int:activity_id>", methods=["GET", "POST"])
@login_required
def activity_edit(activity_id: int):
    """Edit an activity; cancel or move single dates; cancel it all; trash it."""
    activity = get_activity_or_404(activity_id, manage=True)
    form = _activity_form(activity)
    if form.validate_on_submit():
        try:
            with versioning.saving(activity, form.opened_at()):
                orphans = services.newly_orphaned(activity, form)
                choices = {c.id: request.form.get(f"eccezione-{c.id}") for c in orphans if not c.is_cancelled}
                if any(choice not in ("mantieni", "elimina") for choice in choices.values()):
                    return _edit_page(activity, form, 409, orphans=orphans)
                drop = frozenset(c.id for c in orphans if c.is_cancelled or choices[c.id] == "elimina")
                services.apply_activity_form(activity, form, drop)
                db.session.commit()
                flash(_("Attività aggiornata."), "success")
                return _back(activity)
        except versioning.Conflict:
            conflict = versioning.conflict(form, _activity_form(activity, saved=True), activity)
            return _edit_page(activity, form, 409, conflict=conflict)
    return _edit_page(activity, form)


def _activity_form(activity: Activity, saved=False) -> ActivityForm:
    """The activity form, from the request; `saved`: only what the database holds."""
    form = ActivityForm(formdata=None, obj=activity) if saved else ActivityForm(obj=activity, data=None)
    if saved or not form.is_submitted():
        form.weekdays.data = [int(d) for d in activity.weekdays.split(",") if d]
        form.publish.data = activity.status != ActivityStatus.DRAFT
        form.month_week.data = activity.month_week or 1
        form.month_weekday.data = activity.month_weekday or 0
    return form


@bp.route("/gestione/attivita/<int:activity_id>/annulla-data", methods=["POST"])
@login_required
def occurrence_cancel(activity_id: int):
    """Cancel one date, with a reason residents will see."""
    activity = get_activity_or_404(activity_id, manage=True)
    form = CancelOccurrenceForm(prefix="annulla")
    if form.validate_on_submit():
        try:
            services.cancel_occurrence(activity, form.original_on.data, form.reason.data)
        except services.RuleError:
            form.original_on.errors.append(_not_an_occurrence())
        else:
            db.session.commit()
            flash(_("La data è stata annullata."), "success")
            return _back(activity)
    return _edit_page(activity, _activity_form(activity, saved=True), 400, cancel_form=form)


@bp.route("/gestione/attivita/<int:activity_id>/sposta-data", methods=["POST"])
@login_required
def occurrence_move(activity_id: int):
    """Move one date to another day or time."""
    activity = get_activity_or_404(activity_id, manage=True)
    form = MoveOccurrenceForm(prefix="sposta")
    if form.validate_on_submit():
        start = datetime.combine(form.new_on.data, form.new_start.data)
        end = datetime.combine(form.new_on.data, form.new_end.data)
        closed = activity.center.closed_reasons()
        on_closed_day = form.new_on.data in closed
        choice = request.form.get("sposta-chiuso") if on_closed_day else conflicts.KEEP
        if choice not in (conflicts.KEEP, conflicts.CANCEL):  # asked first; moving again is a new day here
            closed_day = (form.new_on.data, closed.get(form.new_on.data, ""))
            return _edit_page(
                activity, _activity_form(activity, saved=True), 409, move_form=form, closed_day=closed_day
            )
        try:
            if choice == conflicts.CANCEL:
                services.cancel_occurrence(
                    activity, form.original_on.data, closed[form.new_on.data], keep_move=False
                )
            else:
                services.move_occurrence(activity, form.original_on.data, start, end, form.reason.data or "")
        except services.RuleError:
            form.original_on.errors.append(_not_an_occurrence())
        else:
            db.session.commit()
            if choice == conflicts.CANCEL:
                flash(_("La data è stata annullata."), "success")
            elif on_closed_day:
                flash(_("La data è stata spostata in un giorno di chiusura: non si svolge."), "warning")
            else:
                flash(_("La data è stata spostata."), "success")
            return _back(activity)
    return _edit_page(activity, _activity_form(activity, saved=True), 400, move_form=form)


@bp.route("/gestione/attivita/<int:activity_id>/modifiche/<int:change_id>/elimina", methods=["POST"])
@login_required
def occurrence_restore(activity_id: int, change_id: int):
    """Undo a cancellation or a move: the date is back as planned."""
    activity = get_activity_or_404(activity_id, manage=True)
    change = db.get_or_404(OccurrenceChange, change_id)
    if change.activity_id != activity.id:
        abort(404)
    services.undo_change(activity, change)
    db.session.commit()
    flash(_("La data torna come da programma."), "success")
    return _back(activity)


@bp.route("/gestione/attivita/<int:activity_id>/annulla", methods=["POST"])
@login_required
def activity_cancel(activity_id: int):
    """Cancel the whole activity; it stays visible, marked cancelled."""
    activity = get_activity_or_404(activity_id, manage=True)
    form = CancelActivityForm(prefix="tutta")
    if form.validate_on_submit():
        try:
            services.cancel_activity(activity, form.reason.data)
        except services.RuleError:
            flash(_("Una bozza non è pubblica: non serve annullarla. Puoi spostarla nel cestino."), "danger")
            return _back(activity)
        db.session.commit()
        flash(_("L'attività è stata annullata."), "success")
        return _back(activity)
    return _edit_page(activity, _activity_form(activity, saved=True), 400, cancel_all_form=form)


@bp.route("/gestione/attivita/<int:activity_id>/riattiva", methods=["POST"])
@login_required
def activity_reinstate(activity_id: int):
    """Undo the cancellation of a whole activity."""
    activity = get_activity_or_404(activity_id, manage=True)
    services.reinstate_activity(activity)
    db.session.commit()
    flash(_("L'attività è di nuovo in programma."), "success")
    return _back(activity)


@bp.route("/gestione/attivita/<int:activity_id>/cestino", methods=["POST"])
@login_required
def activity_trash(activity_id: int):
    """Move an activity to the trash (reversible)."""
    activity = get_activity_or_404(activity_id, manage=True)
    services.trash_activity(activity)
    db.session.commit()
    flash(_("Attività spostata nel cestino. Puoi ripristinarla dalla pagina del centro."), "success")
    return redirect(url_for("civic_centers.edit", slug=activity.center.slug))


@bp.route("/gestione/attivita/<int:activity_id>/ripristina", methods=["POST"])
@login_required
def activity_restore(activity_id: int):
    """Bring an activity back from the trash."""
    activity = get_activity_or_404(activity_id, manage=True)
    services.restore_activity(activity)
    db.session.commit()
    flash(_("Attività ripristinata."), "success")
    return _back(activity)


@bp.route("/gestione/attivita/<int:activity_id>/presenze", methods=["GET", "POST"])
@login_required
def activity_headcounts(activity_id: int):
    """How many came to each date of the last weeks (optional): it feeds the coordinators' figures."""
    activity = get_activity_or_404(activity_id, manage=True)
    held = headcounts.held_dates(activity, utcnow().astimezone(ROME))
    form, status, bad = EmptyForm(), 200, []
    if form.validate_on_submit():
        raw = {o.original_on: request.form.get(f"presenze-{o.original_on.isoformat()}", "") for o in held}
        try:
            values = headcounts.parse(raw)
        except headcounts.HeadcountError as error:
            bad, status = error.args[0], 400
        else:
            headcounts.save(activity, values, {o.original_on for o in held})
            db.session.commit()
            flash(_("Presenze salvate."), "success")
            return redirect(url_for("civic_centers.activity_headcounts", activity_id=activity.id))
    current = {d.isoformat(): str(n) for d, n in headcounts.counts(activity).items()}
    typed = {k.removeprefix("presenze-"): v for k, v in request.form.items() if k.startswith("presenze-")}
    return render_template(
        "civic_centers/headcounts.html", activity=activity, center=activity.center, held=held, form=form,
        values=current | typed, bad={d.isoformat() for d in bad}, weeks=headcounts.WEEKS_BACK,
    ), status  # fmt: skip
