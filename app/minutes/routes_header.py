"""A rettifica of an approved verbale's header: place, hours and attendance of its meeting."""

from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.groups import attendance
from app.minutes import access, bp, services
from app.minutes.forms import HeaderCorrectionForm
from app.platform import versioning
from app.platform.extensions import db


@bp.route("/verbali/<int:minutes_id>/rettifica/presenze", methods=["GET", "POST"])
@login_required
def correct_header(minutes_id: int):
    """Chair or secretary correct the place, the hours or who was there, stating the reason."""
    minutes = access.get_minutes_or_404(minutes_id)
    if not access.can_correct(current_user, minutes):
        abort(403)
    meeting = minutes.meeting
    form = HeaderCorrectionForm(obj=meeting, base_version=len(minutes.versions))
    posted = form.is_submitted()
    pairs = attendance.form_pairs(meeting, form, posted=posted)
    if posted:
        valid = form.validate()
        hours = SimpleNamespace(start_time=form.start_time.data, end_time=form.end_time.data)
        values = attendance.checked_values(hours, pairs) if valid else None
        if valid and values is not None:
            base = int(form.base_version.data) if (form.base_version.data or "").isdigit() else -1
            try:
                with versioning.saving(minutes, versioning.version_of(minutes)):
                    services.correct_header(
                        minutes, current_user, form.reason.data, form.venue.data,
                        form.start_time.data, form.end_time.data, values, base,
                    )  # fmt: skip
                    db.session.commit()
            except (services.StaleEdit, versioning.Conflict):
                db.session.rollback()
                flash(
                    _("Nel frattempo qualcuno ha salvato un'altra rettifica: controlla i dati e riprova."),
                    "warning",
                )
                return redirect(url_for("minutes.correct_header", minutes_id=minutes.id))
            flash(
                _("Rettifica salvata: il verbale n. %(n)s ha una nuova versione approvata.", n=minutes.label),
                "success",
            )
            return redirect(url_for("minutes.detail", slug=minutes.group.slug, minutes_id=minutes.id))
    status = 400 if posted else 200
    return render_template(
        "minutes/header_form.html", form=form, minutes=minutes, meeting=meeting, pairs=pairs
    ), status
