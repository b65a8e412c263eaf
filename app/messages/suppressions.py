"""Addresses that asked for no more mail: a signed one-click link per address (no login, no
account needed), the table that remembers them, and the question enqueue asks."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.messages.models import MailSuppression
from app.platform.extensions import db


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="legami-address-optout")


def token(email: str) -> str:
    return _serializer().dumps({"e": email.strip().lower()})


def from_token(value: str) -> str | None:
    """The address of a signed link; a forged one → None."""
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str) or not data["e"]:
        return None
    return data["e"]


def is_suppressed(email: str) -> bool:
    return db.session.get(MailSuppression, email.strip().lower()) is not None


def suppressed_among(emails: list[str]) -> set[str]:
    if not emails:
        return set()
    return set(db.session.scalars(select(MailSuppression.email).where(MailSuppression.email.in_(emails))))


def suppress(email: str) -> None:
    """Record the address (once); no commit."""
    email = email.strip().lower()
    if db.session.get(MailSuppression, email) is None:
        try:
            with db.session.begin_nested():
                db.session.add(MailSuppression(email=email))
                db.session.flush()
        except IntegrityError:  # the same address, at the same instant: recorded already
            pass


def restore(email: str) -> None:
    """The address changed its mind: mail again; no commit."""
    found = db.session.get(MailSuppression, email.strip().lower())
    if found is not None:
        db.session.delete(found)
        db.session.flush()
