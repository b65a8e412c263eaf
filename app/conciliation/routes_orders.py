"""A resident's orders: the list, one order (what each side pays), cancelling it."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.forms import EmptyForm
from app.conciliation import bp, notices, orders
from app.conciliation.loaders_market import own_order_or_404
from app.conciliation.models import Order, Service
from app.platform.extensions import db


@bp.route("/ordini/")
@login_required
def my_orders():
    found = db.session.scalars(
        select(Order).where(Order.user_id == current_user.id)
        .options(selectinload(Order.service).selectinload(Service.provider))
        .order_by(Order.day.desc(), Order.start_time.desc())
    ).all()  # fmt: skip
    return render_template("conciliation/my_orders.html", orders=found)


@bp.route("/ordini/<int:order_id>")
@login_required
def order_detail(order_id: int):
    found = own_order_or_404(order_id)
    return render_template(
        "conciliation/order.html", order=found, form=EmptyForm(), can_cancel=orders.can_cancel(found)
    )


@bp.route("/ordini/<int:order_id>/annulla", methods=["POST"])
@login_required
def cancel_order(order_id: int):
    found = own_order_or_404(order_id)
    if not EmptyForm().validate_on_submit():
        flash(_("Il modulo è scaduto: riprova."), "danger")
        return redirect(url_for("conciliation.order_detail", order_id=order_id))
    try:
        orders.cancel(found)
    except orders.OrderRefused as refused:
        flash(str(refused), "danger")
        return redirect(url_for("conciliation.order_detail", order_id=order_id))
    notices.order_step("conc_order_cancelled", found)
    db.session.commit()
    flash(_("Ordine annullato: il fornitore riceve un messaggio."), "success")
    return redirect(url_for("conciliation.order_detail", order_id=order_id))
