"""The coordinators' figures of Per il tuo tempo for a period and town, in four queries.
No request, no commit.

- people served: distinct residents with an order delivered on a day of the period;
- services delivered: delivered orders of the period, by category;
- money by source: the vouchers' and the families' share of those orders;
- vouchers assigned (on a day of the period) and spent (vouchers with a spend in it, and the
  money spent net of refunds), by the town of the application.
An order's town is the town it is delivered in.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import case, distinct, func, select

from app.common.timeutil import ROME
from app.conciliation.models import Order, OrderState, Service, ServiceCategory
from app.conciliation.voucher_models import Application, Movement, Voucher, VoucherMovement
from app.platform.extensions import db
from app.reports.period import Period


@dataclass
class ConciliationFigures:
    people: int = 0
    delivered: int = 0
    voucher_cents: int = 0
    family_cents: int = 0
    vouchers_assigned: int = 0
    assigned_cents: int = 0
    vouchers_spent: int = 0
    spent_cents: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)  # name, delivered orders

    @property
    def total_cents(self) -> int:
        return self.voucher_cents + self.family_cents


def _instants(period: Period) -> tuple[datetime, datetime]:
    """The period's days as instants: from Rome's first midnight to the midnight after its last day."""
    start = datetime.combine(period.first, time(0), ROME)
    return start, datetime.combine(period.last + timedelta(days=1), time(0), ROME)


def figures(period: Period) -> ConciliationFigures:
    delivered = [Order.state == OrderState.DELIVERED, Order.day >= period.first, Order.day <= period.last]
    if period.town_id:
        delivered.append(Order.town_id == period.town_id)
    people, count, voucher_cents, family_cents = db.session.execute(
        select(
            func.count(distinct(Order.user_id)),
            func.count(Order.id),
            func.coalesce(func.sum(Order.voucher_cents), 0),
            func.coalesce(func.sum(Order.family_cents), 0),
        ).where(*delivered)
    ).one()
    by_category = db.session.execute(
        select(ServiceCategory.name, func.count(Order.id))
        .join(Service, Service.category_id == ServiceCategory.id)
        .join(Order, Order.service_id == Service.id)
        .where(*delivered)
        .group_by(ServiceCategory.name)
        .order_by(func.count(Order.id).desc(), ServiceCategory.name)
    ).all()
    assigned = select(func.count(Voucher.id), func.coalesce(func.sum(Voucher.value_cents), 0)).where(
        Voucher.assigned_on >= period.first, Voucher.assigned_on <= period.last
    )
    start, end = _instants(period)
    spent = select(
        func.count(distinct(case((VoucherMovement.kind == Movement.SPEND, VoucherMovement.voucher_id)))),
        func.coalesce(-func.sum(VoucherMovement.cents), 0),
    ).where(
        VoucherMovement.kind.in_([Movement.SPEND, Movement.REFUND]),
        VoucherMovement.created_at >= start,
        VoucherMovement.created_at < end,
    )
    if period.town_id:
        in_town = select(Application.id).where(Application.town_id == period.town_id)
        assigned = assigned.where(Voucher.application_id.in_(in_town))
        spent = spent.where(
            VoucherMovement.voucher_id.in_(select(Voucher.id).where(Voucher.application_id.in_(in_town)))
        )
    vouchers_assigned, assigned_cents = db.session.execute(assigned).one()
    vouchers_spent, spent_cents = db.session.execute(spent).one()
    return ConciliationFigures(
        people=people, delivered=count, voucher_cents=voucher_cents, family_cents=family_cents,
        vouchers_assigned=vouchers_assigned, assigned_cents=assigned_cents,
        vouchers_spent=vouchers_spent, spent_cents=spent_cents,
        by_category=[(name, n) for name, n in by_category],
    )  # fmt: skip
