"""Writing a verbale: create, edit (with conflicts), review, approve, rettifica, trash."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from app.common.forms import EmptyForm
from app.groups.access import Locked, get_meeting_or_404
from app.minutes import access, bp, services
from app.minutes.forms import (
    ApproveForm,
    CommentForm,
    CorrectionForm,
    MinutesForm,
    decision_values,
    fill_decisions,
    rows_by_point,
)
from app.minutes.models import Minutes, MinutesStatus
from app.platform import versioning
from app.platform.extensions import db


def _detail(minutes):
    return redirect(url_for("minutes.detail", slug=minutes.group.slug, minutes_id=minutes.id))


def _base(form) -> int:
    """The revision the form was opened at, as posted (not the field's default, the current
    revision): a save without it, or with garbage, is a conflict, never a silent overwrite."""
    posted = str(form.base_revision.raw_data[0]) if form.base_revision.raw_data else ""
    return int(posted) if posted.isdigit() and posted.isascii() else -1


def _conflict(minutes, form):
    """Someone saved since this editor started: their text beside what this one typed (409)."""
    return render_template(
        "minutes/conflict.html", minutes=minutes, form=form, mine=form.body.data or ""
    ), 409


@bp.route("/incontri/<int:meeting_id>/verbale", methods=["GET", "POST"])
@login_required
def create(meeting_id: int):
    """Write the verbale of a meeting (one per meeting)."""
    meeting = get_meeting_or_404(meeting_id, edit=True)
    existing = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    if existing is not None:
        return _detail(existing)
    form = MinutesForm(
        data={"title": services.default_title(meeting), "body": services.default_body(meeting)}
    )
    fill_decisions(form, meeting)
    if form.validate_on_submit() and not form.preview.data:
        minutes = services.create_minutes(
            meeting, current_user, form.title.data, form.body.data or "", decision_values(form, meeting)
        )
        db.session.commit()
        flash(_("Bozza del verbale salvata."), "success")
        return _detail(minutes)
    return _form_page(form, meeting, None, False)


def _form_page(form, meeting, minutes, correction: bool):
    return render_template("minutes/form.html", form=form, meeting=meeting, minutes=minutes,
                           correction=correction, point_rows=rows_by_point(form, meeting))  # fmt: skip


@bp.route("/verbali/<int:minutes_id>/modifica", methods=["GET", "POST"])
@login_required
def edit(minutes_id: int):
    """Edit a draft or a verbale in review; a save from a stale revision is a conflict."""
    minutes = access.get_minutes_or_404(minutes_id, edit=True)
    form = MinutesForm(obj=minutes, base_revision=minutes.revision_number)
    fill_decisions(form, minutes.meeting)
    if form.validate_on_submit() and not form.preview.data:
        decisions = decision_values(form, minutes.meeting)
        try:
            with versioning.saving(minutes, _base(form)):
                services.edit_minutes(minutes, current_user, form.title.data, form.body.data or "", decisions)
                db.session.commit()
        except versioning.Conflict:
            return _conflict(minutes, form)
        flash(_("Verbale salvato (versione %(n)d).", n=minutes.revision_number), "success")
        return _detail(minutes)
    return _form_page(form, minutes.meeting, minutes, False)


@bp.route("/verbali/<int:minutes_id>/rettifica", methods=["GET", "POST"])
@login_required
def correct(minutes_id: int):
    """Chair or secretary correct an approved verbale, stating the reason."""
    minutes = access.get_minutes_or_404(minutes_id)
    if not access.can_correct(current_user, minutes):
        abort(403)
    form = CorrectionForm(obj=minutes, base_revision=minutes.revision_number)
    fill_decisions(form, minutes.meeting)
    if form.validate_on_submit() and not form.preview.data:
        decisions = decision_values(form, minutes.meeting)
        try:
            with versioning.saving(minutes, _base(form)):
                services.correct(
                    minutes, current_user, form.title.data, form.body.data or "", form.reason.data, decisions
                )
                db.session.commit()
        except versioning.Conflict:
            return _conflict(minutes, form)
        flash(_("Rettifica salvata."), "success")
        return _detail(minutes)
    return _form_page(form, minutes.meeting, minutes, True)


@bp.route("/verbali/<int:minutes_id>/revisione", methods=["POST"])
@login_required
def send_to_review(minutes_id: int):
    """Send a draft to those who were present."""
    minutes = access.get_minutes_or_404(minutes_id, edit=True)
    if EmptyForm().validate_on_submit():
        services.send_to_review(minutes)
        db.session.commit()
        flash(_("Verbale inviato in revisione ai presenti."), "success")
    return _detail(minutes)


@bp.route("/verbali/<int:minutes_id>/commenti", methods=["POST"])
@login_required
def comment(minutes_id: int):
    """Those present comment on, or approve, a verbale in review."""
    minutes = access.get_minutes_or_404(minutes_id)
    if not access.can_review(current_user, minutes):
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        if not form.approve.data and not (form.body.data or "").strip():
            flash(_("Scrivi un commento, oppure approva il testo."), "warning")
        else:
            services.add_comment(minutes, current_user, form.body.data or "", bool(form.approve.data))
            db.session.commit()
            flash(_("Grazie: la tua risposta è registrata."), "success")
    return _detail(minutes)


@bp.route("/verbali/<int:minutes_id>/approva", methods=["POST"])
@login_required
def approve(minutes_id: int):
    """The chair or secretary approve and publish; the verbale is then locked."""
    minutes = access.get_minutes_or_404(minutes_id)
    if not access.can_approve(current_user, minutes):
        if minutes.status == MinutesStatus.APPROVED:
            raise Locked
        abort(403)
    form = ApproveForm()
    if not form.validate_on_submit():
        flash(_("Scegli come è stato approvato e chi può leggerlo."), "warning")
        return _detail(minutes)
    try:
        services.approve(minutes, current_user, form.visibility.data, form.method.data, form.session_on.data)
    except services.ApprovalRefused as error:
        flash(APPROVAL_ERRORS[str(error)], "warning")
        return _detail(minutes)
    db.session.commit()
    flash(_("Verbale n. %(n)s approvato: il PDF/A è pronto.", n=minutes.label), "success")
    return _detail(minutes)


APPROVAL_ERRORS = {
    "not_held": _l("L'incontro non si è ancora svolto: il verbale si approva dopo la seduta."),
    "session_future": _l("La data della seduta non può essere nel futuro."),
    "no_review": _l(
        "Nessuna persona presente ha ancora approvato il testo: attendi la revisione, "
        "oppure indica la seduta in cui il verbale è stato approvato."
    ),
    "session_on": _l("Scrivi la data della seduta: non può venire prima dell'incontro del verbale."),
}


@bp.route("/verbali/<int:minutes_id>/elimina", methods=["POST"])
@login_required
def delete(minutes_id: int):
    """Move a verbale to the trash."""
    minutes = access.get_minutes_or_404(minutes_id)
    if not access.can_delete(current_user, minutes):
        abort(403)
    if EmptyForm().validate_on_submit():
        services.trash(minutes)
        db.session.commit()
        flash(_("Verbale spostato nel cestino."), "success")
    return redirect(url_for("minutes.trash", slug=minutes.group.slug))


@bp.route("/verbali/<int:minutes_id>/recupera", methods=["POST"])
@login_required
def undelete(minutes_id: int):
    """Take a verbale out of the trash."""
    minutes = access.get_minutes_or_404(minutes_id, trashed=True)
    if EmptyForm().validate_on_submit():
        services.restore(minutes)
        db.session.commit()
        flash(_("Verbale ripristinato."), "success")
    return _detail(minutes)


@bp.route("/verbali/<int:minutes_id>/versioni/<int:number>/ripristina", methods=["POST"])
@login_required
def restore_revision(minutes_id: int, number: int):
    """Restore an old revision as a new one."""
    minutes = access.get_minutes_or_404(minutes_id, edit=True)
    revision = next((r for r in minutes.revisions if r.number == number), None) or abort(404)
    if EmptyForm().validate_on_submit() and request.method == "POST":
        services.restore_revision(minutes, revision, current_user)
        db.session.commit()
        flash(_("Versione %(n)d ripristinata.", n=number), "success")
    return _detail(minutes)
