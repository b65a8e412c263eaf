"""Who may do what in the marketplace, and the catalogue's queries (a fixed number of them,
whatever the catalogue's size)."""

from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Role
from app.conciliation.models import (
    Order,
    Provider,
    ProviderStaff,
    ProviderState,
    Service,
    ServiceCategory,
    service_towns,
)
from app.platform.extensions import db


def is_coordinator(user) -> bool:
    return user.is_authenticated and user.has_role(Role.COORDINATOR, Role.ADMIN)


def is_staff(user, provider: Provider) -> bool:
    if not user.is_authenticated:
        return False
    found = select(ProviderStaff.user_id).where(
        ProviderStaff.provider_id == provider.id, ProviderStaff.user_id == user.id
    )
    return db.session.scalar(found) is not None


def can_manage(user, provider: Provider) -> bool:
    return is_coordinator(user) or is_staff(user, provider)


def providers_of(user) -> list[Provider]:
    if not user.is_authenticated:
        return []
    return list(db.session.scalars(
        select(Provider).join(ProviderStaff).where(ProviderStaff.user_id == user.id).order_by(Provider.name)
    ))  # fmt: skip


def categories() -> list[ServiceCategory]:
    return list(db.session.scalars(select(ServiceCategory).order_by(ServiceCategory.name)))


def offered(town_id: int | None = None, category_id: int | None = None) -> list[Service]:
    """Active services of accredited providers, by category and title: two queries in all."""
    query = (
        select(Service)
        .join(Provider, Service.provider_id == Provider.id)
        .where(Service.is_active, Provider.state == ProviderState.ACCREDITED)
        .options(selectinload(Service.provider), selectinload(Service.category), selectinload(Service.towns))
        .order_by(Service.title, Service.id)
    )
    if town_id:
        query = query.where(
            exists().where(service_towns.c.service_id == Service.id, service_towns.c.town_id == town_id)
        )
    if category_id:
        query = query.where(Service.category_id == category_id)
    return list(db.session.scalars(query))


def queue(provider: Provider, day: date) -> list[Order]:
    """A provider's orders for one day, by start time, with what the page shows: three queries."""
    return list(db.session.scalars(
        select(Order).where(Order.provider_id == provider.id, Order.day == day)
        .options(selectinload(Order.service), selectinload(Order.user), selectinload(Order.town))
        .order_by(Order.start_time, Order.id)
    ))  # fmt: skip
