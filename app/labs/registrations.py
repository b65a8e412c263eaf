"""Sign-ups with a capacity and a waiting list that moves up by itself. No commit."""

import hashlib
import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.labs.models import Lab, LabStatus, Registration, RegistrationStatus
from app.timeutil import utcnow


class RegistrationError(Exception):
    """Why a sign-up was refused: 'closed', 'full' or 'duplicate'."""


def contact_key(email: str, phone: str) -> str:
    """One person, one sign-up: the e-mail, or else the phone's digits."""
    if email.strip():
        return email.strip().lower()
    return "tel:" + re.sub(r"\D", "", phone)


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
    lab: Lab, full_name: str, email: str, phone: str, note: str, consent: bool
) -> tuple[Registration, str]:
    """Sign someone up: a place if one is free, else the waiting list. Returns the private token."""
    if lab.status != LabStatus.OPEN or lab.deleted_at is not None:
        raise RegistrationError("closed")
    _lock(lab)
    key = contact_key(email, phone)
    duplicate = select(Registration.id).where(
        Registration.lab_id == lab.id,
        Registration.contact_key == key,
        Registration.status != RegistrationStatus.WITHDRAWN,
    )
    if db.session.scalar(duplicate) is not None:
        raise RegistrationError("duplicate")
    if confirmed_count(lab) < lab.capacity:
        status = RegistrationStatus.CONFIRMED
    elif lab.has_waiting_list:
        status = RegistrationStatus.WAITING
    else:
        raise RegistrationError("full")
    token = secrets.token_urlsafe(24)
    registration = Registration(
        lab_id=lab.id, full_name=full_name, email=email.strip().lower(), phone=phone.strip(), contact_key=key,
        note=note, guardian_consent=consent, status=status, withdraw_token_hash=_hash(token),
    )  # fmt: skip
    db.session.add(registration)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # the same contact, at the same instant
        raise RegistrationError("duplicate") from error
    return registration, token


def by_token(lab: Lab, token: str) -> Registration | None:
    """The registration of a private link, only under its own lab."""
    found = db.session.scalar(select(Registration).where(Registration.withdraw_token_hash == _hash(token)))
    return found if found is not None and found.lab_id == lab.id else None


def withdraw(registration: Registration) -> Registration | None:
    """Withdraw; if a place frees up, the first on the waiting list gets it (returned)."""
    if registration.status == RegistrationStatus.WITHDRAWN:
        return None
    _lock(registration.lab)
    had_place = registration.status == RegistrationStatus.CONFIRMED
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


def _mail():
    from app.messages.flows import labs  # imported late: the messages feature imports labs

    return labs


def promote_waiting(lab: Lab) -> Registration | None:
    """Give free places to the waiting list, first come first served."""
    promoted = None
    while confirmed_count(lab) < lab.capacity:
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
        _mail().promoted(first)
        promoted = promoted or first
    return promoted
