"""Pact numbers PG-YYYY-NNN: per year, unique and gapless even when operators save at the same moment;
the register's listing pages make a fixed number of queries; retention anonymises and keeps the counts."""

import threading
from datetime import date

from sqlalchemy import select

from app import create_app
from app.accounts.models import User
from app.pacts import services, status
from app.pacts.models import DiaryNote, Pact, PactRead
from app.pacts.numbering import format_number
from app.platform.extensions import db
from tests.conftest import make_config, text
from tests.pacts_support import CONTACT, NAME, active_pact, new_pact, pact_data, register_fixture  # noqa: F401
from tests.test_query_counts import count_queries

OPERATORS = 8


def test_numbers_restart_each_year(reg):
    assert format_number(2026, 14) == "PG-2026-014"
    first = new_pact(reg, today=date(2026, 12, 31))
    second = new_pact(reg, today=date(2027, 1, 1))
    third = new_pact(reg, today=date(2026, 12, 31))
    assert [first.number, second.number, third.number] == ["PG-2026-001", "PG-2027-001", "PG-2026-002"]


def test_operators_saving_at_the_same_moment_get_different_numbers(reg, db_url):
    """Each thread is a worker with its own connection and transaction."""
    user_id, base = reg.responsible.id, pact_data(reg)
    db.session.commit()  # the test holds no lock while the workers run
    worker_app = create_app(make_config(db_url, None))
    barrier = threading.Barrier(OPERATORS)
    numbers, errors = [], []

    def save(index):
        with worker_app.app_context():
            try:
                operator = db.session.get(User, user_id)
                data = {**base, "beneficiary_name": f"Persona {index}"}
                db.session.commit()  # no lock held while waiting for the others
                barrier.wait(timeout=10)
                pact = services.create_pact(operator, data, date(2026, 5, 4))
                db.session.commit()
                numbers.append(pact.number)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(OPERATORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with worker_app.app_context():
        db.engine.dispose()
    assert errors == []
    assert sorted(numbers) == [f"PG-2026-{n:03d}" for n in range(1, OPERATORS + 1)]


def add_pacts(reg, n):
    for _ in range(n):
        pact = active_pact(reg)
        services.plan_review(pact, date(2026, 6, 1))
        pact.followers = [reg.follower]
    db.session.commit()


def test_listing_pages_make_a_fixed_number_of_queries(browser, reg):
    urls = [
        "/patti/",
        "/patti/numeri?dal=2026-01-01&al=2026-12-31",
        "/patti/numeri/righe/attivi?dal=2026-01-01&al=2026-12-31",
    ]
    browser.login(reg.coordinator)
    add_pacts(reg, 2)
    for url in urls:
        browser.get(url)
    few = {}
    for url in urls:
        with count_queries() as found:
            assert browser.get(url).status_code == 200
        few[url] = len(found)
    add_pacts(reg, 12)
    for url in urls:
        with count_queries() as found:
            assert browser.get(url).status_code == 200
        assert len(found) == few[url], url


def _old_pacts(reg):
    old = active_pact(reg, start_on=date(2019, 1, 7))
    services.add_note(old, reg.responsible, date(2019, 2, 1), f"{NAME} è venuta al colloquio.")
    services.plan_review(old, date(2019, 3, 1))
    status.conclude(old, "raggiunto", date(2020, 6, 30))
    recent = active_pact(reg, start_on=date(2024, 1, 8))
    status.interrupt(recent, "Trasferita", date(2024, 6, 1))
    db.session.commit()
    return old, recent


def test_retention_anonymises_old_pacts_and_keeps_the_counts(app, browser, reg):
    old, recent = _old_pacts(reg)
    browser.login(reg.coordinator)
    browser.get(f"/patti/{old.number}")  # a read to keep in the log
    period = "dal=2019-01-01&al=2026-12-31"
    before = text(browser.get(f"/patti/numeri?{period}"))
    dry = app.test_cli_runner().invoke(args=["pacts", "anonymise", "--dry-run"])
    assert f"1 pact(s) would be anonymised: {old.number}" in dry.output
    assert db.session.get(Pact, old.id).beneficiary_name == NAME
    result = app.test_cli_runner().invoke(args=["pacts", "anonymise"])
    assert result.exit_code == 0 and f"1 pact(s) anonymised: {old.number}" in result.output
    db.session.expire_all()
    gone = db.session.get(Pact, old.id)
    assert (gone.beneficiary_name, gone.beneficiary_contact, gone.beneficiary_age) == ("—", "", None)
    assert gone.anonymised_at is not None and (gone.status, gone.outcome, gone.age_band) == (
        "concluso",
        "raggiunto",
        "75+",
    )
    assert db.session.scalars(select(DiaryNote).where(DiaryNote.pact_id == old.id)).all() == []
    assert all(NAME not in (c.who + c.what) for c in gone.commitments)
    kept = db.session.get(Pact, recent.id)
    assert kept.beneficiary_name == NAME and kept.beneficiary_contact == CONTACT
    page = browser.get(f"/patti/{old.number}")
    assert NAME not in page.get_data(as_text=True) and "sono stati resi anonimi" in text(page)
    assert text(browser.get(f"/patti/numeri?{period}")) == before  # the counts remain
    assert db.session.scalar(select(db.func.count(PactRead.id)).where(PactRead.pact_id == old.id)) >= 2
    again = app.test_cli_runner().invoke(args=["pacts", "anonymise"])
    assert "0 pact(s) anonymised" in again.output


def test_retention_years_come_from_the_settings(app, reg):
    _old_pacts(reg)
    app.config["PACT_RETENTION_YEARS"] = 1
    result = app.test_cli_runner().invoke(args=["pacts", "anonymise"])
    assert "2 pact(s) anonymised" in result.output
    bad = app.test_cli_runner().invoke(args=["pacts", "anonymise", "--years", "0"])
    assert bad.exit_code != 0


def test_demo_pacts_in_every_status(app):
    from app.demo import load

    load("admin@legami.example", "password-demo-1")
    statuses = {p.status for p in db.session.scalars(select(Pact))}
    assert statuses == {"bozza", "attivo", "in_verifica", "concluso", "interrotto"}
    linked = db.session.scalars(select(Pact).where(Pact.labs.any())).all()
    assert linked, "no demo pact is linked to a demo lab"
