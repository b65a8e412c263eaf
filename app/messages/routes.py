"""Posta inviata: administrators see every message, its state and error, and send it again."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.decorators import roles_required
from app.accounts.models import Role
from app.audit.services import record
from app.common.forms import EmptyForm
from app.messages import bp, services
from app.messages.models import STATE_LABELS, Message, MessageState
from app.messages.render import render
from app.platform.extensions import db

admin_only = roles_required(Role.ADMIN)


def get_message_or_404(message_id: int) -> Message:
    return db.get_or_404(Message, message_id)


@bp.route("/amministrazione/posta/")
@admin_only
def outbox():
    """Every message, newest first, filterable by state."""
    state = request.args.get("stato", "")
    query = select(Message).order_by(Message.id.desc())
    if state in set(MessageState):
        query = query.where(Message.state == state)
    else:
        state = ""
    page = db.paginate(query, per_page=50)
    return render_template("messages/outbox.html", page=page, state=state, states=STATE_LABELS)


@bp.route("/amministrazione/posta/<int:message_id>")
@admin_only
def message_detail(message_id: int):
    """One message: as sent, or a preview of what will be sent."""
    message = get_message_or_404(message_id)
    subject, body, problem = message.subject, message.body_text, ""
    if message.state != MessageState.SENT:
        try:
            _email, subject, body = render(message)
        except Exception as error:  # noqa: BLE001 - shown to the administrator
            problem = f"{error.__class__.__name__}: {error}"
    return render_template(
        "messages/detail.html", message=message, subject=subject, body=body, problem=problem, form=EmptyForm()
    )


@bp.route("/amministrazione/posta/<int:message_id>/invia", methods=["POST"])
@admin_only
def resend(message_id: int):
    """ "Invia di nuovo": the message goes back in the queue."""
    message = get_message_or_404(message_id)
    if EmptyForm().validate_on_submit():
        services.requeue(message)
        record(current_user, "message.resend", f"{message.kind} → {message.to_email}")
        db.session.commit()
        flash(_("Il messaggio è di nuovo in coda: partirà tra pochi istanti."), "success")
    return redirect(url_for("messages.message_detail", message_id=message.id))


@bp.app_template_filter("isodate")
def isodate(value: str):
    """A date kept as ISO text in a message's data, back to a date."""
    return date.fromisoformat(value) if value else None
