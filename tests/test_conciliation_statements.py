"""Per il tuo tempo: providers' monthly statements of delivered orders paid by vouchers. Made by
the hourly job for the month just ended (idempotent, drafts brought up to date, approved ones
frozen), read by the provider's staff and coordinators, approved by a coordinator, exported
pseudonymised (names only by an administrator with a reason)."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.conciliation import notices_statements, statements
from app.conciliation.models import Order
from app.conciliation.statement_models import Statement, StatementLine
from app.platform.extensions import db
from tests.calls_support import calls_world_fixture  # noqa: F401
from tests.conciliation_market_support import count, kinds_to, make_provider, make_service, place
from tests.conftest import text
from tests.test_conciliation_calls import as_user
from tests.test_conciliation_calls_queries import measure
from tests.test_conciliation_spend import market_fixture, voucher_of  # noqa: F401

BASE = "/per-il-tuo-tempo"
MONTH = date(2026, 11, 1)
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)  # the hourly job, early on 1 December


def paid(market, user, voucher, day, voucher_cents=2000, state="delivered") -> Order:
    order = place(user, market, day=day, start=time(10), quantity=2, state=state)
    order.voucher_id, order.voucher_cents, order.family_cents = (
        voucher.id,
        voucher_cents,
        2400 - voucher_cents,
    )
    db.session.commit()
    return order


@pytest.fixture
def month(calls_world, market):
    """November: two delivered orders paid by the resident's voucher, and three that do not count."""
    voucher = voucher_of(calls_world, calls_world.resident)
    paid(market, calls_world.resident, voucher, date(2026, 11, 3), 2400)
    paid(market, calls_world.resident, voucher, date(2026, 11, 20), 1000)
    paid(market, calls_world.resident, voucher, date(2026, 11, 21), state="cancelled")
    paid(market, calls_world.resident, voucher, date(2026, 12, 2))  # next month
    place(calls_world.resident, market, day=date(2026, 11, 5), state="delivered")  # no voucher
    return voucher


def test_the_hourly_job_makes_last_months_statement_once(month, market):
    assert notices_statements.make_statements(NOW) == 1
    db.session.commit()
    statement = db.session.scalar(select(Statement))
    assert (statement.provider_id, statement.month, statement.state) == (market.provider.id, MONTH, "draft")
    assert [(line.day.day, line.voucher_cents, line.family_cents) for line in statement.lines] == [
        (3, 2400, 0), (20, 1000, 1400)]  # fmt: skip
    assert notices_statements.make_statements(NOW) == 0  # idempotent
    db.session.commit()
    assert count(Statement) == 1 and count(StatementLine) == 2
    assert kinds_to(market.provider.email) == ["conc_statement_ready"]


def test_a_draft_takes_late_deliveries_and_an_approved_statement_is_frozen(calls_world, month, market):
    statements.make_month(MONTH)
    db.session.commit()
    late = paid(market, calls_world.resident, month, date(2026, 11, 25), 500)
    statements.make_month(MONTH)
    db.session.commit()
    statement = db.session.scalar(select(Statement))
    assert [line.order_id for line in statement.lines][-1] == late.id and statement.voucher_cents == 3900
    statements.approve(statement, calls_world.coordinator)
    db.session.commit()
    paid(market, calls_world.resident, month, date(2026, 11, 26), 700)
    statements.make_month(MONTH)
    db.session.commit()
    db.session.expire_all()
    assert statement.voucher_cents == 3900 and len(statement.lines) == 3


def test_statement_month_arithmetic():
    assert statements.month_before(date(2027, 1, 15)) == date(2026, 12, 1)
    assert statements.next_month(date(2026, 12, 1)) == date(2027, 1, 1)


@pytest.fixture
def statement(month):
    statements.make_month(MONTH)
    db.session.commit()
    return db.session.scalar(select(Statement))


def test_statement_pages_ask_to_sign_in(browser, statement, market):
    for url in (f"{BASE}/rendiconti/", f"{BASE}/fornitori/{market.provider.id}/rendiconti",
                f"{BASE}/rendiconti/{statement.id}", f"{BASE}/rendiconti/{statement.id}/esporta.csv"):  # fmt: skip
        response = browser.get(url)
        assert response.status_code == 302 and "/accedi" in response.location
    response = browser.post(f"{BASE}/rendiconti/{statement.id}/approva", token_from="/accedi")
    assert response.status_code == 302 and "/accedi" in response.location
    assert db.session.get(Statement, statement.id).state == "draft"


def test_someone_elses_statement_is_forbidden(browser, calls_world, statement, market, make_user):
    other_staff = make_user("altro@fornitore.example", [], "Franco Fornitore")
    make_provider(name="Altra cooperativa", code="0987654321", towns=[market.crema], staff=other_staff)
    db.session.commit()
    for user in (calls_world.resident, other_staff):
        as_user(browser, user)
        assert browser.get(f"{BASE}/rendiconti/{statement.id}").status_code == 403
        assert browser.get(f"{BASE}/rendiconti/{statement.id}/esporta.csv").status_code == 403
        assert browser.get(f"{BASE}/fornitori/{market.provider.id}/rendiconti").status_code == 403
        assert browser.get(f"{BASE}/rendiconti/").status_code == 403
        assert browser.post(f"{BASE}/rendiconti/{statement.id}/approva").status_code == 403
    as_user(browser, market.staff)  # the provider's own staff reads it but does not approve it
    assert browser.post(f"{BASE}/rendiconti/{statement.id}/approva").status_code == 403
    assert db.session.get(Statement, statement.id).state == "draft" and count(AuditEntry) == 0


def test_missing_statements_are_404(browser, calls_world, statement):
    as_user(browser, calls_world.coordinator)
    assert browser.get(f"{BASE}/rendiconti/999").status_code == 404
    assert browser.get(f"{BASE}/rendiconti/999/esporta.csv").status_code == 404
    assert browser.get(f"{BASE}/rendiconti/{statement.id}/esporta.pdf").status_code == 404
    assert browser.get(f"{BASE}/fornitori/999/rendiconti").status_code == 404
    assert browser.post(f"{BASE}/rendiconti/999/approva").status_code == 404
    as_user(browser, calls_world.admin)
    assert browser.get(f"{BASE}/rendiconti/999/esporta-con-nomi").status_code == 404


def test_the_providers_staff_reads_its_statement(browser, statement, market):
    as_user(browser, market.staff)
    listing = text(browser.get(f"{BASE}/fornitori/{market.provider.id}/rendiconti"))
    assert "11/2026 2 34,00 € Da approvare" in listing
    page = text(browser.get(f"{BASE}/rendiconti/{statement.id}"))
    assert "Rendiconto dei voucher, 11/2026" in page
    assert "Voucher da rimborsare: 34,00 €. Pagato dalle famiglie: 14,00 €." in page
    assert "Stireria a domicilio" in page and "Approva per il rimborso" not in page
    assert "Rita Residente" not in page  # the voucher's protocol number stands for the person


def test_a_coordinator_approves_once(browser, calls_world, statement, market):
    as_user(browser, calls_world.coordinator)
    assert "Cooperativa Il Girasole" in text(browser.get(f"{BASE}/rendiconti/"))
    response = browser.post(f"{BASE}/rendiconti/{statement.id}/approva")
    assert response.status_code == 302
    page = text(browser.get(response.location))
    assert "Rendiconto approvato per il rimborso" in page and "Approvato per il rimborso da Cora" in page
    db.session.expire_all()
    approved = db.session.get(Statement, statement.id)
    assert approved.state == "approved" and approved.approved_by_id == calls_world.coordinator.id
    again = browser.post(f"{BASE}/rendiconti/{statement.id}/approva", follow_redirects=True)
    assert "Il rendiconto è già stato approvato." in text(again)
    assert kinds_to(market.provider.email) == ["conc_statement_approved"]


def test_exports_are_pseudonymised_and_audited(browser, calls_world, statement, market, month):
    as_user(browser, market.staff)
    response = browser.get(f"{BASE}/rendiconti/{statement.id}/esporta.csv")
    body = response.get_data().decode("utf-8-sig")
    assert response.status_code == 200 and month.application.number in body and "Rita" not in body
    assert "Voucher €" in body and "24" in body
    assert db.session.scalar(select(AuditEntry.action)) == "conciliation.statements.export.csv"
    xlsx = browser.get(f"{BASE}/rendiconti/{statement.id}/esporta.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    as_user(browser, calls_world.coordinator)  # the named export is an administrator's act
    assert browser.get(f"{BASE}/rendiconti/{statement.id}/esporta-con-nomi").status_code == 403


def test_the_named_export_needs_an_administrators_reason(browser, calls_world, statement):
    as_user(browser, calls_world.admin)
    url = f"{BASE}/rendiconti/{statement.id}/esporta-con-nomi"
    assert "Esportazione del rendiconto con i nomi" in text(browser.get(url))
    for reason, message in (("", "Scrivi il motivo"), ("breve", "Scrivi un motivo tra 15 e 180 caratteri.")):
        short = browser.post(url, {"reason": reason, "fmt": "csv"})
        assert short.status_code == 400 and message in text(short)
    assert count(AuditEntry) == 0
    response = browser.post(url, {"reason": "Controllo della Guardia di Finanza", "fmt": "csv"})
    assert "Rita Residente" in response.get_data().decode("utf-8-sig")
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "conciliation.statements.export_named" and "Guardia di Finanza" in entry.subject


def test_a_coordinator_prepares_last_months_statements_now(browser, calls_world, month, market, monkeypatch):
    url = f"{BASE}/rendiconti/prepara"
    response = browser.post(url, token_from="/accedi")
    assert response.status_code == 302 and "/accedi" in response.location
    as_user(browser, calls_world.resident)
    assert browser.post(url).status_code == 403
    as_user(browser, calls_world.coordinator)
    assert browser.post(url, csrf=False).status_code == 400 and count(Statement) == 0
    monkeypatch.setattr("app.conciliation.routes_statements.utcnow", lambda: NOW)
    page = text(browser.post(url, follow_redirects=True))
    assert "Rendiconti del mese scorso aggiornati: 1 nuovi." in page and "11/2026" in page
    assert "aggiornati: 0 nuovi." in text(browser.post(url, follow_redirects=True))
    assert count(Statement) == 1


def test_statement_pages_make_a_fixed_number_of_queries(
    browser, calls_world, statement, month, market, make_user
):
    as_user(browser, calls_world.coordinator)
    urls = [f"{BASE}/rendiconti/", f"{BASE}/fornitori/{market.provider.id}/rendiconti",
            f"{BASE}/rendiconti/{statement.id}"]  # fmt: skip
    before = measure(browser, urls)
    for day in range(6, 12):
        paid(market, calls_world.resident, month, date(2026, 11, day), 300)
    other = make_provider(name="Altra cooperativa", code="0987654321", towns=[market.crema])
    other_market = type(market)(other, make_service(other, [market.crema]), None, None, market.crema, None)
    paid(other_market, calls_world.resident, month, date(2026, 11, 7), 300)
    statements.make_month(MONTH)
    statements.make_month(date(2026, 10, 1))
    db.session.commit()
    assert count(StatementLine) == 9
    assert measure(browser, urls) == before
