"""Browser walk of the voucher calls (tests/browser/conciliation_calls.mjs): a resident applies and
reads the protocol number; a coordinator closes, computes, reviews and publishes the ranking; the
public ranking shows protocol numbers only; the resident orders a service paying with the voucher
and the provider accepts; then (the order moved into last month) the provider marks it delivered
and a coordinator prepares and approves the month's statement. axe-core at 390 and 1280 px."""

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.common.timeutil import today_in_rome
from app.conciliation.models import Order
from app.conciliation.statements import month_before
from app.platform.extensions import db
from tests.browser_support import demo_app, require_browser, run_flow, served

pytestmark = pytest.mark.browser


def test_a_resident_applies_a_coordinator_publishes_and_the_voucher_is_spent(tmp_path, monkeypatch):
    require_browser()
    app = demo_app(tmp_path, "conciliation-calls")
    with served(app) as base:
        printed = run_flow("browser/conciliation_calls.mjs", base)
        assert "conciliation calls browser walk: ok PTT-" in printed and "VIOLATIONS" not in printed
        with app.app_context():
            order = db.session.scalar(select(Order).where(Order.voucher_id.is_not(None)))
            assert order.state == "accepted" and order.voucher_cents == 20000
            order.day = month_before(today_in_rome()) + timedelta(days=9)  # the service was last month
            db.session.commit()
            order_id = order.id
        monkeypatch.setitem(os.environ, "ORDER_ID", str(order_id))
        monkeypatch.setitem(os.environ, "CALLS_PHASE", "statement")
        printed = run_flow("browser/conciliation_calls.mjs", base)
        assert "walk: ok statement approved" in printed and "VIOLATIONS" not in printed
    with app.app_context():
        assert db.session.get(Order, order_id).state == "delivered"
