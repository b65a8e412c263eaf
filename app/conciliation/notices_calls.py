"""Voucher calls' e-mail, through the outbox: an application received (with its protocol number),
the ranking published (the applicant's position), a voucher assigned, a voucher expired;
and the clock's job that expires vouchers past their date (hourly, idempotent: app/messages/scheduled.py).
Sent to the applicant's account address; personal data stays out of the messages."""

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.common.timeutil import ROME
from app.conciliation import vouchers
from app.conciliation.voucher_models import Application, Voucher
from app.messages import scheduled
from app.messages.kinds import Gone, Kind, register
from app.messages.services import enqueue
from app.platform.extensions import db


def _application(data: dict) -> dict:
    application = db.session.get(
        Application, data["application_id"], options=[selectinload(Application.call)]
    )
    if application is None or application.user is None:
        raise Gone(_("La domanda non esiste più."))
    return {"application": application, "call": application.call, "user": application.user}


def _voucher(data: dict) -> dict:
    voucher = db.session.get(Voucher, data["voucher_id"])
    if voucher is None or voucher.application.user is None:
        raise Gone(_("Il voucher non esiste più."))
    return {"voucher": voucher, "application": voucher.application, "call": voucher.call,
            "user": voucher.application.user}  # fmt: skip


def _reason(ctx: dict) -> str:
    return _("Ricevi questo messaggio perché hai presentato una domanda al bando «%(title)s».",
             title=ctx["call"].title)  # fmt: skip


for name, subject, load in (
    (
        "call_received",
        lambda ctx: _("Domanda ricevuta: %(number)s", number=ctx["application"].number),
        _application,
    ),
    (
        "call_ranking",
        lambda ctx: _("Graduatoria pubblicata: %(title)s", title=ctx["call"].title),
        _application,
    ),
    ("call_voucher_assigned", lambda ctx: _("Ti è stato assegnato un voucher"), _voucher),
    ("call_voucher_expired", lambda ctx: _("Il tuo voucher è scaduto"), _voucher),
):
    register(Kind(name, subject=subject, reason=_reason, load=load))


def _to(application: Application, kind: str, key: str, data: dict) -> None:
    user = application.user
    if user is None or not user.email:
        return
    enqueue(kind, user.email, data, key=f"ptt:{application.id}:{key}", name=user.full_name, user=user)


def application_received(application: Application) -> None:
    _to(application, "call_received", "received", {"application_id": application.id})


def ranking_published(application: Application) -> None:
    _to(application, "call_ranking", "ranking", {"application_id": application.id})


def voucher_assigned(voucher: Voucher) -> None:
    _to(voucher.application, "call_voucher_assigned", f"voucher:{voucher.id}", {"voucher_id": voucher.id})


def voucher_expired(voucher: Voucher) -> None:
    _to(voucher.application, "call_voucher_expired", f"expired:{voucher.id}", {"voucher_id": voucher.id})


@scheduled.job
def expire_vouchers(now) -> int:
    """Vouchers past their expiry give back what is left; the budget goes down the reserve list."""
    expired, assigned = vouchers.expire_due(now.astimezone(ROME).date())
    for voucher in expired:
        voucher_expired(voucher)
    for voucher in assigned:
        voucher_assigned(voucher)
    return len(expired)
