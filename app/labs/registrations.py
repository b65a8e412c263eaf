"""Sign-ups with a capacity and a waiting list that moves up by itself. No commit.

A sign-up with an e-mail is pending until the address's owner confirms it from the message
(double opt-in: nobody can hold a place, or have mail sent, in a stranger's name). A pending
sign-up holds its place for LAB_SIGNUP_HOLD_MINUTES; after that it counts no more, and the
places it held go to the waiting list at the next sign-up or confirmation. Phone-only sign-ups
are confirmed (or waiting) at once: there is no address to confirm."""

import hashlib
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.exc import IntegrityError

from app.common.timeutil import utcnow
from app.labs import notices
from app.labs.models import UNCONFIRMED, Lab, LabStatus, Registration, RegistrationStatus
from app.platform.extensions import db


class RegistrationError(Exception):
    """Why a sign-up was refused: 'closed', 'full' or 'duplicate' (an e-mail already signed up)."""


def hold_minutes() -> int:
    return int(current_app.config["LAB_SIGNUP_HOLD_MINUTES"])


def _held_pending(since):
    """SQL condition: a pending sign-up made after `since` (a datetime or a bound parameter)."""
    return and_(Registration.status == RegistrationStatus.PENDING, Registration.created_at > since)


def _holding(since):
    """SQL condition: the registration takes a place (confirmed, or pending since `since`)."""
    return or_(Registration.status == RegistrationStatus.CONFIRMED, _held_pending(since))


def holds_place(now: datetime | None = None):
    """SQL condition: the registration takes a place (confirmed, or pending within its hold)."""
    return _holding((now or utcnow()) - timedelta(minutes=hold_minutes()))


def _still_held(registration: Registration, now: datetime) -> bool:
    created = registration.created_at
    if created.tzinfo is None:  # SQLite gives naive UTC back
        created = created.replace(tzinfo=now.tzinfo)
    return registration.status == RegistrationStatus.PENDING and created > now - timedelta(
        minutes=hold_minutes()
    )


def phone_digits(phone: str) -> str:
    """A number's digits, without Italy's prefix when written +39 or 0039: one number, one form."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+39") or digits.startswith("0039"):
        digits = digits.removeprefix("00").removeprefix("39")
    return digits


def contact_key(email: str, phone: str) -> str:
    """Who signed up: the e-mail, or else 'tel:' and the phone's digits (never unique: see register)."""
    if email.strip():
        return email.strip().lower()
    return "tel:" + phone_digits(phone)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lock(lab: Lab) -> None:
    """Serialise sign-ups and withdrawals of one lab (row lock on PostgreSQL;
    SQLite's write transactions already take the whole database)."""
    db.session.execute(select(Lab.id).where(Lab.id == lab.id).with_for_update())


def confirmed_count(lab: Lab) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.lab_id == lab.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )


# Built once with bound parameters (a lab's page asks it on every request: a statement built anew
# costs SQLAlchemy its cache key again); holds_place's rule, the hold's start bound.
PLACES_TAKEN = select(
    func.count(Registration.id), func.count(case((_held_pending(bindparam("since")), 1)))
).where(Registration.lab_id == bindparam("lab_id"), _holding(bindparam("since")))


def places_taken(lab: Lab) -> tuple[int, int]:
    """(places taken, of which held by pending sign-ups), in one query."""
    since = utcnow() - timedelta(minutes=hold_minutes())
    taken, pending = db.session.execute(PLACES_TAKEN, {"lab_id": lab.id, "since": since}).one()
    return taken, pending


def taken_count(lab: Lab, now: datetime | None = None) -> int:
    """Places taken: confirmed sign-ups and pending ones still within their hold."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(Registration.lab_id == lab.id, holds_place(now))
    )


def waiting_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.lab_id == registration.lab_id,
            Registration.status == RegistrationStatus.WAITING,
            Registration.id < registration.id,
        )
    )
    return ahead + 1


def register(
    lab: Lab, full_name: str, email: str, phone: str, note: str, consent: bool, *, owner_known: bool = False
) -> tuple[Registration, str]:
    """Sign someone up: a place if one is free, else the waiting list. Returns the private token.

    One active sign-up per e-mail ('duplicate': the owner gets their link by e-mail). A phone-only
    sign-up is never a duplicate: siblings share a parent's phone, and refusing would tell a
    stranger that the number is signed up. The organiser sees shared phones (`shared_phones`).

    A sign-up with an e-mail is pending until confirmed (`confirm`); `owner_known` (the demo data
    only) skips that."""
    if lab.status != LabStatus.OPEN or lab.deleted_at is not None:
        raise RegistrationError("closed")
    _lock(lab)
    promote_waiting(lab)  # places whose hold ran out go to the waiting list first
    key = contact_key(email, phone)
    if not key.startswith("tel:") and _active_with_key(lab, key):
        raise RegistrationError("duplicate")
    pending = bool(email.strip()) and not owner_known  # an address must be confirmed by its owner
    if taken_count(lab) < lab.capacity:
        status = RegistrationStatus.PENDING if pending else RegistrationStatus.CONFIRMED
    elif lab.has_waiting_list:
        status = RegistrationStatus.PENDING_WAITING if pending else RegistrationStatus.WAITING
    else:
        raise RegistrationError("full")
    token = secrets.token_urlsafe(24)
    registration = Registration(
        lab_id=lab.id, full_name=full_name, email=email.strip().lower(), phone=phone.strip(), contact_key=key,
        note=note, guardian_consent=consent, status=status, withdraw_token_hash=_hash(token),
    )  # fmt: skip
    try:
        # Added inside the savepoint: begin_nested() flushes what is pending before it starts.
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError as error:  # the same e-mail, at the same instant
        raise RegistrationError("duplicate") from error
    return registration, token


def confirm(registration: Registration) -> bool:
    """The address's owner confirms a pending sign-up: a place if its hold still stands or one is
    free, else the waiting list; then the confirmation with the withdraw link and the dates is
    sent. False when it was no longer pending (confirmed already, or withdrawn)."""
    if registration.status not in UNCONFIRMED:
        return False
    lab = registration.lab
    if lab.status != LabStatus.OPEN or lab.deleted_at is not None:
        raise RegistrationError("closed")
    _lock(lab)
    db.session.refresh(registration)
    if registration.status not in UNCONFIRMED:
        return False
    now = utcnow()
    promote_waiting(lab)
    own = 1 if _still_held(registration, now) else 0
    if taken_count(lab, now) - own < lab.capacity:
        registration.status = RegistrationStatus.CONFIRMED
    elif lab.has_waiting_list:
        registration.status = RegistrationStatus.WAITING
    else:
        raise RegistrationError("full")
    db.session.flush()
    notices.signed_up(registration)
    return True


def _active_with_key(lab: Lab, key: str) -> bool:
    found = select(Registration.id).where(
        Registration.lab_id == lab.id,
        Registration.contact_key == key,
        Registration.status != RegistrationStatus.WITHDRAWN,
    )
    return db.session.scalar(found) is not None


def shared_phones(rows: Iterable[Registration]) -> dict[int, list[str]]:
    """For each active registration, the names of the other active ones with the same phone
    (possible doubles for the organiser to call). Plain Python over rows already loaded."""
    by_phone = defaultdict(list)
    for row in rows:
        digits = phone_digits(row.phone or "")
        if digits and row.status != RegistrationStatus.WITHDRAWN:
            by_phone[digits].append(row)
    return {
        row.id: [other.full_name for other in group if other is not row]
        for group in by_phone.values()
        if len(group) > 1
        for row in group
    }


def by_token(lab: Lab, token: str) -> Registration | None:
    """The registration of a private link, only under its own lab."""
    found = db.session.scalar(select(Registration).where(Registration.withdraw_token_hash == _hash(token)))
    return found if found is not None and found.lab_id == lab.id else None


def withdraw(registration: Registration) -> Registration | None:
    """Withdraw; if a place frees up, the first on the waiting list gets it (returned)."""
    if registration.status == RegistrationStatus.WITHDRAWN:
        return None
    _lock(registration.lab)
    had_place = registration.status == RegistrationStatus.CONFIRMED or _still_held(registration, utcnow())
    registration.status = RegistrationStatus.WITHDRAWN
    registration.withdrawn_at = utcnow()
    db.session.flush()
    if not had_place:
        return None
    return promote_waiting(registration.lab)


def places_changed(lab: Lab) -> None:
    """After the capacity is raised, the waiting list takes the new places."""
    _lock(lab)
    promote_waiting(lab)


def promote_waiting(lab: Lab) -> Registration | None:
    """Give free places to the waiting list, first come first served."""
    promoted = None
    while taken_count(lab) < lab.capacity:
        first = db.session.scalar(
            select(Registration)
            .where(Registration.lab_id == lab.id, Registration.status == RegistrationStatus.WAITING)
            .order_by(Registration.id)
            .limit(1)
        )
        if first is None:
            break
        first.status = RegistrationStatus.CONFIRMED
        db.session.flush()
        notices.promoted(first)
        promoted = promoted or first
    return promoted
