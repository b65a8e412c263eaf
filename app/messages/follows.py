"""Follows' storage: an address that follows something (a kind and an id, named by the feature
that offers it), confirmed from a signed link, left with another. No request, no commit."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from app.common.timeutil import utcnow
from app.messages.models import Follow
from app.platform.extensions import db

CONFIRM_MAX_AGE = 60 * 60 * 24 * 7


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
