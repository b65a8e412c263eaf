"""The marketplace's e-mail, through the outbox: an order placed (to the provider and to the
resident), accepted, refused, delivered, cancelled (to the provider), and the two links that
confirm an employee of an alliance company (to the work address, or to the HR contact)."""

from flask_babel import gettext as _

from app.conciliation import alliance
from app.conciliation.models import AllianceEmployee, Order
from app.messages.kinds import Gone, Kind, register
from app.messages.services import enqueue
from app.platform.extensions import db


def _order(data: dict) -> dict:
    order = db.session.get(Order, data["order_id"])
    if order is None:
        raise Gone(_("L'ordine non esiste più."))
    return {"order": order, "service": order.service, "provider": order.provider}


def _resident_reason(ctx: dict) -> str:
    return _("Ricevi questo messaggio perché hai ordinato un servizio su Per il tuo tempo.")


def _provider_reason(ctx: dict) -> str:
    return _("Ricevi questo messaggio perché è l'indirizzo degli ordini di %(p)s su Per il tuo tempo.",
             p=ctx["provider"].name)  # fmt: skip


ORDER_KINDS = {
    # kind: (subject, to the provider?)
    "conc_order_new": (lambda ctx: _("Nuovo ordine: %(s)s", s=ctx["service"].title), True),
    "conc_order_placed": (lambda ctx: _("Ordine inviato: %(s)s", s=ctx["service"].title), False),
    "conc_order_accepted": (lambda ctx: _("Ordine accettato: %(s)s", s=ctx["service"].title), False),
    "conc_order_refused": (lambda ctx: _("Ordine rifiutato: %(s)s", s=ctx["service"].title), False),
    "conc_order_delivered": (lambda ctx: _("Servizio svolto: %(s)s", s=ctx["service"].title), False),
    "conc_order_cancelled": (lambda ctx: _("Ordine annullato: %(s)s", s=ctx["service"].title), True),
    "conc_order_voucher_used": (lambda ctx: _("Voucher usato: %(s)s", s=ctx["service"].title), False),
}
for _name, (_subject, _to_provider) in ORDER_KINDS.items():
    register(
        Kind(
            _name,
            _subject,
            _provider_reason if _to_provider else _resident_reason,
            load=_order,
            essential=True,
        )
    )


def order_step(kind: str, order: Order) -> None:
    """Queue the message of one step of an order, to the provider or to the resident."""
    to_provider = ORDER_KINDS[kind][1]
    if to_provider:
        to, name, user = order.provider.email, order.provider.name, None
    else:
        to, name, user = order.user.email, order.user.full_name, order.user
    enqueue(kind, to, {"order_id": order.id}, key=f"conc:order:{order.id}:{kind}", name=name, user=user)


def _employee(data: dict) -> dict:
    employee = db.session.get(AllianceEmployee, data["employee_id"])
    if employee is None:
        raise Gone(_("La richiesta non esiste più."))
    return {"employee": employee, "company": employee.company, "person": employee.user,
            "signed": alliance.token(employee)}  # fmt: skip


register(Kind(
    "conc_alliance_confirm", lambda ctx: _("Conferma il tuo indirizzo di lavoro"),
    lambda ctx: _("Ricevi questo messaggio perché qualcuno ha indicato questo indirizzo per le tariffe dell'alleanza."),
    load=_employee, essential=True, limited=True,
))  # fmt: skip
register(Kind(
    "conc_alliance_hr", lambda ctx: _("Conferma una persona del personale: %(n)s", n=ctx["person"].display_name),
    lambda ctx: _("Ricevi questo messaggio perché sei il referente di %(c)s per l'alleanza di Per il tuo tempo.",
                  c=ctx["company"].name),
    load=_employee, essential=True, limited=True,
))  # fmt: skip


def alliance_request(employee: AllianceEmployee) -> None:
    stamp = int(employee.requested_at.timestamp())
    if employee.method == alliance.DOMAIN:
        to, kind, name = employee.work_email, "conc_alliance_confirm", employee.user.full_name
    else:
        to, kind, name = employee.company.hr_email, "conc_alliance_hr", employee.company.hr_name
    enqueue(kind, to, {"employee_id": employee.id}, key=f"conc:alliance:{employee.id}:{stamp}", name=name)
