"""Each user's choice of notices, and one-click unsubscribe links (signed, no login needed)."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.accounts.models import User
from app.messages.models import MessagePreference
from app.messages.render import link
from app.platform.extensions import db

# What a user can turn off; essential messages (invitation, password, sign-ups) are not here.
CHOICES = ("meetings", "minutes", "actions", "actions_digest")


def of(user: User) -> MessagePreference:
    found = db.session.get(MessagePreference, user.id)
    if found is None:
        found = MessagePreference(
            user_id=user.id, meetings=True, minutes=True, actions=True, actions_digest="weekly"
        )
    return found


def wants(user: User, choice: str) -> bool:
    value = getattr(of(user), choice)
    return value != "never" if isinstance(value, str) else bool(value)


def save(user: User, **values) -> MessagePreference:
    found = of(user)
    for name, value in values.items():
        if name in CHOICES:
            setattr(found, name, value)
    db.session.add(found)
    db.session.flush()
    return found


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="legami-unsubscribe")


def unsubscribe_token(user: User, choice: str) -> str:
    return _serializer().dumps({"u": user.id, "c": choice})


def unsubscribe_link(user: User, choice: str) -> str:
    return link("messages.unsubscribe", token=unsubscribe_token(user, choice))


def from_token(token: str) -> tuple[User, str] | None:
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") not in CHOICES or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    return (user, data["c"]) if user is not None and user.is_active else None


def turn_off(user: User, choice: str) -> None:
    save(user, **{choice: "never" if choice == "actions_digest" else False})
