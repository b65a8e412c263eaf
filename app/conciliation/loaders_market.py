"""One authorising loader per object of the marketplace."""

from flask import abort
from flask_login import current_user

from app.conciliation.catalogue import can_manage, is_coordinator, is_staff
from app.conciliation.models import AllianceCompany, Order, Provider, Service
from app.platform.extensions import db


def _int_or_404(value) -> int:
    return value if isinstance(value, int) else abort(404)


def public_service_or_404(service_id: int) -> Service:
    """A service the public sees: active, of an accredited provider (its staff and coordinators
    see it in any state, from their pages)."""
    service = db.session.get(Service, _int_or_404(service_id)) or abort(404)
    if not (service.is_active and service.provider.is_accredited) and not can_manage(
        current_user, service.provider
    ):
        abort(404)
    return service


def provider_or_404(provider_id: int) -> Provider:
    """A provider its staff or a coordinator manages; 403 for anyone else signed in."""
    provider = db.session.get(Provider, provider_id) or abort(404)
    if not can_manage(current_user, provider):
        abort(403)
    return provider


def managed_service_or_404(service_id: int) -> Service:
    service = db.session.get(Service, service_id) or abort(404)
    if not can_manage(current_user, service.provider):
        abort(403)
    return service


def company_or_404(company_id: int) -> AllianceCompany:
    if not is_coordinator(current_user):
        abort(403)
    return db.session.get(AllianceCompany, company_id) or abort(404)


def own_order_or_404(order_id: int) -> Order:
    """The resident's own order; someone else's is a 404, not telling it exists."""
    order = db.session.get(Order, order_id)
    if order is None or order.user_id != current_user.id:
        abort(404)
    return order


def provider_order_or_404(order_id: int) -> Order:
    """An order a provider's staff member handles (only their provider's)."""
    order = db.session.get(Order, order_id) or abort(404)
    if not is_staff(current_user, order.provider):
        abort(403)
    return order
