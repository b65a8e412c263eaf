"""Accounts: the invitation to a new account, the Password dimenticata? link."""

from flask_babel import gettext as _

from app.auth.models import User
from app.extensions import db
from app.messages.kinds import Gone, Kind, register
from app.messages.services import enqueue


def _user(data: dict) -> dict:
    user = db.session.get(User, data["user_id"])
    if user is None or not user.is_active:
        raise Gone(_("L'account non esiste più o è disattivato."))
    return {"user": user}


def _invitation(data: dict) -> dict:
    from app.auth.services import invitation_token

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
