"""Who may see and change a pact; the one loader that authorises and logs reads.

Anyone who is not one of the pact's operators or a coordinator gets 404: the
register does not even confirm that a pact exists.
"""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.pacts.models import Pact, PactRead
from app.platform.extensions import db


def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_coordinator)


def is_operator_of(user, pact: Pact) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.is_operator and user.id in pact.operator_ids
    )


def can_view(user, pact: Pact) -> bool:
    return is_operator_of(user, pact) or is_coordinator(user)


def can_work(user, pact: Pact) -> bool:
    """The responsible operator and the followers write the diary and hold reviews."""
    return is_operator_of(user, pact) and not pact.is_closed


def is_responsible(user, pact: Pact) -> bool:
    return bool(is_operator_of(user, pact) and pact.responsible_id == user.id)


def can_manage(user, pact: Pact) -> bool:
    """Only the responsible operator edits the pact and moves its status."""
    return is_responsible(user, pact) and not pact.is_closed


def log_read(user, pact: Pact, what: str) -> None:
    """Record that user read the personal data of pact (the caller commits)."""
    db.session.add(PactRead(pact_id=pact.id, user_id=user.id, what=what))


def get_pact_or_404(number: str, *, read: str | None = "scheda", work=False, manage=False) -> Pact:
    """The pact numbered `number`, if current_user may see it; else 404.

    read: what is being read ("scheda", "stampa", "pdf"; "esportazione" from the named export) and so logged; None
    for actions that show no personal data. work/manage: 403 for a viewer
    (a coordinator) who may not write.
    """
    query = (
        select(Pact)
        .where(Pact.number == number)
        .options(selectinload(Pact.followers), selectinload(Pact.town), selectinload(Pact.responsible))
    )
    pact = db.session.scalar(query)
    if pact is None or not can_view(current_user, pact):
        abort(404)
    if manage and not can_manage(current_user, pact):
        abort(403)
    if work and not can_work(current_user, pact):
        abort(403)
    if read:
        log_read(current_user, pact, read)
    return pact
