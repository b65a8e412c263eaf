"""Meetings: schedule, edit, cancel, the next one in one step; attendance and guests."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.common.forms import EmptyForm
from app.common.timeutil import today_in_rome
from app.groups import access, actions, attendance, bp, notices, points, rsvp, services
from app.groups.forms import ActionForm, ActionStatusForm, AttendanceForm, GuestForm, MeetingForm, RsvpForm
from app.minutes import attachments as minutes_attachments
from app.minutes import services as minutes_services
from app.minutes.forms import AttachmentForm
from app.platform import versioning
from app.platform.extensions import db


def _save_meeting(group, form, meeting=None):
    fields = (
        form.held_on.data,
        form.start_time.data,
        form.end_time.data,
        form.venue.data,
        form.point_values(),
    )
    if meeting is None:
        return services.schedule_meeting(group, *fields)
    services.update_meeting(meeting, *fields)
    return meeting


@bp.route("/gruppi/<slug>/incontri/nuovo", methods=["GET", "POST"])
@login_required
def meeting_create(slug: str):
    """A member schedules a meeting with its ordine del giorno."""
    group = access.get_group_or_404(slug)
    if not access.can_work_in(current_user, group):
        abort(403)
    form = MeetingForm()
    if _saving(form):
        meeting = _save_meeting(group, form)
        db.session.commit()
        flash(_("Incontro in calendario."), "success")
        return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    return _form_page(form, group, None)


def _saving(form) -> bool:
    """A valid post of «Salva»; «Aggiungi un punto» only shows one more empty row."""
    if form.is_submitted() and form.add_point.data:
        form.validate()
        form.with_blank_rows(1)
        return False
    valid = form.validate_on_submit()
    if not form.is_submitted():
        form.with_blank_rows()
    return valid


def _form_page(form, group, meeting, conflict=None):
    presenters = sorted({m.display_name for m in group.roster(today_in_rome())}, key=str.lower)
    status = 409 if conflict is not None else 200
    page = render_template("groups/meeting_form.html", form=form, group=group, meeting=meeting,
                           conflict=conflict, presenters=presenters)  # fmt: skip
    return page, status


@bp.route("/incontri/<int:meeting_id>/prossimo", methods=["GET", "POST"])
@login_required
def meeting_next(meeting_id: int):
    """Schedule the next meeting, prefilled with this one's venue and times."""
    previous = access.get_meeting_or_404(meeting_id, work=True)
    form = MeetingForm(data=services.next_meeting_defaults(previous))
    if _saving(form):
        meeting = _save_meeting(previous.group, form)
        db.session.commit()
        flash(_("Prossimo incontro in calendario."), "success")
        return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    return _form_page(form, previous.group, None)


@bp.route("/incontri/<int:meeting_id>/modifica", methods=["GET", "POST"])
@login_required
def meeting_edit(meeting_id: int):
    """Change date, times, venue or the points of the ordine del giorno."""
    meeting = access.get_meeting_or_404(meeting_id, edit=True)
    form, conflict = MeetingForm(obj=meeting), None
    if _saving(form):
        try:
            with versioning.saving(meeting, form.opened_at()):
                _save_meeting(meeting.group, form, meeting)
                db.session.commit()
                flash(_("Incontro aggiornato."), "success")
                return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
        except versioning.Conflict:
            conflict = versioning.conflict(form, MeetingForm(formdata=None, obj=meeting), meeting)
    return _form_page(form, meeting.group, meeting, conflict)


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


def _rsvp_context(meeting, can_work: bool, rsvp_form=None) -> dict:
    """The person's own answer and form (on the roster), and for those who work in the group
    the answers of everyone: names, the foreseen quorum, each answer beside its attendance row."""
    found = rsvp.responses(meeting)
    mine = rsvp.membership_of(meeting, current_user.id)
    response = found.get(current_user.id) if mine else None
    if mine is not None and rsvp_form is None:
        data = {"answer": response.answer, "note": response.note} if response else None
        rsvp_form = RsvpForm(formdata=None, data=data, prefix="rsvp")
    return {
        "rsvp_closed": rsvp.closed_reason(meeting), "rsvp_mine": mine, "rsvp_response": response,
        "rsvp_form": rsvp_form, "rsvp_summary": rsvp.summary(meeting, found) if can_work else None,
        "row_answers": rsvp.answers_by_row(meeting, found) if can_work else {},
    }  # fmt: skip


def _meeting_page(meeting, attendance_form, guest_form, action_form, status=200, pairs=None, rsvp_form=None):
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
        can_export=access.can_export(current_user, meeting.group), carried=points.carried_days(meeting),
        can_carry=points.can_carry(meeting),
        attachments=[] if minutes else minutes_attachments.of_meeting(meeting),
        point_files=minutes_attachments.of_points(meeting),
        attachment_form=AttachmentForm(formdata=None), **_rsvp_context(meeting, can_work, rsvp_form),
    ), status  # fmt: skip


@bp.route("/incontri/<int:meeting_id>/risposta", methods=["POST"])
@login_required
def rsvp_answer(meeting_id: int):
    """A member on the meeting's roster says whether they will come (sì, no, forse), with a note."""
    meeting, membership = access.get_meeting_to_answer_or_404(meeting_id)
    closed = rsvp.closed_reason(meeting)
    if closed:
        flash(closed, "danger")
        return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    form = RsvpForm(prefix="rsvp")
    if form.validate_on_submit():
        saved = rsvp.answer(meeting, membership.user_id, form.answer.data, form.note.data)
        db.session.commit()
        flash(_("La tua risposta è registrata: %(answer)s.", answer=saved.answer_label), "success")
        return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    return _meeting_page(
        meeting, AttendanceForm(formdata=None), GuestForm(formdata=None, prefix="guest"),
        ActionForm(formdata=None, prefix="action"), 400, rsvp_form=form,
    )  # fmt: skip


@bp.route("/incontri/<int:meeting_id>/sollecito", methods=["POST"])
@login_required
def rsvp_remind(meeting_id: int):
    """Remind, by e-mail, the members who have not answered: at most once a day per meeting."""
    meeting = access.get_meeting_or_404(meeting_id, edit=True)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
    closed, waiting = rsvp.closed_reason(meeting), rsvp.unanswered_users(meeting)
    asked = notices.rsvp_reminder(meeting) if not closed and waiting else None
    if closed:
        flash(closed, "danger")
    elif not waiting:
        flash(_("Non c'è nessuno da sollecitare: chi ha un account ha già risposto."), "info")
    elif asked is None:
        flash(
            _("Il sollecito per questo incontro è già partito oggi: potrai inviarlo di nuovo domani."),
            "warning",
        )
    elif asked == 0:
        flash(
            _("Nessun sollecito inviato: chi non ha risposto non riceve gli avvisi degli incontri."), "info"
        )
    else:
        db.session.commit()
        flash(
            ngettext("Sollecito inviato a %(num)d persona.", "Sollecito inviato a %(num)d persone.", asked),
            "success",
        )
    return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))


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


CARRY_ERRORS = {
    "decided": _l("Su questo punto c'è già una decisione: non si riporta."),
    "no_next": _l("Non c'è ancora un prossimo incontro: programmalo, poi riporta il punto."),
    "already": _l("Il punto è già stato riportato."),
    "not_held": _l("L'incontro non si è ancora tenuto: un punto si riporta dopo la seduta."),
}


@bp.route("/punti/<int:point_id>/riporta", methods=["POST"])
@login_required
def point_carry(point_id: int):
    """«Riporta al prossimo incontro»: an open point goes onto the group's next meeting, whose
    members get the updated convocazione. Allowed after approval too: it changes the next meeting only."""
    point = access.get_point_or_404(point_id)
    meeting = point.meeting
    if not access.can_work_in(current_user, meeting.group):
        abort(403)
    if EmptyForm().validate_on_submit():
        following = services.next_meeting(meeting.group, meeting.held_on, after=meeting)
        if following is not None and access.meeting_is_locked(following):
            following = None
        try:
            points.carry_over(point, following)
        except points.CarryRefused as error:
            flash(CARRY_ERRORS[str(error)], "warning")
            return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))
        services.touch(following)
        notices.meeting_changed(following)
        db.session.commit()
        flash(
            _("Punto riportato all'incontro del %(day)s.", day=format_date(following.held_on, "d MMMM")),
            "success",
        )
    return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id))


@bp.route("/incontri/<int:meeting_id>/foglio-firme")
@login_required
def sign_in_sheet(meeting_id: int):
    """A printable sign-in sheet with the expected people and a column to sign."""
    meeting = access.get_meeting_or_404(meeting_id)
    return render_template("groups/sign_in.html", meeting=meeting, people=attendance.sign_in_people(meeting))
