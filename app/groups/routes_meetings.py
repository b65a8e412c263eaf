"""Meetings: schedule, edit, cancel, the next one in one step; attendance and guests."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.common.forms import EmptyForm
from app.groups import access, actions, attendance, bp, notices, services
from app.groups.forms import ActionForm, ActionStatusForm, AttendanceForm, GuestForm, MeetingForm
from app.minutes import attachments as minutes_attachments
from app.minutes import services as minutes_services
from app.minutes.forms import AttachmentForm
from app.platform import versioning
from app.platform.extensions import db


def _save_meeting(group, form, meeting=None):
    fields = (form.held_on.data, form.start_time.data, form.end_time.data, form.venue.data, form.agenda.data)
    if meeting is None:
        return services.schedule_meeting(group, *fields)
    services.update_meeting(meeting, *fields)
    return meeting


@bp.route("/gruppi/<slug>/incontri/nuovo", methods=["GET", "POST"])
@login_required
def meeting_create(slug: str):
    """A member schedules a meeting."""
    group = access.get_group_or_404(slug)
    if not access.can_work_in(current_user, group):
        abort(403)
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = _save_meeting(group, form)
        db.session.commit()
        flash(_("Incontro in calendario."), "success")
        return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    return render_template("groups/meeting_form.html", form=form, group=group, meeting=None)


@bp.route("/incontri/<int:meeting_id>/prossimo", methods=["GET", "POST"])
@login_required
def meeting_next(meeting_id: int):
    """Schedule the next meeting, prefilled with this one's venue and times."""
    previous = access.get_meeting_or_404(meeting_id, work=True)
    form = MeetingForm(data=services.next_meeting_defaults(previous))
    if form.validate_on_submit():
        meeting = _save_meeting(previous.group, form)
        db.session.commit()
        flash(_("Prossimo incontro in calendario."), "success")
        return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    return render_template("groups/meeting_form.html", form=form, group=previous.group, meeting=None)


@bp.route("/incontri/<int:meeting_id>/modifica", methods=["GET", "POST"])
@login_required
def meeting_edit(meeting_id: int):
    """Change date, times, venue or agenda."""
    meeting = access.get_meeting_or_404(meeting_id, edit=True)
    form, conflict = MeetingForm(obj=meeting), None
    if form.validate_on_submit():
        try:
            with versioning.saving(meeting, form.opened_at()):
                _save_meeting(meeting.group, form, meeting)
                db.session.commit()
                flash(_("Incontro aggiornato."), "success")
                return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
        except versioning.Conflict:
            conflict = versioning.conflict(form, MeetingForm(formdata=None, obj=meeting), meeting)
    page = render_template(
        "groups/meeting_form.html", form=form, group=meeting.group, meeting=meeting, conflict=conflict
    )
    return page, 409 if conflict is not None else 200


@bp.route("/incontri/<int:meeting_id>/annulla", methods=["POST"])
@login_required
def meeting_cancel(meeting_id: int):
    """Cancel a meeting: it stays, marked cancelled."""
    meeting = access.get_meeting_or_404(meeting_id, edit=True)
    if EmptyForm().validate_on_submit():
        was_cancelled = meeting.is_cancelled
        meeting.is_cancelled = True
        services.touch(meeting)
        if not was_cancelled:
            notices.meeting_cancelled(meeting)
        db.session.commit()
        flash(_("Incontro annullato."), "success")
    return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))


@bp.route("/incontri/<int:meeting_id>")
@login_required
def meeting_detail(meeting_id: int):
    """A meeting with its attendance, quorum, action items and verbale."""
    meeting = access.get_meeting_or_404(meeting_id)
    return _meeting_page(meeting, AttendanceForm(formdata=None), GuestForm(formdata=None, prefix="guest"),
                         ActionForm(formdata=None, prefix="action"))  # fmt: skip


def _meeting_page(meeting, attendance_form, guest_form, action_form, status=200, pairs=None):
    action_form.owner.choices = actions.owner_choices(meeting.group, meeting)
    opened, closed = services.meeting_actions(meeting)
    minutes = minutes_services.minutes_of(meeting)
    locked, can_work = access.meeting_is_locked(meeting), access.can_work_in(current_user, meeting.group)
    return render_template(
        "groups/meeting.html", meeting=meeting, group=meeting.group, quorum=attendance.quorum(meeting),
        attendance_rows=pairs if pairs is not None else attendance.form_pairs(meeting, attendance_form),
        attendance_form=attendance_form, attendance_invalid=pairs is not None,
        guest_form=guest_form, action_form=action_form, opened=opened, closed=closed, minutes=minutes,
        pending=services.pending_actions(meeting), locked=locked, can_work=can_work,
        editable=can_work and not locked,
        status_form=ActionStatusForm(formdata=None), button=EmptyForm(),
        can_export=access.can_export(current_user, meeting.group),
        attachments=[] if minutes else minutes_attachments.of_meeting(meeting),
        attachment_form=AttachmentForm(formdata=None),
    ), status  # fmt: skip


@bp.route("/incontri/<int:meeting_id>/presenze", methods=["POST"])
@login_required
def attendance_save(meeting_id: int):
    """Mark everyone present, absent or excused, with late arrival or early leave; checked first."""
    meeting = access.get_meeting_or_404(meeting_id, edit=True)
    form = AttendanceForm()
    pairs = attendance.form_pairs(meeting, form, posted=True)
    valid = form.validate_on_submit()
    values = attendance.checked_values(meeting, pairs)
    if valid and values is not None:
        attendance.save(meeting, values)
        db.session.commit()
        flash(_("Presenze salvate."), "success")
        return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    guest_form, action_form = (
        GuestForm(formdata=None, prefix="guest"),
        ActionForm(formdata=None, prefix="action"),
    )
    return _meeting_page(meeting, form, guest_form, action_form, 400, pairs)


@bp.route("/incontri/<int:meeting_id>/ospiti", methods=["POST"])
@login_required
def guest_add(meeting_id: int):
    """Add a guest without an account, by name and organisation."""
    meeting = access.get_meeting_or_404(meeting_id, edit=True)
    form = GuestForm(prefix="guest")
    if form.validate_on_submit():
        attendance.add_guest(meeting, form.name.data, form.organisation.data, form.status.data)
        db.session.commit()
        flash(_("Ospite aggiunto."), "success")
        return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    return _meeting_page(
        meeting, AttendanceForm(formdata=None), form, ActionForm(formdata=None, prefix="action"), 400
    )


@bp.route("/incontri/<int:meeting_id>/foglio-firme")
@login_required
def sign_in_sheet(meeting_id: int):
    """A printable sign-in sheet with the expected people and a column to sign."""
    meeting = access.get_meeting_or_404(meeting_id)
    return render_template("groups/sign_in.html", meeting=meeting, people=attendance.sign_in_people(meeting))
