"""Accounts: the invitation to a new account, the Password dimenticata? link, the login link."""

from flask_babel import gettext as _

from app.accounts.models import User
from app.auth import login_link
from app.auth.invitations import invitation_token
from app.common.timeutil import utcnow
from app.messages.kinds import Gone, Kind, register
from app.messages.services import enqueue
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
register(
    Kind(
        "password_reset",
        subject=lambda ctx: _("Legami: scegli una nuova password"),
        reason=lambda ctx: _(
            "Ricevi questo messaggio perché qualcuno ha chiesto una nuova password per il tuo account."
        ),
        load=_user,
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


def send_password_reset(user: User, token: str) -> None:
    enqueue(
        "password_reset", user.email, {"user_id": user.id, "token": token}, key=f"reset:{token[:24]}",
        name=user.full_name, user=user,
    )  # fmt: skip


def send_login_link(user: User) -> None:
    """A single-use link to log in (the token is made when the message is rendered); at most one
    a quarter of an hour until the account logs in."""
    mark, quarter = login_link.mark(user), int(utcnow().timestamp()) // 900
    enqueue(
        "login_link", user.email, {"user_id": user.id, "mark": mark}, key=f"login-link:{user.id}:{mark}:{quarter}",
        name=user.full_name, user=user,
    )  # fmt: skip
