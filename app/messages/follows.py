"""Residents follow a civic center, a lab or a town by e-mail: a confirmation link first, then a
weekly "cosa c'è questa settimana"; signed links to confirm and to leave. No request, no commit."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from app.civic_centers.models import CivicCenter
from app.common.timeutil import utcnow
from app.labs.models import Lab
from app.messages.models import Follow
from app.platform.extensions import db
from app.towns.models import Town

TARGETS = {"centro": "center", "laboratorio": "lab", "comune": "town"}
MODELS = {"center": CivicCenter, "lab": Lab, "town": Town}
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7


def target_by_slug(kind: str, slug: str):
    """The followed thing, public only: a center or lab that is deleted or a draft is not found."""
    model = MODELS[kind]
    found = db.session.scalar(select(model).where(model.slug == slug))
    if found is None or not _public(kind, found):
        return None
    return found


def _public(kind: str, found) -> bool:
    return found.is_public if kind == "lab" else True


def target_of(follow: Follow):
    found = db.session.get(MODELS[follow.target], follow.target_id)
    return found if found is not None and _public(follow.target, found) else None


def start(email: str, kind: str, found) -> Follow:
    """Ask to follow: the row waits unconfirmed (an existing one is reused)."""
    email = email.strip().lower()
    follow = db.session.scalar(
        select(Follow).where(Follow.email == email, Follow.target == kind, Follow.target_id == found.id)
    )
    if follow is None:
        follow = Follow(email=email, target=kind, target_id=found.id)
        db.session.add(follow)
        db.session.flush()
    return follow


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"legami-follow-{salt}")


def token(follow: Follow, purpose: str) -> str:
    return _serializer(purpose).dumps({"f": follow.id, "e": follow.email})


def from_token(value: str, purpose: str) -> Follow | None:
    """The follow of a signed link; forged, expired (confirmation) or deleted → None."""
    try:
        data = _serializer(purpose).loads(value, max_age=CONFIRM_MAX_AGE if purpose == "confirm" else None)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("f"), int):
        return None
    follow = db.session.get(Follow, data["f"])
    if follow is None or follow.email != data.get("e"):
        return None
    return follow


def confirm(follow: Follow) -> None:
    if follow.confirmed_at is None:
        follow.confirmed_at = utcnow()


def stop(follow: Follow) -> None:
    db.session.delete(follow)
    db.session.flush()
