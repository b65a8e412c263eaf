"""The identity waiting for an account, kept in the session after the login. The signed link sent
to an address (valid one hour; nothing stored) names the address and which login it belongs to,
never the identity itself: it works only in the browser that holds that identity, so nobody can
join their own identity to someone else's account by having its owner click a link, and an
address typed by mistake learns nothing of the person. No request, no commit."""

import hashlib
import hmac
from dataclasses import asdict

from flask import current_app, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.auth.spid.assertion import Proved
from app.common.timeutil import utcnow

SESSION_KEY = "spid_pending"
MAX_AGE_SECONDS = 60 * 60


def as_data(proved: Proved) -> dict:
    data = asdict(proved)
    data["date_of_birth"] = proved.date_of_birth.isoformat() if proved.date_of_birth else ""
    data["verified_at"] = utcnow().isoformat()
    for key in ("name_id", "session_index", "level"):
        data.pop(key)
    return data


def hold(data: dict) -> None:
    session[SESSION_KEY] = data


def held() -> dict | None:
    found = session.get(SESSION_KEY)
    return found if isinstance(found, dict) and found.get("fiscal_number") else None


def drop() -> None:
    session.pop(SESSION_KEY, None)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="legami-spid-link")


def _mark(data: dict) -> str:
    return hashlib.sha256(f"{data['fiscal_number']}|{data['verified_at']}".encode()).hexdigest()[:24]


def token(address: str, data: dict) -> str:
    return _serializer().dumps({"a": address, "m": _mark(data)})


def address_of(value: str) -> str | None:
    """The address a link was sent to, if the link is genuine and fresh."""
    try:
        found = _serializer().loads(value, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if (
        not isinstance(found, dict)
        or not isinstance(found.get("a"), str)
        or not isinstance(found.get("m"), str)
    ):
        return None
    return found["a"]


def held_for(value: str) -> dict | None:
    """The identity this browser holds, if the link was made for it."""
    data, found = held(), None
    try:
        found = _serializer().loads(value, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if (
        data is None
        or not isinstance(found, dict)
        or not hmac.compare_digest(_mark(data), str(found.get("m")))
    ):
        return None
    return data
