"""The one rule for the price a person pays: the alliance price for a confirmed employee of a
company that is a member of the alliance on that day; the full price for everyone else."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.conciliation.models import AllianceCompany, AllianceEmployee, EmployeeState, Service
from app.platform.extensions import db


@dataclass(frozen=True)
class Price:
    unit_cents: int
    is_alliance: bool
    company: str = ""


def alliance_company(user, day: date) -> AllianceCompany | None:
    """The alliance company that confirmed `user` as its employee and is a member on `day`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    companies = db.session.scalars(
        select(AllianceCompany)
        .join(AllianceEmployee, AllianceEmployee.company_id == AllianceCompany.id)
        .where(AllianceEmployee.user_id == user.id, AllianceEmployee.state == EmployeeState.CONFIRMED)
        .order_by(AllianceCompany.name)
    )
    return next((c for c in companies if c.is_member_on(day)), None)


def price_for(user, service: Service, day: date) -> Price:
    company = alliance_company(user, day)
    if company is not None:
        return Price(service.alliance_cents, True, company.name)
    return Price(service.full_cents, False)
