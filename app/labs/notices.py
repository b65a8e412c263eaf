"""Lab sign-ups: the request to confirm a sign-up made with an e-mail (at most one an hour per
address and lab), confirmation (with the withdraw link and an .ics), waiting list, promotion,
a session cancelled or moved, the reminder the day before, a second sign-up with the same e-mail.

Withdraw links are stored hashed on the registration; the link a message carries lives in that
message's data, and later messages reuse it (or issue a new one when none is known)."""

import hashlib
import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.agenda.services import session_feed_event
from app.calendar.ical import build_feed
from app.common.timeutil import ROME, utcnow
from app.labs import confirmation
from app.labs.models import UNCONFIRMED, Lab, LabSession, LabStatus, Registration, RegistrationStatus
from app.messages import scheduled
from app.messages.kinds import Attachment, Gone, Kind, register
from app.messages.models import Message
from app.messages.render import link
from app.messages.services import enqueue
from app.platform.extensions import db

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token(registration: Registration) -> str:
    """The withdraw link's secret: the one already mailed, or a new one (the old link then stops)."""
    earlier = db.session.scalars(
        select(Message.data).where(Message.key.like(f"lab:{registration.id}:%")).order_by(Message.id.desc())
    )
    for data in earlier:
        token = (data or {}).get("token", "")
        if token and _hash(token) == registration.withdraw_token_hash:
            return token
    token = secrets.token_urlsafe(24)
    registration.withdraw_token_hash = _hash(token)
    db.session.flush()
    return token


def private_token(registration: Registration) -> str:
    """The secret of the registrant's private page (the one already mailed, when there is one)."""
    return _token(registration)


def _send(kind: str, registration: Registration, key: str, token: str | None = None, **data) -> None:
    if not registration.email:
        return  # signed up with a phone number only
    token = token or _token(registration)
    enqueue(
        kind, registration.email, {"registration_id": registration.id, "token": token, **data},
        key=f"lab:{registration.id}:{key}", name=registration.full_name,
    )  # fmt: skip


def _load(data: dict) -> dict:
    registration = db.session.get(Registration, data["registration_id"])
    if registration is None or registration.lab.deleted_at is not None:
        raise Gone(_("Il laboratorio o l'iscrizione non esistono più."))
    lab = registration.lab
    today = datetime.now(ROME).date()
    upcoming = [s for s in lab.sessions if s.start_on >= today]
    session = db.session.get(LabSession, data["session_id"]) if data.get("session_id") else None
    if data.get("session_id") and session is None:
        raise Gone(_("L'incontro non esiste più."))
    return {"registration": registration, "lab": lab, "sessions": upcoming, "session": session}


def _ics(ctx: dict) -> list[Attachment]:
    lab = ctx["lab"]
    url = link("labs.detail", slug=lab.slug)
    events = [session_feed_event(s, url) for s in ctx["sessions"]]
    if not events:
        return []
    body = build_feed(lab.title, events, datetime.now(ROME).date())
    return [Attachment("laboratorio.ics", body, params={"method": "PUBLISH"})]


def _reason(ctx: dict) -> str:
    return _(
        "Ricevi questo messaggio perché questo indirizzo è stato usato per iscriversi a «%(lab)s».",
        lab=ctx["lab"].title,
    )


def _kind(name: str, subject, attachments=lambda ctx: [], limited=False) -> None:
    register(
        Kind(name, subject=subject, reason=_reason, load=_load, attachments=attachments, limited=limited)
    )


def _signup_subject(ctx: dict) -> str:
    if ctx["registration"].status == RegistrationStatus.WAITING:
        return _("Sei in lista d'attesa: %(lab)s", lab=ctx["lab"].title)
    return _("Iscrizione confermata: %(lab)s", lab=ctx["lab"].title)


# A visitor signs up with any address: the request to confirm and the reminder of a sign-up that
# already exists count against the address's daily limit; what its owner confirmed does not.
_kind(
    "lab_signup_confirm", lambda ctx: _("Conferma l'iscrizione: %(lab)s", lab=ctx["lab"].title), limited=True
)
_kind("lab_signup", _signup_subject, _ics)
_kind("lab_signup_again", lambda ctx: _("La tua iscrizione a %(lab)s", lab=ctx["lab"].title), limited=True)
_kind("lab_promoted", lambda ctx: _("Si è liberato un posto: %(lab)s", lab=ctx["lab"].title), _ics)
_kind("lab_session_cancelled", lambda ctx: _("Incontro annullato: %(lab)s", lab=ctx["lab"].title))
_kind("lab_session_moved", lambda ctx: _("Incontro spostato: %(lab)s", lab=ctx["lab"].title), _ics)
_kind("lab_reminder", lambda ctx: _("Domani: %(lab)s", lab=ctx["lab"].title))


# --- what the lab code calls -------------------------------------------------------------


def hold_text() -> str:
    """How long a pending sign-up holds its place, in words: «2 ore», «90 minuti»."""
    minutes = int(current_app.config["LAB_SIGNUP_HOLD_MINUTES"])
    if minutes % 60 == 0:
        return ngettext("%(num)d ora", "%(num)d ore", minutes // 60)
    return ngettext("%(num)d minuto", "%(num)d minuti", minutes)


def ask_confirmation(registration: Registration, token: str | None = None) -> bool:
    """Mail the address's owner the link that confirms the sign-up; at most one such message an
    hour per address and lab (a stranger typing someone's address again sends nothing more)."""
    if not registration.email:
        return False
    recent = select(Message.id).where(
        Message.kind == "lab_signup_confirm",
        Message.to_email == registration.email,
        Message.key.like(f"lab:%:confirm:{registration.lab_id}:%"),
        Message.created_at > utcnow() - timedelta(hours=1),
    )
    if db.session.scalar(recent.limit(1)) is not None:
        return False
    _send(
        "lab_signup_confirm", registration, f"confirm:{registration.lab_id}:{secrets.token_hex(8)}",
        token=token, confirm=confirmation.token(registration), hold=hold_text(),
    )  # fmt: skip
    return True


def signed_up(registration: Registration, token: str | None = None) -> None:
    _send("lab_signup", registration, "signup", token=token)


def signed_up_again(lab: Lab, contact_key: str) -> bool:
    """The address is already registered: mail its owner their link. False where there is no
    address (phone-only sign-ups are never refused as doubles, so this is not called for them)."""
    registration = db.session.scalar(
        select(Registration).where(
            Registration.lab_id == lab.id,
            Registration.contact_key == contact_key,
            Registration.status.in_((*ACTIVE, *UNCONFIRMED)),
        )
    )
    if registration is None or not registration.email:
        return False
    if registration.status in UNCONFIRMED:  # not confirmed yet: the request again, once an hour
        return ask_confirmation(registration)
    _send("lab_signup_again", registration, f"again:{secrets.token_hex(8)}")
    return True


def promoted(registration: Registration) -> None:
    _send("lab_promoted", registration, "promoted")


def _registrants(lab: Lab) -> list[Registration]:
    return db.session.scalars(
        select(Registration)
        .where(Registration.lab_id == lab.id, Registration.status.in_(ACTIVE), Registration.email != "")
        .order_by(Registration.id)
    ).all()


def session_cancelled(session: LabSession) -> None:
    for registration in _registrants(session.lab):
        _send(
            "lab_session_cancelled",
            registration,
            f"cancelled:{session.id}:{session.sequence}",
            session_id=session.id,
        )


def session_moved(session: LabSession, before: tuple[date, object, object]) -> None:
    was = {"was_on": before[0].isoformat(), "was_start": before[1].strftime("%H:%M")}
    for registration in _registrants(session.lab):
        _send(
            "lab_session_moved",
            registration,
            f"moved:{session.id}:{session.sequence}",
            session_id=session.id,
            **was,
        )


@scheduled.job
def lab_reminders(now: datetime) -> int:
    """The day before each session, its confirmed registrants get a reminder (once)."""
    tomorrow = now.astimezone(ROME).date() + timedelta(days=1)
    sessions = db.session.scalars(
        select(LabSession)
        .join(Lab)
        .where(
            LabSession.start_on == tomorrow,
            LabSession.is_cancelled.is_(False),
            Lab.deleted_at.is_(None),
            Lab.status != LabStatus.DRAFT,
        )
    ).all()
    count = 0
    for session in sessions:
        for registration in _registrants(session.lab):
            if registration.status == RegistrationStatus.CONFIRMED:
                _send(
                    "lab_reminder", registration, f"reminder:{session.id}:{tomorrow}", session_id=session.id
                )
                count += 1
    return count
