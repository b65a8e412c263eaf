"""Working groups: the convocazione of a meeting (.ics METHOD:REQUEST, then an update or a
CANCEL with the same UID as the member's personal feed) with the member's answer links (sì, no,
forse), the reminder to those who have not answered, an action item's owner notice and the
weekly digest of open actions."""

from datetime import datetime

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.calendar.ical import PRODID, LiteralText, rome_vtimezone
from app.common.timeutil import ROME, utcnow
from app.groups import rsvp
from app.groups.models import CLOSED_STATUSES, ActionItem, GroupRole, Meeting
from app.messages import headers, preferences, scheduled
from app.messages.kinds import Attachment, Gone, Kind, register
from app.messages.models import Message, MessagePreference
from app.messages.services import enqueue, enqueue_many
from app.minutes import attachments
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
    # Each point's allegati, as links the group's members open after signing in.
    ctx = {"meeting": meeting, "group": meeting.group, "user": user, "rsvp_token": None,
           "point_files": attachments.of_points(meeting)}  # fmt: skip
    # The member's answer links (sì, no, forse): while the meeting takes answers, for those on its roster.
    if (
        user is not None
        and data.get("method") != "CANCEL"
        and rsvp.closed_reason(meeting) is None
        and rsvp.membership_of(meeting, user.id) is not None
    ):
        ctx["rsvp_token"] = rsvp.token(meeting.id, user.id)
    return ctx


def organizer(group) -> User | None:
    """Who answers for a convocazione: the group's secretary today, else its chair (active accounts)."""
    today = datetime.now(ROME).date()
    for role in (GroupRole.SECRETARY, GroupRole.CHAIR):
        for link in sorted(group.memberships, key=lambda m: m.id):
            user = link.user
            if link.role == role and link.active_on(today) and user is not None and user.is_active:
                return user
    return None


def _invitation_ics(ctx: dict) -> list[Attachment]:
    """The invitation as a calendar: the alternative body Outlook, Apple Mail and Gmail act on
    (accept/decline), and the same .ics as a file. ORGANIZER is the secretary (a calendar's
    reply goes to a person), sent by the portal's address; times in Europe/Rome with its VTIMEZONE."""
    meeting, method = ctx["meeting"], ctx["method"]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(rome_vtimezone())
    event = Event()
    event.add("uid", meeting_uid(meeting.id))
    event.add("sequence", ctx["sequence"])
    event.add("dtstamp", utcnow())
    event.add("dtstart", datetime.combine(meeting.held_on, meeting.start_time, ROME))
    event.add("dtend", datetime.combine(meeting.held_on, meeting.end_time, ROME))
    event.add("summary", LiteralText(_("Incontro: %(group)s", group=meeting.group.name)))
    if meeting.venue:
        event.add("location", LiteralText(meeting.venue))
    if meeting.agenda_text:
        event.add("description", LiteralText(meeting.agenda_text))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    portal = f"mailto:{current_app.config['MAIL_FROM']}"
    person = organizer(meeting.group)
    if person is not None:
        organizing = vCalAddress(f"mailto:{person.email}")
        organizing.params["cn"] = vText(headers.display_name(person.full_name))
        organizing.params["sent-by"] = vText(portal)
    else:
        organizing = vCalAddress(portal)
        organizing.params["cn"] = vText(headers.display_name(meeting.group.name))
    event.add("organizer", organizing)
    if ctx.get("user") is not None:
        attendee = vCalAddress(f"mailto:{ctx['user'].email}")
        attendee.params["cn"] = vText(headers.display_name(ctx["user"].full_name))
        attendee.params["cutype"] = vText("INDIVIDUAL")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    ics = calendar.to_ical()
    name = "annullamento.ics" if method == "CANCEL" else "invito.ics"
    return [
        # multipart/alternative beside text and HTML: what makes a calendar invitation of it.
        Attachment("", ics, params={"method": method}, inline_alternative=True),
        # The same calendar as a file, for the clients that import one; application/ics (as
        # Google Calendar sends it) so that a client does not act on the invitation twice.
        Attachment(name, ics, maintype="application", subtype="ics"),
    ]


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


def _reminder_subject(ctx: dict) -> str:
    when = format_date(ctx["meeting"].held_on, "d MMMM")
    return _("Ci sarai? Incontro del %(when)s: %(group)s", when=when, group=ctx["group"].name)


register(Kind("meeting_rsvp_reminder", _reminder_subject, group_reason, load=_meeting))


def _reminder_key(meeting: Meeting, day) -> str:
    return f"meeting:{meeting.id}:rsvp-reminder:{day.isoformat()}:"


def rsvp_reminded_on(meeting: Meeting, day) -> bool:
    """Whether the reminder to answer went out for this meeting on that day (Rome)."""
    prefix = _reminder_key(meeting, day)
    found = select(Message.id).where(Message.kind == "meeting_rsvp_reminder", Message.key.startswith(prefix))
    return db.session.scalar(found.limit(1)) is not None


def rsvp_reminder(meeting: Meeting) -> int | None:
    """Ask the members on the roster who have not answered (and want meeting notices) to say
    whether they will come: at most once a day per meeting. The number asked, or None when
    it already went out today."""
    today = datetime.now(ROME).date()
    if rsvp_reminded_on(meeting, today):
        return None
    asked = 0
    for user in rsvp.unanswered_users(meeting):
        if not preferences.wants(user, "meetings"):
            continue
        queued = enqueue(
            "meeting_rsvp_reminder", user.email, {"meeting_id": meeting.id, "user_id": user.id},
            key=f"{_reminder_key(meeting, today)}{user.id}", name=user.full_name, user=user,
        )  # fmt: skip
        asked += queued is not None
    return asked


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
