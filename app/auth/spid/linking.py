"""The identity waiting for an account: kept in the session after the login, and carried by the
signed link that the owner of an e-mail address opens to create or join the account at that
address (valid one hour; nothing stored). No request, no commit."""

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


def token(address: str, data: dict) -> str:
    return _serializer().dumps({"a": address, "i": data})


def from_token(value: str) -> tuple[str, dict] | None:
    try:
        found = _serializer().loads(value, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if (
        not isinstance(found, dict)
        or not isinstance(found.get("i"), dict)
        or not isinstance(found.get("a"), str)
    ):
        return None
    return found["a"], found["i"]
