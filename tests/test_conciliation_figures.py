"""Per il tuo tempo's block on the coordinators' dashboard: the district's generated year, counted
again here in plain SQL, must be what the block shows; a fixed number of queries whatever the size."""

from datetime import timedelta

import pytest
from sqlalchemy import Date, Integer, bindparam, func, select
from sqlalchemy import text as sql

from app.accounts.models import Role
from app.auth import services as accounts
from app.common.timeutil import today_in_rome
from app.conciliation import demo_district
from app.conciliation.models import Order, OrderState
from app.conciliation.money import format_cents
from app.conciliation.voucher_models import Voucher, VoucherMovement
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.test_query_counts import count_queries


def load_district() -> list:
    towns = [factories.town(f"Comune {n:02d}") for n in range(6)]
    residents = [accounts.create_user(f"r{n}@example.org", f"Residente {n}", set()) for n in range(280)]
    staff = [accounts.create_user(demo_district.staff_email(p), f"Fornitore {p}", set()) for p in range(12)]
    demo_district.load(today_in_rome(), towns, residents, staff)
    db.session.commit()
    return towns


TYPES = {"first": Date, "last": Date, "town": Integer}
# An order counts in the town where it is delivered; a voucher in the town of its application.
ORDERS = """SELECT count(DISTINCT o.user_id), count(*), coalesce(sum(o.voucher_cents), 0),
    coalesce(sum(o.family_cents), 0) FROM conc_orders o
    WHERE o.state = 'delivered' AND o.day >= :first AND o.day <= :last AND (:town IS NULL OR o.town_id = :town)"""
SPENT = """SELECT count(DISTINCT o.voucher_id), coalesce(sum(o.voucher_cents), 0) FROM conc_orders o
    JOIN vouchers v ON v.id = o.voucher_id JOIN voucher_applications a ON a.id = v.application_id
    WHERE o.state = 'delivered' AND o.day >= :first AND o.day <= :last AND (:town IS NULL OR a.town_id = :town)"""
ASSIGNED = """SELECT count(*), coalesce(sum(v.value_cents), 0) FROM vouchers v
    JOIN voucher_applications a ON a.id = v.application_id
    WHERE v.assigned_on >= :first AND v.assigned_on <= :last AND (:town IS NULL OR a.town_id = :town)"""
CATEGORIES = """SELECT c.name, count(*) FROM conc_orders o JOIN conc_services s ON s.id = o.service_id
    JOIN conc_categories c ON c.id = s.category_id
    WHERE o.state = 'delivered' AND o.day >= :first AND o.day <= :last AND (:town IS NULL OR o.town_id = :town)
    GROUP BY c.name"""


def rows(query: str, first, last, town_id):
    params = [bindparam(name, type_=kind) for name, kind in TYPES.items()]
    return db.session.execute(
        sql(query).bindparams(*params), {"first": first, "last": last, "town": town_id}
    ).all()


def expected(first, last, town_id=None) -> dict:
    """The figures again, straight from the tables: spending checked against the orders it paid."""
    people, delivered, voucher, family = rows(ORDERS, first, last, town_id)[0]
    return {"people": people, "delivered": delivered, "voucher": voucher, "family": family,
            "spent": tuple(rows(SPENT, first, last, town_id)[0]),
            "assigned": tuple(rows(ASSIGNED, first, last, town_id)[0]),
            "categories": dict(rows(CATEGORIES, first, last, town_id))}  # fmt: skip


def block(browser, first, last, town="") -> str:
    page = text(browser.get(f"/coordinamento/?dal={first}&al={last}&comune={town}"))
    assert "Per il tuo tempo" in page, page
    return page.split("Per il tuo tempo", 1)[1].split("Esporta", 1)[0]


def money(cents: int) -> str:
    return " ".join(format_cents(cents).split())  # as text() reads it: one plain space


def assert_shows(shown: str, figures: dict) -> None:
    shown = " ".join(shown.split())
    assert (
        f"{figures['people']} Persone servite {figures['delivered']} Servizi erogati "
        f"{figures['assigned'][0]} Voucher assegnati {figures['spent'][0]} Voucher usati"
    ) in shown
    for name, count in figures["categories"].items():
        assert f"{name} {count}" in shown
    assert f"Voucher assegnati (valore) {money(figures['assigned'][1])}" in shown
    assert f"Voucher spesi (al netto dei rimborsi) {money(figures['spent'][1])}" in shown
    assert f"pagato con voucher {money(figures['voucher'])}" in shown
    assert f"pagato dalle famiglie {money(figures['family'])}" in shown
    assert f"totale {money(figures['voucher'] + figures['family'])}" in shown


@pytest.fixture
def as_coordinator(browser, make_user):
    browser.login(make_user("coord@example.org", [Role.COORDINATOR], "Carla Coordinatrice"))
    return browser


def test_the_generated_year_has_the_district_scale_and_a_consistent_ledger(app):
    load_district()
    delivered = db.session.scalar(select(func.count()).where(Order.state == OrderState.DELIVERED))
    people = db.session.scalar(
        select(func.count(func.distinct(Order.user_id))).where(Order.state == "delivered")
    )
    assert 3_700 <= delivered <= 3_900 and people == 280
    assert db.session.scalar(select(func.count(Voucher.id))) == 100
    # Every voucher's balance is what its ledger says, never below zero, and spends equal what orders took.
    balances = db.session.execute(
        select(VoucherMovement.voucher_id, func.sum(VoucherMovement.cents)).group_by(
            VoucherMovement.voucher_id
        )
    ).all()
    assert len(balances) == 100 and min(balance for _, balance in balances) >= 0
    spent = db.session.scalar(select(-func.sum(VoucherMovement.cents)).where(VoucherMovement.kind == "spend"))
    assert spent == db.session.scalar(select(func.sum(Order.voucher_cents))) > 0


def test_the_block_shows_what_the_tables_hold_for_the_year_and_for_one_town(app, as_coordinator):
    towns = load_district()
    today = today_in_rome()
    first, last = today - timedelta(days=365), today
    year = expected(first, last)
    assert year["people"] == 280 and year["spent"][0] > 50 and len(year["categories"]) == 8
    assert_shows(block(as_coordinator, first, last), year)
    town = expected(first, last, towns[1].id)
    assert 0 < town["delivered"] < year["delivered"] and town["assigned"][0] < 100
    assert_shows(block(as_coordinator, first, last, towns[1].slug), town)
    spring = (today - timedelta(days=200), today - timedelta(days=150))
    assert_shows(block(as_coordinator, *spring), expected(*spring))


def test_an_empty_period_shows_zeros_and_a_bad_one_no_block(app, as_coordinator):
    load_district()
    future = today_in_rome() + timedelta(days=400)
    shown = block(as_coordinator, future, future + timedelta(days=5))
    assert "0 Persone servite 0 Servizi erogati 0 Voucher assegnati 0 Voucher usati" in shown
    assert "Nessun servizio erogato nel periodo." in shown
    bad = as_coordinator.get("/coordinamento/?dal=2026-12-31&al=2026-01-01")
    assert bad.status_code == 400 and "Persone servite" not in text(bad)


def test_the_block_is_for_coordinators_only(app, browser, make_user):
    load_district()
    assert browser.get("/coordinamento/").status_code == 302
    browser.login(make_user("resident@example.org", [], "Rita Residente"))
    response = browser.get("/coordinamento/")
    assert response.status_code == 403 and "Persone servite" not in text(response)


def test_the_dashboard_makes_a_fixed_number_of_queries(app, as_coordinator):
    today = today_in_rome()
    url = f"/coordinamento/?dal={today - timedelta(days=365)}&al={today}"
    as_coordinator.get(url)
    with count_queries() as empty:
        assert "0 Persone servite" in text(as_coordinator.get(url))
    load_district()
    with count_queries() as district:
        assert "280 Persone servite" in text(as_coordinator.get(url))
    assert empty and len(district) == len(empty), district
