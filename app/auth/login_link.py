"""Single-use login links by e-mail, the second factor of an account under guard
(`throttle.under_guard`). Signed, valid `LOGIN_LINK_MAX_AGE_SECONDS`, void once the account
logs in by any way (the link carries the last login's mark) or its sessions are reset.
Nothing is stored: the message is rendered with a fresh token. No request, no commit."""

import hashlib
import hmac
from datetime import UTC

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.models import User
from app.platform.extensions import db


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="legami-login-link")


def mark(user: User) -> str:
    """Changes whenever the account logs in or its sessions end."""
    last = user.last_login_at
    if last is not None:
        last = last.astimezone(UTC) if last.tzinfo else last.replace(tzinfo=UTC)
    seen = last.isoformat() if last else ""
    return hashlib.sha256(f"{user.session_token}|{seen}".encode()).hexdigest()[:24]


def token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "m": mark(user)})


def user_from_token(value: str) -> User | None:
    try:
        data = _serializer().loads(value, max_age=current_app.config["LOGIN_LINK_MAX_AGE_SECONDS"])
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.is_active or not user.has_password:
        return None
    if not hmac.compare_digest(mark(user), str(data.get("m", ""))):
        return None
    return user
