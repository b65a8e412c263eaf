"""Orders: placing one (the slot, the quantity and the price checked here, once) and moving it
through its states with a conditional UPDATE, so two people acting at once cannot both win
(a provider accepting while the resident cancels: one of them finds the order already moved)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import update

from app.accounts.models import User
from app.common.timeutil import ROME, utcnow
from app.conciliation.models import Order, OrderState, Service
from app.conciliation.pricing import price_for
from app.conciliation.voucher_models import Voucher
from app.conciliation.vouchers import VoucherError, refund, spend_for_order
from app.platform.extensions import db
from app.towns.models import Town

MAX_QUANTITY = 99
HORIZON_DAYS = 180


class OrderRefused(ValueError):
    """The order cannot be placed or moved: the message says why, in Italian."""


@dataclass(frozen=True)
class Quote:
    unit_cents: int
    quantity: int
    total_cents: int
    voucher_cents: int
    family_cents: int
    is_alliance: bool
    company: str


def slots(service: Service) -> list[time]:
    """The start times a service offers: every hour from its opening to an hour before closing."""
    start = datetime.combine(date.min, service.opens_at)
    end = datetime.combine(date.min, service.closes_at)
    found = []
    while start + timedelta(hours=1) <= end:
        found.append(start.time())
        start += timedelta(hours=1)
    return found


def slot_problem(service: Service, day: date, start: time, now: datetime) -> str | None:
    """Why this slot cannot be booked, or None."""
    starts_at = datetime.combine(day, start, ROME)
    if starts_at <= now:
        return _("La data e l'ora scelte sono già passate.")
    if day > now.astimezone(ROME).date() + timedelta(days=HORIZON_DAYS):
        return _("Si può prenotare al massimo %(n)d giorni in anticipo.", n=HORIZON_DAYS)
    if day.weekday() not in service.weekday_numbers:
        return _("Il servizio non si prenota in questo giorno della settimana.")
    if start not in slots(service):
        return _("L'orario scelto è fuori dagli orari del servizio (%(a)s–%(b)s).",
                 a=service.opens_at.strftime("%H:%M"), b=service.closes_at.strftime("%H:%M"))  # fmt: skip
    if starts_at < now + timedelta(hours=service.lead_hours):
        return _("Serve un preavviso di almeno %(n)d ore: scegli un giorno o un orario più avanti.",
                 n=service.lead_hours)  # fmt: skip
    return None


def quote(user: User, service: Service, quantity: int, today: date, voucher_balance: int = 0) -> Quote:
    """The price, and what a voucher with `voucher_balance` left would pay: min(balance, total)."""
    price = price_for(user, service, today)
    total = price.unit_cents * quantity
    voucher = min(max(voucher_balance, 0), total)
    return Quote(
        price.unit_cents, quantity, total, voucher, total - voucher, price.is_alliance, price.company
    )


def place(user: User, service: Service, town: Town, day: date, start: time, quantity: int,
          address: str, note: str, now: datetime | None = None, voucher_id: int | None = None) -> Order:  # fmt: skip
    """A new order (flushed, not committed); OrderRefused says why it cannot be placed. With
    `voucher_id`, the resident's voucher pays min(balance, total) in the same transaction."""
    now = now or utcnow()
    if not service.is_active or not service.provider.is_accredited:
        raise OrderRefused(_("Il servizio non è più disponibile."))
    if town not in service.towns:
        raise OrderRefused(_("Il servizio non arriva nel Comune scelto."))
    if not 1 <= quantity <= MAX_QUANTITY:
        raise OrderRefused(_("La quantità deve essere tra 1 e %(n)d.", n=MAX_QUANTITY))
    problem = slot_problem(service, day, start, now)
    if problem:
        raise OrderRefused(problem)
    priced = quote(user, service, quantity, now.astimezone(ROME).date())
    order = Order(
        service=service, provider=service.provider, user=user, town=town, day=day, start_time=start,
        quantity=quantity, unit_cents=priced.unit_cents, is_alliance_price=priced.is_alliance,
        total_cents=priced.total_cents, voucher_cents=priced.voucher_cents, family_cents=priced.family_cents,
        address=address, note=note,
    )  # fmt: skip
    db.session.add(order)
    db.session.flush()
    if voucher_id:
        try:
            used = spend_for_order(
                voucher_id, user.id, order.total_cents, order.id, now.astimezone(ROME).date()
            )
        except VoucherError as error:
            raise OrderRefused(error.message) from error
        order.voucher_id, order.voucher_cents, order.family_cents = voucher_id, used, order.total_cents - used
        db.session.flush()
    return order


def _give_back(order: Order) -> None:
    """A refused or cancelled order returns to its voucher what it took."""
    if order.voucher_id and order.voucher_cents:
        refund(db.session.get(Voucher, order.voucher_id), order.voucher_cents, order.id)


def can_cancel(order: Order, now: datetime | None = None) -> bool:
    """A resident cancels an open order until the provider's lead time before it starts."""
    now = now or utcnow()
    return order.is_open and now < order.starts_at - timedelta(hours=order.service.lead_hours)


def _move(order: Order, allowed: tuple[OrderState, ...], to: OrderState, **values) -> None:
    """Move order to `to` if it is still in one of `allowed` (one conditional UPDATE, which also
    raises its version); OrderRefused when someone else moved it first. Not committed."""
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.state.in_([s.value for s in allowed]))
        .values(state=to.value, version=Order.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise OrderRefused(_("L'ordine è già stato aggiornato da qualcun altro: ricarica la pagina."))
    db.session.refresh(order)


def accept(order: Order) -> None:
    _move(order, (OrderState.REQUESTED,), OrderState.ACCEPTED, decided_at=utcnow())


def refuse(order: Order, reason: str) -> None:
    if not reason.strip():
        raise OrderRefused(_("Scrivi il motivo del rifiuto: lo leggerà chi ha ordinato."))
    _move(order, (OrderState.REQUESTED, OrderState.ACCEPTED), OrderState.REFUSED,
          decided_at=utcnow(), refusal_reason=reason.strip()[:300])  # fmt: skip
    _give_back(order)


def deliver(order: Order, now: datetime | None = None) -> None:
    now = now or utcnow()
    if order.starts_at > now:
        raise OrderRefused(_("Il servizio si segna come svolto solo dal giorno e dall'ora previsti."))
    _move(order, (OrderState.ACCEPTED,), OrderState.DELIVERED, delivered_at=now)


def cancel(order: Order, now: datetime | None = None) -> None:
    now = now or utcnow()
    if not can_cancel(order, now):
        raise OrderRefused(_("Non si può più annullare: il preavviso del fornitore è già scaduto."))
    _move(order, (OrderState.REQUESTED, OrderState.ACCEPTED), OrderState.CANCELLED, cancelled_at=now)
    _give_back(order)
