"""Per il tuo tempo: vouchers spent on orders. A resident pays min(balance, total) with their own
voucher in the order's transaction; a refused or cancelled order gives it back; bad choices
change nothing; two orders at once against the last euro cannot both take it (SQLite and PG)."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.common.timeutil import utcnow
from app.conciliation import calls, orders, vouchers
from app.conciliation.models import Order, Service
from app.conciliation.voucher_models import Movement, Voucher, VoucherMovement
from app.platform.extensions import db
from app.towns.models import Town
from tests.calls_support import calls_world_fixture, open_call  # noqa: F401
from tests.conciliation_market_support import (
    Market,
    build,
    count,
    future_day,
    kinds_to,
    order_data,
)
from tests.conftest import text
from tests.test_conciliation_vouchers import TODAY, file, run_together

BASE = "/per-il-tuo-tempo"


@pytest.fixture(name="market")
def market_fixture(calls_world, make_user) -> Market:
    return build(make_user)


def voucher_of(world, user, n: int = 1) -> Voucher:
    """A published call whose one voucher (200 €) goes to `user`."""
    call = open_call([world.crema])
    application = file(world, call, n, user=user)
    call.closes_at = utcnow() - timedelta(seconds=1)
    calls.compute(call, utcnow())
    calls.publish(call, utcnow(), TODAY)
    db.session.commit()
    return db.session.scalar(select(Voucher).where(Voucher.application_id == application.id))


def test_the_order_form_offers_only_the_residents_usable_vouchers(browser, calls_world, market):
    mine = voucher_of(calls_world, calls_world.resident, 1)
    voucher_of(calls_world, calls_world.other, 2)
    browser.login(calls_world.resident)
    page = text(browser.get(f"{BASE}/servizi/{market.service.id}"))
    assert "Paga con un voucher" in page
    assert f"Voucher {mine.application.number}: 200,00 € disponibili" in page
    assert page.count("disponibili, valido fino al") == 1
    browser.logout()
    browser.login(calls_world.coordinator)  # no voucher: no choice shown
    assert "Paga con un voucher" not in text(browser.get(f"{BASE}/servizi/{market.service.id}"))


def test_a_voucher_pays_the_whole_order_when_it_holds_enough(browser, calls_world, market):
    voucher = voucher_of(calls_world, calls_world.resident)
    browser.login(calls_world.resident)
    response = browser.post(
        f"{BASE}/servizi/{market.service.id}/ordina", order_data(market, voucher=str(voucher.id))
    )
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert (order.total_cents, order.voucher_cents, order.family_cents, order.voucher_id) == (
        2400, 2400, 0, voucher.id)  # fmt: skip
    assert vouchers.balance(voucher.id) == 20000 - 2400
    detail = text(browser.get(response.location))
    assert "Pagato con voucher 24,00 €" in detail and "Da pagare al fornitore 0,00 €" in detail
    assert kinds_to(calls_world.resident.email)[-2:] == ["conc_order_placed", "conc_order_voucher_used"]


def test_a_voucher_pays_its_balance_and_the_family_the_rest(browser, calls_world, market):
    voucher = voucher_of(calls_world, calls_world.resident)
    first = orders.place(calls_world.resident, market.service, market.crema, future_day(), time(10), 15,
                         "Via Roma 1", "", voucher_id=voucher.id)  # fmt: skip
    db.session.commit()
    assert (first.voucher_cents, first.family_cents) == (18000, 0)
    browser.login(calls_world.resident)
    response = browser.post(
        f"{BASE}/servizi/{market.service.id}/ordina", order_data(market, voucher=str(voucher.id))
    )
    order = db.session.get(Order, int(response.location.rsplit("/", 1)[1]))
    assert (order.total_cents, order.voucher_cents, order.family_cents) == (2400, 2000, 400)
    assert vouchers.balance(voucher.id) == 0
    detail = text(browser.get(response.location))
    assert "Pagato con voucher 20,00 €" in detail and "Da pagare al fornitore 4,00 €" in detail


@pytest.mark.parametrize(
    ("whose", "change", "message"),
    [
        ("other", None, "Il voucher scelto non è tra i tuoi."),
        ("resident", "expired", "Il voucher è scaduto."),
        ("resident", "empty", "Sul voucher non è rimasto credito."),
        ("resident", "missing", "Il voucher scelto non è tra i tuoi."),
        ("resident", "garbage", "Il voucher scelto non è tra i tuoi."),
    ],
)
def test_bad_voucher_choices_change_nothing(browser, calls_world, market, whose, change, message):
    voucher = voucher_of(calls_world, getattr(calls_world, whose))
    value = str(voucher.id)
    if change == "expired":
        voucher.expires_on = utcnow().date() - timedelta(days=1)
    elif change == "empty":
        vouchers.spend(voucher, 20000, None, TODAY)
    elif change == "missing":
        value = str(voucher.id + 99)
    elif change == "garbage":
        value = "abc"
    db.session.commit()
    before = vouchers.balance(voucher.id)
    movements = count(VoucherMovement)
    browser.login(calls_world.resident)
    response = browser.post(f"{BASE}/servizi/{market.service.id}/ordina", order_data(market, voucher=value))
    assert response.status_code == 400
    assert message in text(response)
    assert count(Order) == 0 and count(VoucherMovement) == movements
    assert vouchers.balance(voucher.id) == before
    assert kinds_to(market.provider.email) == []


@pytest.mark.parametrize("how", ["refuse", "cancel"])
def test_a_refused_or_cancelled_order_gives_the_money_back(browser, calls_world, market, how):
    voucher = voucher_of(calls_world, calls_world.resident)
    browser.login(calls_world.resident if how == "cancel" else market.staff)
    order = orders.place(calls_world.resident, market.service, market.crema, future_day(), time(10), 2,
                         "Via Roma 1", "", voucher_id=voucher.id)  # fmt: skip
    db.session.commit()
    assert vouchers.balance(voucher.id) == 20000 - 2400
    if how == "cancel":
        response = browser.post(f"{BASE}/ordini/{order.id}/annulla")
    else:
        response = browser.post(
            f"{BASE}/fornitori/ordini/{order.id}/rifiuta", {"reason": "Siamo al completo"}
        )
    assert response.status_code == 302
    db.session.expire_all()
    assert vouchers.balance(voucher.id) == 20000
    kinds = db.session.scalars(
        select(VoucherMovement.kind).where(VoucherMovement.order_id == order.id).order_by(VoucherMovement.id)
    ).all()
    assert kinds == [Movement.SPEND, Movement.REFUND]


def test_two_orders_at_once_against_the_last_euro(calls_world, market, db_url):
    voucher = voucher_of(calls_world, calls_world.resident)
    vouchers.spend(voucher, 19900, None, TODAY)
    db.session.commit()  # one euro left
    ids = (voucher.id, calls_world.resident.id, market.service.id, market.crema.id)

    def order(_index):
        voucher_id, user_id, service_id, town_id = ids
        get = db.session.get
        try:
            placed = orders.place(get(User, user_id), get(Service, service_id), get(Town, town_id), future_day(),
                                  time(10), 1, "Via Roma 1", "", voucher_id=voucher_id)  # fmt: skip
        except orders.OrderRefused as refused:
            db.session.rollback()
            return str(refused)
        return placed.voucher_cents

    results = run_together(db_url, 2, order)
    assert sorted(results, key=str) == [100, "Sul voucher non è rimasto credito."]
    db.session.expire_all()
    assert vouchers.balance(voucher.id) == 0
    assert count(Order) == 1
