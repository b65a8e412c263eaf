"""Vouchers and their ledger: assign, spend, refund, expire; a call's budget.

A voucher's balance is the sum of its movements; a call's committed money is the sum of its
vouchers' assign and expire movements (an expired voucher gives back what was left on it).
Every change first locks a row: the voucher's for a spend or refund, the call's for an
assignment or an expiry (SELECT ... FOR UPDATE on PostgreSQL; on SQLite every writing
transaction holds the database's write lock from its start, app/platform/database.py). So two
spends at once against the last euro cannot both pass, nor two assignments exceed a budget.

`order_id` is the order a spend pays (a foreign key to `conc_orders`). The caller commits.
"""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.common.timeutil import utcnow
from app.conciliation.voucher_models import Application, Movement, Voucher, VoucherCall, VoucherMovement
from app.platform.extensions import db


class VoucherError(Exception):
    """A movement refused, with the reason in Italian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _locked(model, key):
    return db.session.scalar(
        select(model).where(model.id == key).with_for_update().execution_options(populate_existing=True)
    )


def balance(voucher_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(VoucherMovement.cents), 0)).where(
            VoucherMovement.voucher_id == voucher_id
        )
    )


def balances(voucher_ids: list[int]) -> dict[int, int]:
    """Balances of many vouchers in one query."""
    rows = db.session.execute(
        select(VoucherMovement.voucher_id, func.sum(VoucherMovement.cents))
        .where(VoucherMovement.voucher_id.in_(voucher_ids))
        .group_by(VoucherMovement.voucher_id)
    )
    return dict(rows.tuples().all())


def committed(call_id: int) -> int:
    """Money of the call given out as vouchers and not given back by an expiry."""
    return db.session.scalar(
        select(func.coalesce(func.sum(VoucherMovement.cents), 0))
        .join(Voucher, Voucher.id == VoucherMovement.voucher_id)
        .where(Voucher.call_id == call_id, VoucherMovement.kind.in_([Movement.ASSIGN, Movement.EXPIRE]))
    )


def _add(voucher: Voucher, kind: Movement, cents: int, order_id: int | None = None) -> VoucherMovement:
    movement = VoucherMovement(voucher_id=voucher.id, kind=kind, cents=cents, order_id=order_id)
    db.session.add(movement)
    db.session.flush()
    return movement


def assign(call: VoucherCall, application: Application, today: date) -> Voucher | None:
    """A voucher for `application` if a whole one fits in what is left of the budget; else None."""
    call = _locked(VoucherCall, call.id)
    if db.session.scalar(select(Voucher.id).where(Voucher.application_id == application.id)):
        return None  # one voucher per application, ever
    if call.budget_cents - committed(call.id) < call.voucher_cents:
        return None
    voucher = Voucher(
        call_id=call.id, application_id=application.id, value_cents=call.voucher_cents,
        assigned_on=today, expires_on=today + timedelta(days=call.validity_days),
    )  # fmt: skip
    db.session.add(voucher)
    db.session.flush()
    _add(voucher, Movement.ASSIGN, call.voucher_cents)
    return voucher


def fill(call: VoucherCall, today: date) -> list[Voucher]:
    """Down the ranking: a voucher for each application without one, while the budget holds."""
    given = []
    pending = db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.rank.is_not(None))
        .where(~select(Voucher.id).where(Voucher.application_id == Application.id).exists())
        .order_by(Application.rank)
    ).all()
    for application in pending:
        voucher = assign(call, application, today)
        if voucher is None:
            break
        given.append(voucher)
    return given


def spend(voucher: Voucher, cents: int, order_id: int | None, today: date) -> VoucherMovement:
    """Take `cents` from the voucher for an order; VoucherError when it would go below zero, the
    voucher expired, or the order already spent from it."""
    if cents <= 0:
        raise VoucherError(_("L'importo da usare deve essere maggiore di zero."))
    voucher = _locked(Voucher, voucher.id)
    if voucher.expired_at is not None or voucher.expires_on < today:
        raise VoucherError(_("Il voucher è scaduto."))
    if order_id is not None and db.session.scalar(
        select(VoucherMovement.id).where(
            VoucherMovement.voucher_id == voucher.id,
            VoucherMovement.order_id == order_id,
            VoucherMovement.kind == Movement.SPEND,
        )
    ):
        raise VoucherError(_("Questo ordine ha già usato il voucher."))
    if balance(voucher.id) < cents:
        raise VoucherError(_("Sul voucher non è rimasto abbastanza credito."))
    return _add(voucher, Movement.SPEND, -cents, order_id)


def usable(user_id: int, today: date) -> list[tuple[Voucher, int]]:
    """The vouchers assigned to `user_id`, not expired, with money left: (voucher, balance)."""
    found = db.session.scalars(
        select(Voucher)
        .join(Application, Application.id == Voucher.application_id)
        .where(Application.user_id == user_id, Voucher.expired_at.is_(None), Voucher.expires_on >= today)
        .order_by(Voucher.expires_on, Voucher.id)
    ).all()
    left = balances([v.id for v in found]) if found else {}
    return [(v, left.get(v.id, 0)) for v in found if left.get(v.id, 0) > 0]


def spend_for_order(voucher_id: int, user_id: int, total_cents: int, order_id: int, today: date) -> int:
    """Take min(balance, total) from the resident's own voucher for an order; the cents taken.
    VoucherError (in Italian) for someone else's voucher, an expired one, one with nothing left."""
    voucher = _locked(Voucher, voucher_id)
    if voucher is None or voucher.application.user_id != user_id:
        raise VoucherError(_("Il voucher scelto non è tra i tuoi."))
    if voucher.expired_at is not None or voucher.expires_on < today:
        raise VoucherError(_("Il voucher è scaduto."))
    cents = min(balance(voucher.id), total_cents)
    if cents <= 0:
        raise VoucherError(_("Sul voucher non è rimasto credito."))
    spend(voucher, cents, order_id, today)
    return cents


def refund(voucher: Voucher, cents: int, order_id: int) -> VoucherMovement:
    """Give back to the voucher at most what the order took from it (an order cancelled)."""
    voucher = _locked(Voucher, voucher.id)
    taken = -db.session.scalar(
        select(func.coalesce(func.sum(VoucherMovement.cents), 0)).where(
            VoucherMovement.voucher_id == voucher.id,
            VoucherMovement.order_id == order_id,
            VoucherMovement.kind.in_([Movement.SPEND, Movement.REFUND]),
        )
    )
    if cents <= 0 or cents > taken:
        raise VoucherError(_("Si può restituire al voucher solo quanto l'ordine ha usato."))
    return _add(voucher, Movement.REFUND, cents, order_id)


def expire_due(today: date) -> tuple[list[Voucher], list[Voucher]]:
    """Vouchers past their expiry: what is left goes back to the call's budget, and the budget
    goes down the reserve list. Returns (expired, newly assigned)."""
    due = db.session.scalars(
        select(Voucher).where(Voucher.expired_at.is_(None), Voucher.expires_on < today).order_by(Voucher.id)
    ).all()
    expired, assigned = [], []
    for voucher in due:
        call = _locked(VoucherCall, voucher.call_id)
        voucher = _locked(Voucher, voucher.id)
        if voucher.expired_at is not None:
            continue
        left = balance(voucher.id)
        if left:
            _add(voucher, Movement.EXPIRE, -left)
        voucher.expired_at = utcnow()
        expired.append(voucher)
        assigned.extend(fill(call, today))
    return expired, assigned
