"""The public catalogue (no sign-in to browse), a service's page, and ordering it (signed in)."""

from datetime import time
from functools import lru_cache

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.common.timeutil import today_in_rome
from app.conciliation import bp, notices, orders
from app.conciliation.catalogue import categories, offered
from app.conciliation.forms_market import OrderForm
from app.conciliation.loaders_market import public_service_or_404
from app.conciliation.models import Service
from app.conciliation.money import format_cents
from app.conciliation.pricing import price_for
from app.platform.extensions import db
from app.towns.models import Town

# Babel's currency formatting costs about half a millisecond a call: a catalogue page shows two
# prices per service, and prices repeat, so the few thousand amounts in use are remembered.
_cents = lru_cache(maxsize=4096)(format_cents)
bp.add_app_template_filter(lambda cents: _cents(cents or 0), "cents")


def _towns() -> list[Town]:
    return list(db.session.scalars(select(Town).order_by(Town.name)))


@bp.route("/")
def catalogue():
    """Services of accredited providers, by town and category."""
    towns, kinds = _towns(), categories()
    town = next((t for t in towns if t.slug == request.args.get("comune")), None)
    category = next((c for c in kinds if c.slug == request.args.get("categoria")), None)
    services = offered(town.id if town else None, category.id if category else None)
    return render_template(
        "conciliation/catalogue.html", services=services, towns=towns, categories=kinds,
        town=town, category=category,
    )  # fmt: skip


def order_form(service: Service) -> OrderForm:
    form = OrderForm()
    form.town.choices = [(t.id, t.name) for t in service.towns]
    form.start.choices = [(s.strftime("%H:%M"), s.strftime("%H:%M")) for s in orders.slots(service)]
    return form


def _service_page(service: Service, form: OrderForm | None, status: int = 200, refusal: str | None = None):
    today = today_in_rome()
    price = price_for(current_user, service, today) if current_user.is_authenticated else None
    return render_template(
        "conciliation/service.html", service=service, form=form, price=price, refusal=refusal,
    ), status  # fmt: skip


@bp.route("/servizi/<int:service_id>")
def service_page(service_id: int):
    service = public_service_or_404(service_id)
    form = None
    if current_user.is_authenticated:
        form = order_form(service)
        form.quantity.data = 1
    return _service_page(service, form)


@bp.route("/servizi/<int:service_id>/ordina", methods=["POST"])
@login_required
def order(service_id: int):
    service = public_service_or_404(service_id)
    form = order_form(service)
    if not form.validate_on_submit():
        return _service_page(service, form, 400)
    town = db.session.get(Town, form.town.data)
    hour, minute = (int(p) for p in form.start.data.split(":"))
    try:
        placed = orders.place(
            current_user, service, town, form.day.data, time(hour, minute), form.quantity.data,
            form.address.data, form.note.data,
        )  # fmt: skip
    except orders.OrderRefused as refused:
        db.session.rollback()
        return _service_page(service, form, 400, refusal=str(refused))
    notices.order_step("conc_order_new", placed)
    notices.order_step("conc_order_placed", placed)
    db.session.commit()
    flash(_("Ordine inviato: il fornitore ti risponderà per e-mail."), "success")
    return redirect(url_for("conciliation.order_detail", order_id=placed.id))
