"""Accounts: the invitation to a new account, the Password dimenticata? link, the login link."""

import secrets
from contextlib import suppress

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.auth import login_link, reset
from app.auth.invitations import invitation_token
from app.common.timeutil import utcnow
from app.messages.kinds import Gone, Kind, register
from app.messages.services import BadAddress, enqueue
from app.platform.extensions import db


def _user(data: dict) -> dict:
    user = db.session.get(User, data["user_id"])
    if user is None or not user.is_active:
        raise Gone(_("L'account non esiste più o è disattivato."))
    return {"user": user}


def _invitation(data: dict) -> dict:
    ctx = _user(data)
    if ctx["user"].session_token[:12] != data.get("mark"):
        raise Gone(_("Il link è già stato usato o sostituito da uno più recente."))
    ctx["token"] = invitation_token(ctx["user"])
    return ctx


register(
    Kind(
        "invitation",
        subject=lambda ctx: _("Il tuo account su Legami"),
        reason=lambda ctx: _(
            "Ricevi questo messaggio perché l'amministrazione di Legami ha creato un account per te."
        ),
        load=_invitation,
        essential=True,
    )
)


def _reset(data: dict) -> dict:
    """The account and its new token, made now (the request only queued the address)."""
    if "user_id" in data:  # queued before the token moved here: it carries its token
        return _user(data)
    # auth.services.find_by_email's query: services imports this module.
    user = db.session.scalar(select(User).where(func.lower(User.email) == data["email"]))
    if user is None or not user.is_active:
        raise Gone(_("Nessun account attivo con questo indirizzo: nessun link inviato."))
    return {"user": user, "token": reset.issue(user)}


register(
    Kind(
        "password_reset",
        subject=lambda ctx: _("Legami: scegli una nuova password"),
        reason=lambda ctx: _(
            "Ricevi questo messaggio perché qualcuno ha chiesto una nuova password per il tuo account."
        ),
        load=_reset,
        essential=True,
    )
)


def _login_link(data: dict) -> dict:
    ctx = _user(data)
    if login_link.mark(ctx["user"]) != data.get("mark"):
        raise Gone(_("L'account è già entrato dopo la richiesta: il link non serve più."))
    ctx["token"] = login_link.token(ctx["user"])
    return ctx


register(
    Kind(
        "login_link",
        subject=lambda ctx: _("Legami: il tuo link per entrare"),
        reason=lambda ctx: _(
            "Ricevi questo messaggio perché qualcuno ha effettuato l'accesso al tuo account con la password "
            "giusta mentre l'account era protetto dopo molti tentativi sbagliati."
        ),
        load=_login_link,
        essential=True,
    )
)


def send_invitation(user: User) -> None:
    """The link to set the first password (it works once and expires)."""
    enqueue(
        "invitation", user.email, {"user_id": user.id, "mark": user.session_token[:12]},
        key=f"invitation:{user.id}:{user.session_token[:12]}",
        name=user.full_name, user=user,
    )  # fmt: skip


def send_password_reset(address: str) -> None:
    """Queue a Password dimenticata? link for whatever address was typed: the same work whether
    or not it has an account (the worker finds the account and makes the token, _reset)."""
    address = address.strip().lower()
    # An address the form let through but no message can go to: no account has one.
    with suppress(BadAddress):
        enqueue("password_reset", address, {"email": address}, key=f"reset:{secrets.token_urlsafe(18)}")


def send_login_link(user: User) -> None:
    """A single-use link to log in (the token is made when the message is rendered); at most one
    a quarter of an hour until the account logs in."""
    mark, quarter = login_link.mark(user), int(utcnow().timestamp()) // 900
    enqueue(
        "login_link", user.email, {"user_id": user.id, "mark": mark}, key=f"login-link:{user.id}:{mark}:{quarter}",
        name=user.full_name, user=user,
    )  # fmt: skip
