"""The signed link that confirms a lab sign-up made with an e-mail (double opt-in).

It names the registration and its address; it is valid for CONFIRM_MAX_AGE, well beyond the
hold on the place (a late confirmation gets a free place or the waiting list)."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.labs.models import Registration
from app.platform.extensions import db

CONFIRM_MAX_AGE = 7 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="legami-lab-signup-confirm")


def token(registration: Registration) -> str:
    return _serializer().dumps({"r": registration.id, "e": registration.email})


def from_token(value: str) -> Registration | None:
    """The registration of a signed link; forged, expired or for another address → None."""
    try:
        data = _serializer().loads(value, max_age=CONFIRM_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        return None
    registration = db.session.get(Registration, data["r"])
    if registration is None or not registration.email or registration.email != data.get("e"):
        return None
    return registration
