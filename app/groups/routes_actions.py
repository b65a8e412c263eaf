"""Action items, "my action items", and attendance exports."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.audit.exports import download, to_csv, to_xlsx
from app.common.timeutil import today_in_rome
from app.groups import access, actions, bp, rsvp, services
from app.groups.forms import (
    ActionCommentForm,
    ActionForm,
    ActionStatusForm,
    AttendanceForm,
    ExportForm,
    GuestForm,
)
from app.groups.models import GroupMembership, GroupRole, Meeting, WorkingGroup
from app.groups.routes_meetings import _meeting_page
from app.platform.extensions import db

ACTION_ERRORS = {
    "owner": ("owner", "Il responsabile deve essere un membro del gruppo o un ospite dell'incontro."),
    "due_on": ("due_on", "La scadenza non può venire prima dell'incontro."),
}


@bp.route("/incontri/<int:meeting_id>/azioni", methods=["POST"])
@login_required
def action_create(meeting_id: int):
    """Open an action item at a meeting."""
    meeting = access.get_meeting_or_404(meeting_id, edit=True)
    form = ActionForm(prefix="action")
    form.owner.choices = actions.owner_choices(meeting.group, meeting)
    if form.validate_on_submit():
        try:
            actions.create_action(
                meeting, form.description.data, form.owner.data or "", form.due_on.data, by=current_user
            )
        except services.RuleError as error:
            field, message = ACTION_ERRORS[str(error)]
            getattr(form, field).errors.append(_(message))
        else:
            db.session.commit()
            flash(_("Azione aggiunta."), "success")
            return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    return _meeting_page(
        meeting, AttendanceForm(formdata=None), GuestForm(formdata=None, prefix="guest"), form, 400
    )


@bp.route("/azioni/<int:action_id>", methods=["POST"])
@login_required
def action_status(action_id: int):
    """Change an item's status; closing it records the meeting where it closed."""
    item = access.get_action_or_404(action_id)
    form = ActionStatusForm()
    if form.validate_on_submit():
        meeting = None
        if (form.meeting_id.data or "").isdigit():
            meeting = db.session.get(Meeting, int(form.meeting_id.data))
            if meeting is None or meeting.group_id != item.group_id:
                abort(404)
            if access.meeting_is_locked(meeting):
                raise access.Locked
        actions.set_status(item, form.status.data, meeting)
        db.session.commit()
        flash(_("Stato dell'azione aggiornato."), "success")
        if meeting is not None:
            return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    if request.form.get("back") == "mine":
        return redirect(url_for("groups.my_actions"))
    return redirect(url_for("groups.detail", slug=item.group.slug))


@bp.route("/azioni/<int:action_id>/commenti", methods=["POST"])
@login_required
def action_comment(action_id: int):
    """The owner, or any member of the group, comments on an action item."""
    item = access.get_action_or_404(action_id)
    form = ActionCommentForm()
    if form.validate_on_submit():
        actions.add_comment(item, current_user, form.body.data)
        db.session.commit()
        flash(_("Commento aggiunto."), "success")
    else:
        flash(_("Scrivi il commento (al massimo 2000 caratteri)."), "warning")
    return redirect(url_for("groups.my_actions"))


@bp.route("/le-mie-azioni")
@login_required
def my_actions():
    """Open action items assigned to you and those you created, across groups, overdue first;
    your next meetings with what you answered."""
    today = today_in_rome()
    assigned, created = actions.my_actions(current_user, today)
    return render_template(
        "groups/my_actions.html", assigned=assigned, created=created, today=today,
        upcoming=rsvp.upcoming_for(current_user.id, today),
        status_form=ActionStatusForm(formdata=None), comment_form=ActionCommentForm(formdata=None),
    )  # fmt: skip


def _exportable_groups() -> list[WorkingGroup]:
    query = select(WorkingGroup).order_by(WorkingGroup.name)
    if not current_user.is_coordinator:
        query = (
            query.join(GroupMembership)
            .where(
                GroupMembership.user_id == current_user.id,
                GroupMembership.role.in_([GroupRole.CHAIR, GroupRole.SECRETARY]),
                GroupMembership.end_on.is_(None) | (GroupMembership.end_on >= today_in_rome()),
            )
            .distinct()
        )
    return list(db.session.scalars(query))


@bp.route("/gruppi/esporta-presenze", methods=["GET", "POST"])
@login_required
def export():
    """Attendance for a date range as XLSX or CSV; every export goes to the audit log."""
    groups = _exportable_groups()
    if not groups:
        abort(403)
    form = ExportForm()
    form.group_id.choices = ([(0, _("Tutti i gruppi"))] if current_user.is_coordinator else []) + [
        (g.id, g.name) for g in groups
    ]
    if form.validate_on_submit():
        chosen = (
            [g for g in groups if form.group_id.data in (0, g.id)]
            if current_user.is_coordinator
            else [g for g in groups if g.id == form.group_id.data]
        )
        if not chosen:
            abort(403)
        rows, totals = actions.attendance_rows(chosen, form.start.data, form.end.data)
        subject = (
            f"{', '.join(g.name for g in chosen)} {form.start.data}/{form.end.data} {form.file_format.data}"
        )
        name = f"presenze-{form.start.data}-{form.end.data}"
        if form.file_format.data == "csv":
            table = [*rows, [], [_("Totali per persona")], actions.TOTALS_HEADER, *totals]
            data, name = to_csv(actions.EXPORT_HEADER, table), name + ".csv"
        else:
            sheets = [("Presenze", actions.EXPORT_HEADER, rows), ("Totali", actions.TOTALS_HEADER, totals)]
            data, name = to_xlsx(sheets), name + ".xlsx"
        return download(data, name, "groups.attendance_export", subject, len(rows))
    return render_template("groups/export.html", form=form), 400 if form.errors else 200
