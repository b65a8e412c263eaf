"""Answers to a convocazione from the e-mail's signed links (no login needed): the link shows
the meeting and a form to confirm the answer and add a note; only the POST records it."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.groups import access, bp, rsvp
from app.groups.forms import RsvpForm
from app.platform.extensions import db


def _page(meeting, membership, token, form, status=200):
    closed = rsvp.closed_reason(meeting)
    return render_template(
        "groups/rsvp.html", meeting=meeting, group=meeting.group, person=membership.display_name,
        response=rsvp.response_of(meeting, membership.user_id), closed=closed, form=form, token=token,
    ), status  # fmt: skip


@bp.route("/rispondi/<token>/<choice>")
def rsvp_link(token: str, choice: str):
    """The link of the e-mail (sì, no, forse): the answer chosen, not yet recorded."""
    meeting, membership = access.get_meeting_by_rsvp_token_or_404(token)
    answer = rsvp.CHOICES.get(choice)
    current = rsvp.response_of(meeting, membership.user_id)
    data = {"answer": answer.value if answer else None, "note": current.note if current else ""}
    return _page(meeting, membership, token, RsvpForm(formdata=None, data=data))


@bp.route("/rispondi/<token>", methods=["GET", "POST"])
def rsvp_confirm(token: str):
    """Confirm (or change) the answer, with an optional note."""
    meeting, membership = access.get_meeting_by_rsvp_token_or_404(token)
    if request.method == "GET":
        current = rsvp.response_of(meeting, membership.user_id)
        data = {"answer": current.answer, "note": current.note} if current else None
        return _page(meeting, membership, token, RsvpForm(formdata=None, data=data))
    form = RsvpForm()
    closed = rsvp.closed_reason(meeting)
    if closed:
        return _page(meeting, membership, token, form, 409)
    if not form.validate():
        return _page(meeting, membership, token, form, 400)
    saved = rsvp.answer(meeting, membership.user_id, form.answer.data, form.note.data)
    db.session.commit()
    flash(_("Grazie: la tua risposta è registrata (%(answer)s).", answer=saved.answer_label), "success")
    return redirect(url_for("groups.rsvp_confirm", token=token))
