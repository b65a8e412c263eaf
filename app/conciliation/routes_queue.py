"""A provider's queue by day (made for a phone) and what its staff does with an order: accept,
refuse with a reason, mark delivered."""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.common.forms import EmptyForm
from app.common.timeutil import today_in_rome
from app.conciliation import bp, notices, orders
from app.conciliation.catalogue import queue
from app.conciliation.forms_market import RefuseForm
from app.conciliation.loaders_market import provider_or_404, provider_order_or_404
from app.conciliation.models import Order
from app.platform.extensions import db
from app.platform.page_cache import personal_page


def _day(value: str | None) -> date:
    if not value:
        return today_in_rome()
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(404)


@bp.route("/fornitori/<int:provider_id>/ordini")
@personal_page(args=("giorno",))
@login_required
def provider_queue(provider_id: int):
    """Kept for each staff member until the data changes (an order placed, accepted, cancelled...):
    read on a phone again and again through the day."""
    provider = provider_or_404(provider_id)
    day = _day(request.args.get("giorno"))
    return render_template(
        "conciliation/queue.html", provider=provider, day=day, orders=queue(provider, day),
        previous=day - timedelta(days=1), next=day + timedelta(days=1), today=today_in_rome(),
    )  # fmt: skip


def _order_page(order: Order, refuse_form: RefuseForm, status: int = 200):
    return render_template(
        "conciliation/provider_order.html", order=order, form=EmptyForm(), refuse_form=refuse_form,
    ), status  # fmt: skip


@bp.route("/fornitori/ordini/<int:order_id>")
@login_required
def provider_order(order_id: int):
    return _order_page(provider_order_or_404(order_id), RefuseForm(formdata=None))


STEPS = {
    "accetta": (
        orders.accept,
        "conc_order_accepted",
        _l("Ordine accettato: chi ha ordinato riceve un messaggio."),
    ),
    "svolto": (orders.deliver, "conc_order_delivered", _l("Servizio segnato come svolto.")),
}


@bp.route("/fornitori/ordini/<int:order_id>/<step>", methods=["POST"])
@login_required
def provider_step(order_id: int, step: str):
    found = provider_order_or_404(order_id)
    if step == "rifiuta":
        return _refuse(found)
    if step not in STEPS:
        abort(404)
    move, kind, done = STEPS[step]
    if not EmptyForm().validate_on_submit():
        flash(_("Il modulo è scaduto: riprova."), "danger")
        return redirect(url_for("conciliation.provider_order", order_id=order_id))
    try:
        move(found)
    except orders.OrderRefused as refused:
        flash(str(refused), "danger")
        return redirect(url_for("conciliation.provider_order", order_id=order_id))
    notices.order_step(kind, found)
    db.session.commit()
    flash(str(done), "success")
    return redirect(
        url_for("conciliation.provider_queue", provider_id=found.provider_id, giorno=found.day.isoformat())
    )


def _refuse(found: Order):
    form = RefuseForm()
    if not form.validate_on_submit():
        return _order_page(found, form, 400)
    try:
        orders.refuse(found, form.reason.data)
    except orders.OrderRefused as refused:
        flash(str(refused), "danger")
        return redirect(url_for("conciliation.provider_order", order_id=found.id))
    notices.order_step("conc_order_refused", found)
    db.session.commit()
    flash(_("Ordine rifiutato: chi ha ordinato riceve il motivo."), "success")
    return redirect(
        url_for("conciliation.provider_queue", provider_id=found.provider_id, giorno=found.day.isoformat())
    )
