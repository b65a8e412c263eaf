"""Invitation links: a signed, expiring token that dies as soon as the account's sessions are reset."""

import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.models import User
from app.platform.extensions import db


def _invite_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="legami-invite")


def invitation_token(user: User) -> str:
    """A signed, expiring token; it dies as soon as the account's sessions are reset."""
    return _invite_serializer().dumps({"u": user.id, "t": user.session_token[:16]})


def user_from_invitation(token: str) -> User | None:
    try:
        data = _invite_serializer().loads(token, max_age=current_app.config["INVITE_MAX_AGE_SECONDS"])
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(user.session_token[:16], str(data.get("t", ""))):
        return None
    return user
