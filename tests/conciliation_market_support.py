"""Shared set-up for the marketplace's tests: towns, categories, an accredited provider with a
staff member, a service bookable every day from 8 to 20 with 24 hours' notice, an alliance company."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.common.timeutil import today_in_rome
from app.conciliation.demo import ensure_categories
from app.conciliation.models import (
    AllianceCompany,
    AllianceEmployee,
    EmployeeState,
    Order,
    Provider,
    ProviderStaff,
    ProviderState,
    Service,
)
from app.conciliation.taxcodes import vat_check_digit
from app.messages.models import Message
from app.platform.extensions import db
from tests import factories


def vat(prefix: str) -> str:
    """A valid partita IVA starting with the ten digits given."""
    return prefix + vat_check_digit(prefix)


@dataclass
class Market:
    provider: Provider
    service: Service
    staff: User
    company: AllianceCompany
    crema: object
    cremona: object


def make_provider(
    name="Cooperativa Il Girasole", code="0123456789", state=ProviderState.ACCREDITED, towns=(), staff=None
):
    provider = Provider(
        name=name, tax_code=vat(code), email=f"ordini@{code}.example", state=state, towns=list(towns)
    )
    if staff is not None:
        provider.staff_links.append(ProviderStaff(user=staff))
    db.session.add(provider)
    db.session.flush()
    return provider


def make_service(provider, towns, title="Stireria a domicilio", full=1200, alliance=900, **fields):
    categories = ensure_categories()
    values = {
        "provider": provider, "category": categories["stireria"], "title": title, "unit": "hour", "full_cents": full,
        "alliance_cents": alliance, "lead_hours": 24, "weekdays": "0,1,2,3,4,5,6", "opens_at": time(8), "closes_at": time(20),
        "towns": list(towns),
    }  # fmt: skip
    values.update(fields)
    service = Service(**values)
    db.session.add(service)
    db.session.flush()
    return service


def build(make_user) -> Market:
    crema, cremona = factories.town("Crema"), factories.town("Cremona")
    staff = make_user("staff@girasole.example", [], "Elena Pavesi")
    provider = make_provider(towns=[crema, cremona], staff=staff)
    service = make_service(provider, [crema])
    company = AllianceCompany(
        name="Latteria Cremasca", domains="latteria.example", hr_name="Ufficio personale",
        hr_email="hr@latteria.example", joined_on=today_in_rome() - timedelta(days=30),
    )  # fmt: skip
    db.session.add(company)
    db.session.commit()
    return Market(provider, service, staff, company, crema, cremona)


def confirm_employee(user, company, state=EmployeeState.CONFIRMED) -> None:
    db.session.add(AllianceEmployee(company=company, user=user, method="hr", state=state))
    db.session.commit()


def future_day(days=3) -> date:
    return today_in_rome() + timedelta(days=days)


def order_data(market: Market, **changes) -> dict:
    data = {
        "town": str(market.crema.id), "day": future_day().isoformat(), "start": "10:00", "quantity": "2",
        "address": "Via Mazzini 12", "note": "Citofono Ferrari",
    }  # fmt: skip
    data.update(changes)
    return data


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def kinds_to(address: str) -> list[str]:
    return list(
        db.session.scalars(select(Message.kind).where(Message.to_email == address).order_by(Message.id))
    )


def place(user, market, day=None, start=time(10), quantity=2, state="requested") -> Order:
    total = market.service.full_cents * quantity
    order = Order(
        service=market.service, provider=market.provider, user=user, town=market.crema, day=day or future_day(),
        start_time=start, quantity=quantity, unit_cents=market.service.full_cents, total_cents=total,
        family_cents=total, address="Via Mazzini 12", state=state,
    )  # fmt: skip
    db.session.add(order)
    db.session.commit()
    return order
