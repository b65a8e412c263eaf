"""The public catalogue (no sign-in to browse), a service's page, and ordering it (signed in)."""

from datetime import time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.common.timeutil import today_in_rome
from app.conciliation import bp, notices, orders, vouchers
from app.conciliation.catalogue import categories, offered
from app.conciliation.forms_market import OrderForm
from app.conciliation.loaders_market import public_service_or_404
from app.conciliation.models import Service
from app.conciliation.money import format_cents
from app.conciliation.pricing import price_for
from app.platform.extensions import db
from app.platform.page_cache import keep_not, public_page
from app.towns.models import Town

# Every template of the feature, e-mails included, shows an amount with `|cents`.
bp.add_app_template_filter(lambda cents: format_cents(cents or 0), "cents")


def _towns() -> list[Town]:
    return list(db.session.scalars(select(Town).order_by(Town.name)))


@bp.route("/")
@public_page(args=("comune", "categoria"))
def catalogue():
    """Services of accredited providers, by town and category; kept for visitors like the calendar."""
    towns, kinds = _towns(), categories()
    town = next((t for t in towns if t.slug == request.args.get("comune")), None)
    category = next((c for c in kinds if c.slug == request.args.get("categoria")), None)
    if (request.args.get("comune") and town is None) or (request.args.get("categoria") and category is None):
        keep_not()  # a made-up town or category: shown as none, not kept once per spelling
    services = offered(town.id if town else None, category.id if category else None)
    return render_template(
        "conciliation/catalogue.html", services=services, towns=towns, categories=kinds,
        town=town, category=category,
    )  # fmt: skip


def order_form(service: Service) -> OrderForm:
    form = OrderForm()
    form.town.choices = [(t.id, t.name) for t in service.towns]
    form.start.choices = [(s.strftime("%H:%M"), s.strftime("%H:%M")) for s in orders.slots(service)]
    usable = vouchers.usable(current_user.id, today_in_rome())
    if usable:
        form.voucher.choices = [("", _("Non usare il voucher"))] + [
            (str(v.id), _("Voucher %(n)s: %(b)s disponibili, valido fino al %(d)s",
                          n=v.application.number, b=format_cents(left), d=v.expires_on.strftime("%d/%m/%Y")))
            for v, left in usable
        ]  # fmt: skip
    elif not request.form.get("voucher"):
        del form.voucher
    else:
        form.voucher.choices = []
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
            form.address.data, form.note.data, voucher_id=form.voucher_id(),
        )  # fmt: skip
    except orders.OrderRefused as refused:
        db.session.rollback()
        return _service_page(service, form, 400, refusal=str(refused))
    notices.order_step("conc_order_new", placed)
    notices.order_step("conc_order_placed", placed)
    if placed.voucher_cents:
        notices.order_step("conc_order_voucher_used", placed)
    db.session.commit()
    flash(_("Ordine inviato: il fornitore ti risponderà per e-mail."), "success")
    return redirect(url_for("conciliation.order_detail", order_id=placed.id))
