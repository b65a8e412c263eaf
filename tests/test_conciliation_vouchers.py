"""Vouchers and their ledger: balance from movements, spend never below zero nor twice for one
order, refunds, expiry giving the rest back to the budget and to the reserve list; and under
concurrency (threads with their own connections, SQLite and PostgreSQL): two spends against
the last euro, assignments against a budget, protocol numbers gap-free."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.common.timeutil import utcnow
from app.conciliation import calls, notices_calls, vouchers
from app.conciliation.eligibility import Draft, Member
from app.conciliation.voucher_models import Application, Movement, Voucher, VoucherCall, VoucherMovement
from app.conciliation.vouchers import VoucherError
from app.messages.models import Message
from app.platform.extensions import db
from tests import conciliation_market_support as market_support
from tests.calls_support import calls_world_fixture, closed_call, fiscal_code, open_call  # noqa: F401
from tests.conftest import make_config

TODAY = date(2027, 3, 1)


def draft(world_or_town_id, n: int, isee: int = 1_000_000) -> Draft:
    code = fiscal_code(n)
    town_id = world_or_town_id if isinstance(world_or_town_id, int) else world_or_town_id.crema.id
    return Draft(code, date(1985, 12, 10), "employee", 30, town_id, isee, TODAY - timedelta(days=3),
                 ["veridicita", "privacy", "incompatibile-0"], [Member(code, 41)])  # fmt: skip


def file(world, call, n: int, user=None, **kw) -> Application:
    details = {"full_name": f"Persona {n}", "employer": "Ditta", "fund": "", "town_link": "residence"}
    application = calls.submit(call, draft(world, n, **kw), user or world.resident, details, utcnow(), TODAY)
    db.session.commit()
    return application


@pytest.fixture(name="order_ids")
def order_ids_fixture(calls_world):
    """Three real orders of the resident (movements name their order by a foreign key)."""
    provider = market_support.make_provider(towns=[calls_world.crema])
    service = market_support.make_service(provider, [calls_world.crema])
    market = market_support.Market(provider, service, None, None, calls_world.crema, None)
    return [market_support.place(calls_world.resident, market).id for _ in range(3)]


def ranked_call(world, applicants: int, **fields) -> VoucherCall:
    call = open_call([world.crema], **fields)
    for n in range(1, applicants + 1):
        file(world, call, n, isee=100_000 * n)
    call.closes_at = utcnow() - timedelta(seconds=1)
    calls.compute(call, utcnow())
    db.session.commit()
    return call


def test_a_voucher_balance_is_its_ledger(calls_world, order_ids):
    call = ranked_call(calls_world, 1)
    calls.publish(call, utcnow(), TODAY)
    voucher = db.session.scalar(select(Voucher))
    assert (voucher.value_cents, voucher.expires_on) == (20000, TODAY + timedelta(days=180))
    vouchers.spend(voucher, 5000, order_ids[0], TODAY)
    vouchers.spend(voucher, 2500, order_ids[1], TODAY)
    vouchers.refund(voucher, 2500, order_ids[1])
    assert vouchers.balance(voucher.id) == 15000
    kinds = db.session.scalars(select(VoucherMovement.kind).order_by(VoucherMovement.id)).all()
    assert kinds == [Movement.ASSIGN, Movement.SPEND, Movement.SPEND, Movement.REFUND]


@pytest.mark.parametrize(
    ("cents", "order_id", "message"),
    [
        (0, None, "maggiore di zero"),
        (-5, None, "maggiore di zero"),
        (20001, None, "non è rimasto abbastanza credito"),
    ],
)
def test_bad_spends_change_nothing(calls_world, cents, order_id, message):
    call = ranked_call(calls_world, 1)
    calls.publish(call, utcnow(), TODAY)
    voucher = db.session.scalar(select(Voucher))
    with pytest.raises(VoucherError, match=message):
        vouchers.spend(voucher, cents, order_id, TODAY)
    assert vouchers.balance(voucher.id) == 20000


def test_an_order_spends_once_and_refunds_at_most_what_it_took(calls_world, order_ids):
    call = ranked_call(calls_world, 1)
    calls.publish(call, utcnow(), TODAY)
    voucher = db.session.scalar(select(Voucher))
    vouchers.spend(voucher, 1000, order_ids[0], TODAY)
    with pytest.raises(VoucherError, match="già usato"):
        vouchers.spend(voucher, 1000, order_ids[0], TODAY)
    with pytest.raises(VoucherError, match="solo quanto l'ordine ha usato"):
        vouchers.refund(voucher, 1001, order_ids[0])
    with pytest.raises(VoucherError):
        vouchers.refund(voucher, 10, order_ids[1])
    assert vouchers.balance(voucher.id) == 19000


def test_an_expired_voucher_cannot_be_spent(calls_world):
    call = ranked_call(calls_world, 1)
    calls.publish(call, utcnow(), TODAY)
    voucher = db.session.scalar(select(Voucher))
    with pytest.raises(VoucherError, match="scaduto"):
        vouchers.spend(voucher, 100, None, voucher.expires_on + timedelta(days=1))


def test_expiry_returns_the_rest_and_goes_down_the_reserve_list(calls_world):
    call = ranked_call(calls_world, 3, budget_cents=40000)  # two vouchers of 200 €, one on the reserve list
    calls.publish(call, utcnow(), TODAY)
    first, second = db.session.scalars(select(Voucher).order_by(Voucher.id)).all()
    vouchers.spend(first, 5000, None, TODAY)
    db.session.commit()
    assert vouchers.committed(call.id) == 40000
    expired, assigned = vouchers.expire_due(first.expires_on + timedelta(days=1))
    # both expire; what was left (150 + 200 €) comes back: one whole voucher for the third
    assert {v.id for v in expired} == {first.id, second.id}
    assert vouchers.balance(first.id) == 0 and vouchers.balance(second.id) == 0
    third = db.session.scalar(select(Application).where(Application.rank == 3))
    assert [v.application_id for v in assigned] == [third.id]
    assert vouchers.committed(call.id) == 5000 + 20000
    assert vouchers.expire_due(first.expires_on + timedelta(days=1)) == ([], [])  # idempotent


def test_the_hourly_job_expires_and_mails(calls_world):
    call = ranked_call(calls_world, 2, budget_cents=20000)
    calls.publish(call, utcnow(), TODAY)
    voucher = db.session.scalar(select(Voucher))
    voucher.expires_on = TODAY - timedelta(days=400)
    db.session.commit()
    assert notices_calls.expire_vouchers(utcnow()) == 1
    kinds = db.session.scalars(
        select(Message.kind).where(Message.kind.like("call_voucher%")).order_by(Message.id)
    )
    assert list(kinds) == ["call_voucher_assigned", "call_voucher_expired", "call_voucher_assigned"]


# --- concurrency ------------------------------------------------------------------------------


def run_together(db_url, count, work):
    """`work(index)` in `count` threads, each with its own app, connection and transaction."""
    db.session.commit()  # the test holds no lock while the workers run
    worker_app = create_app(make_config(db_url, None))
    barrier = threading.Barrier(count)
    results, errors = [], []

    def target(index):
        with worker_app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(work(index))
                db.session.commit()
            except VoucherError as error:
                db.session.rollback()
                results.append(error.message)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with worker_app.app_context():
        db.engine.dispose()
    assert errors == []
    return results


def test_two_spends_against_the_last_euro(calls_world, db_url, order_ids):
    call = ranked_call(calls_world, 1)
    calls.publish(call, utcnow(), TODAY)
    voucher = db.session.scalar(select(Voucher))
    vouchers.spend(voucher, 19900, order_ids[0], TODAY)
    db.session.commit()  # one euro left; the test holds no lock while the workers run
    voucher_id = voucher.id

    def spend(index):
        return vouchers.spend(db.session.get(Voucher, voucher_id), 100, order_ids[1 + index], TODAY).cents

    results = run_together(db_url, 2, spend)
    assert sorted(results, key=str) == [-100, "Sul voucher non è rimasto abbastanza credito."]
    db.session.expire_all()
    assert vouchers.balance(voucher_id) == 0


def test_assignments_at_once_never_exceed_the_budget(calls_world, db_url):
    call = ranked_call(calls_world, 6, budget_cents=60000)  # three vouchers for six applications
    ids = db.session.scalars(select(Application.id).order_by(Application.rank)).all()
    call_id = call.id

    def assign(index):
        call = db.session.get(VoucherCall, call_id)
        voucher = vouchers.assign(call, db.session.get(Application, ids[index]), TODAY)
        return voucher is not None

    results = run_together(db_url, 6, assign)
    assert results.count(True) == 3
    db.session.expire_all()
    assert vouchers.committed(call_id) == 60000
    assert db.session.scalar(select(func.count(Voucher.id))) == 3


def test_applications_at_once_get_consecutive_numbers(calls_world, db_url, make_user):
    call = open_call([calls_world.crema])
    users = [make_user(f"p{i}@example.org", [], f"Persona {i}").id for i in range(6)]
    call_id, year, town_id = call.id, utcnow().year, calls_world.crema.id

    def submit(index):
        details = {"full_name": f"Persona {index}", "employer": "Ditta", "fund": "", "town_link": "residence"}
        call = db.session.get(VoucherCall, call_id)
        user = db.session.get(User, users[index])
        return calls.submit(call, draft(town_id, 10 + index), user, details, utcnow(), TODAY).number

    results = run_together(db_url, 6, submit)
    assert sorted(results) == [f"PTT-{year}-{n:04d}" for n in range(1, 7)]


def test_one_household_applying_twice_at_once_gets_one_application(calls_world, db_url):
    call = open_call([calls_world.crema])
    call_id, user_id, town_id = call.id, calls_world.resident.id, calls_world.crema.id

    def submit(_index):
        details = {"full_name": "Persona", "employer": "Ditta", "fund": "", "town_link": "residence"}
        call = db.session.get(VoucherCall, call_id)
        try:
            return calls.submit(call, draft(town_id, 1), db.session.get(User, user_id), details, utcnow(),
                                TODAY).number  # fmt: skip
        except calls.CallError as error:
            return error.reasons[0]

    results = run_together(db_url, 3, submit)
    assert sum(1 for r in results if r.startswith("PTT-")) == 1
    assert db.session.scalar(select(func.count(Application.id))) == 1
