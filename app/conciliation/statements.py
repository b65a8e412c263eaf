"""Monthly statements: each provider's delivered orders of a month paid (partly) by vouchers.

`make_month` is idempotent: it creates the statements that are missing and rebuilds the lines of
those still in draft (an order delivered late joins them); an approved statement is frozen.
`approve` moves a draft with one conditional UPDATE, so two coordinators at once approve it once.
The caller commits."""

from datetime import date, datetime, timedelta

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.common.timeutil import utcnow
from app.conciliation.catalogue import can_manage, is_coordinator
from app.conciliation.models import Order, OrderState
from app.conciliation.statement_models import Statement, StatementLine, StatementState
from app.conciliation.voucher_models import Application, Voucher
from app.platform.extensions import db


class StatementError(ValueError):
    """A statement cannot be moved: the message says why, in Italian."""


def month_before(day: date) -> date:
    """The first day of the month before `day`'s."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _paid_orders(month: date) -> list[tuple[Order, str]]:
    """Delivered orders of the month that a voucher paid (partly), with the voucher's number."""
    rows = db.session.execute(
        select(Order, Application.number)
        .join(Voucher, Voucher.id == Order.voucher_id)
        .join(Application, Application.id == Voucher.application_id)
        .where(Order.state == OrderState.DELIVERED, Order.voucher_cents > 0)
        .where(Order.day >= month, Order.day < next_month(month))
        .options(selectinload(Order.service))
        .order_by(Order.provider_id, Order.day, Order.id)
    )
    return list(rows.tuples())


def make_month(month: date) -> list[Statement]:
    """The month's statements, made or brought up to date; returns those made now."""
    existing = {
        s.provider_id: s
        for s in db.session.scalars(
            select(Statement).where(Statement.month == month).options(selectinload(Statement.lines))
        )
    }
    made, rebuilt = [], set()
    for order, number in _paid_orders(month):
        statement = existing.get(order.provider_id)
        if statement is None:
            statement = existing[order.provider_id] = Statement(provider_id=order.provider_id, month=month)
            db.session.add(statement)
            made.append(statement)
        if statement.is_approved:
            continue
        if statement.provider_id not in rebuilt:  # a draft's lines are made again, once per run
            statement.lines.clear()
            db.session.flush()
            rebuilt.add(statement.provider_id)
        statement.lines.append(
            StatementLine(order_id=order.id, day=order.day, service_title=order.service.title,
                          voucher_number=number, user_id=order.user_id,
                          voucher_cents=order.voucher_cents, family_cents=order.family_cents)
        )  # fmt: skip
    db.session.flush()
    return made


def approve(statement: Statement, user, now: datetime | None = None) -> None:
    result = db.session.execute(
        update(Statement)
        .where(Statement.id == statement.id, Statement.state == StatementState.DRAFT)
        .values(
            state=StatementState.APPROVED,
            approved_at=now or utcnow(),
            approved_by_id=user.id,
            version=Statement.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise StatementError(_("Il rendiconto è già stato approvato."))
    db.session.refresh(statement)


def statement_or_404(statement_id: int) -> Statement:
    """A statement its provider's staff or a coordinator reads; 403 for anyone else signed in."""
    statement = db.session.get(Statement, statement_id) or abort(404)
    if not can_manage(current_user, statement.provider):
        abort(403)
    return statement


def coordinator_statement_or_404(statement_id: int) -> Statement:
    if not is_coordinator(current_user):
        abort(403)
    return db.session.get(Statement, statement_id) or abort(404)


def of_provider(provider_id: int) -> list[Statement]:
    return list(db.session.scalars(
        select(Statement).where(Statement.provider_id == provider_id)
        .options(selectinload(Statement.lines)).order_by(Statement.month.desc())
    ))  # fmt: skip


def all_statements() -> list[Statement]:
    return list(db.session.scalars(
        select(Statement)
        .options(selectinload(Statement.lines), selectinload(Statement.provider))
        .order_by(Statement.month.desc(), Statement.id)
    ))  # fmt: skip
