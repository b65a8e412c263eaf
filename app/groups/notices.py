"""Working groups: the convocazione of a meeting (.ics METHOD:REQUEST, then an update or a
CANCEL with the same UID as the member's personal feed), an action item's owner notice and the weekly digest of open actions."""

from datetime import datetime

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.common.timeutil import ROME, utcnow
from app.groups.models import CLOSED_STATUSES, ActionItem, Meeting
from app.messages import preferences, scheduled
from app.messages.kinds import Attachment, Gone, Kind, register
from app.messages.models import MessagePreference
from app.messages.services import enqueue, enqueue_many
from app.platform.extensions import db


def meeting_uid(meeting_id: int) -> str:
    """The same UID as in the member's personal feed (app/agenda/personal.py)."""
    return f"incontro-{meeting_id}@legami"


def members(group, choice: str) -> list[User]:
    """The group's active members who want this kind of notice."""
    users = (m.user for m in group.memberships if m.user is not None and m.user.is_active)
    return sorted((u for u in users if preferences.wants(u, choice)), key=lambda u: u.id)


def _meeting(data: dict) -> dict:
    meeting = db.session.get(Meeting, data["meeting_id"])
    if meeting is None:
        raise Gone(_("L'incontro non esiste più."))
    user = db.session.get(User, data["user_id"]) if data.get("user_id") else None
    return {"meeting": meeting, "group": meeting.group, "user": user}


def _invitation_ics(ctx: dict) -> list[Attachment]:
    meeting, method = ctx["meeting"], ctx["method"]
    calendar = Calendar()
    calendar.add("prodid", "-//Legami//Welfare di comunita//IT")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", meeting_uid(meeting.id))
    event.add("sequence", ctx["sequence"])
    event.add("dtstamp", utcnow())
    event.add("dtstart", datetime.combine(meeting.held_on, meeting.start_time, ROME))
    event.add("dtend", datetime.combine(meeting.held_on, meeting.end_time, ROME))
    event.add("summary", _("Incontro: %(group)s", group=meeting.group.name))
    event.add("location", meeting.venue)
    event.add("description", meeting.agenda)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{current_app.config['MAIL_FROM']}")
    organizer.params["cn"] = vText(meeting.group.name)
    event.add("organizer", organizer)
    if ctx.get("user") is not None:
        attendee = vCalAddress(f"mailto:{ctx['user'].email}")
        attendee.params["cn"] = vText(ctx["user"].full_name)
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    name = "annullamento.ics" if method == "CANCEL" else "invito.ics"
    return [Attachment(name, calendar.to_ical(), params={"method": method})]


def group_reason(ctx: dict) -> str:
    return _(
        "Ricevi questo messaggio perché fai parte del gruppo «%(group)s» su Legami.", group=ctx["group"].name
    )


def _meeting_subject(ctx: dict) -> str:
    meeting = ctx["meeting"]
    when = format_date(meeting.held_on, "d MMMM")
    if ctx["method"] == "CANCEL":
        return _("Annullato l'incontro del %(when)s: %(group)s", when=when, group=meeting.group.name)
    if ctx.get("update"):
        return _("Incontro modificato, %(when)s: %(group)s", when=when, group=meeting.group.name)
    return _("Convocazione, %(when)s: %(group)s", when=when, group=meeting.group.name)


register(
    Kind("meeting_invitation", _meeting_subject, group_reason, load=_meeting, attachments=_invitation_ics)
)


def _convene(meeting: Meeting, method: str, label: str, update: bool = False) -> None:
    if meeting.held_on < datetime.now(ROME).date():
        return  # a meeting already held (recorded afterwards, or its details corrected): no convocazione
    sequence = meeting.sequence or 0  # the personal feed's SEQUENCE for the same UID
    for user in members(meeting.group, "meetings"):
        enqueue(
            "meeting_invitation", user.email,
            {"meeting_id": meeting.id, "user_id": user.id, "method": method, "sequence": sequence, "update": update},
            key=f"meeting:{meeting.id}:{user.id}:{label}:{sequence}", name=user.full_name, user=user,
        )  # fmt: skip


def meeting_scheduled(meeting: Meeting) -> None:
    """The convocazione to every member, with an .ics invitation (METHOD:REQUEST)."""
    _convene(meeting, "REQUEST", "invite")


def meeting_changed(meeting: Meeting) -> None:
    """Date, time, place or agenda changed: the same UID, a higher SEQUENCE."""
    _convene(meeting, "REQUEST", "update", update=True)


def meeting_cancelled(meeting: Meeting) -> None:
    _convene(meeting, "CANCEL", "cancel")


# --- action items ------------------------------------------------------------------------


def _action(data: dict) -> dict:
    item = db.session.get(ActionItem, data["action_id"])
    if item is None or item.owner is None:
        raise Gone(_("L'azione non esiste più."))
    return {"item": item, "group": item.group, "user": item.owner}


register(
    Kind(
        "action_assigned",
        lambda ctx: _("Ti è stata affidata un'azione: %(group)s", group=ctx["group"].name),
        group_reason,
        load=_action,
    )
)


def action_assigned(item: ActionItem) -> None:
    if item.owner_id is None:
        return
    owner = db.session.get(User, item.owner_id)
    if owner is None or not owner.is_active or not preferences.wants(owner, "actions"):
        return
    enqueue(
        "action_assigned", owner.email, {"action_id": item.id},
        key=f"action:{item.id}:{owner.id}:assigned", name=owner.full_name, user=owner,
    )  # fmt: skip


def _digest(data: dict) -> dict:
    user = db.session.get(User, data["user_id"])
    if user is None or not user.is_active:
        raise Gone(_("L'account non esiste più o è disattivato."))
    items = db.session.scalars(
        select(ActionItem)
        .options(joinedload(ActionItem.group))
        .where(ActionItem.owner_id == user.id, ActionItem.status.not_in(list(CLOSED_STATUSES)))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    ).all()
    today = datetime.now(ROME).date()
    return {
        "user": user,
        "overdue": [i for i in items if i.due_on and i.due_on < today],
        "open_items": [i for i in items if not (i.due_on and i.due_on < today)],
    }


def _digest_unsubscribe(ctx: dict) -> str:
    return preferences.unsubscribe_link(ctx["user"], "actions_digest")


register(
    Kind(
        "actions_digest",
        lambda ctx: _("Le tue azioni aperte: %(n)d", n=len(ctx["overdue"]) + len(ctx["open_items"])),
        lambda ctx: _(
            "Ricevi questo riepilogo settimanale perché hai azioni aperte nei gruppi di lavoro di Legami."
        ),
        load=_digest,
        unsubscribe=_digest_unsubscribe,
    )
)


@scheduled.job
def weekly_actions_digest(now: datetime) -> int:
    """On Monday morning (Rome), each person with open actions gets one digest for the week."""
    local = now.astimezone(ROME)
    if local.weekday() != 0 or local.hour < 7:
        return 0
    week = local.strftime("%G-W%V")
    owners = db.session.execute(
        select(User.id, User.email, User.full_name)
        .outerjoin(MessagePreference, MessagePreference.user_id == User.id)
        .where(
            User.is_active,
            or_(MessagePreference.actions_digest.is_(None), MessagePreference.actions_digest != "never"),
            User.id.in_(select(ActionItem.owner_id).where(ActionItem.status.not_in(list(CLOSED_STATUSES)))),
        )
        .order_by(User.id)
    ).all()
    rows = [
        {"to": email, "data": {"user_id": uid}, "key": f"digest:{uid}:{week}", "name": name, "user_id": uid}
        for uid, email, name in owners
    ]  # fmt: skip
    return enqueue_many("actions_digest", rows)
