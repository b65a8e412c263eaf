"""A pact's personal data leaves traces only where they are accounted for (issue 27): the named
export is in each exported pact's read log, and retention scrubs the name everywhere."""

from datetime import date

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.services import record
from app.pacts import services, status
from app.pacts.models import Commitment, Pact, PactRead, Party
from app.platform.extensions import db
from tests.conftest import text
from tests.pacts_support import CONTACT, NAME, active_pact, new_pact, register_fixture  # noqa: F401

YEAR = "dal=2026-01-01&al=2026-12-31"
REASON = "Richiesta della Regione per la rendicontazione 2026"


def test_the_named_export_is_in_the_read_log_of_each_exported_pact(browser, reg):
    shown = [active_pact(reg) for _ in range(2)]
    draft = new_pact(reg)  # a draft is never exported
    db.session.commit()
    browser.login(reg.admin)
    url = f"/patti/numeri/esporta-con-nomi?{YEAR}"
    for fmt in ("csv", "xlsx"):
        response = browser.post(url, {"reason": REASON, "fmt": fmt}, token_from=url)
        assert response.status_code == 200
    reads = db.session.scalars(select(PactRead).where(PactRead.what == "esportazione")).all()
    assert sorted((r.pact_id, r.user_id) for r in reads) == sorted(
        (p.id, reg.admin.id) for p in shown for _fmt in (1, 2)
    )
    assert all(r.pact_id != draft.id for r in reads)
    browser.logout()
    browser.login(reg.coordinator)
    assert "Esportazione con i nomi" in text(browser.get(f"/patti/{shown[0].number}/accessi"))


def test_retention_scrubs_the_name_from_the_audit_log_and_every_commitment(app, reg):
    old = active_pact(reg, start_on=date(2019, 1, 7))
    services.add_commitment(
        old,
        {
            "party": Party.COMMUNITY,
            "who": f"La figlia di {NAME.upper()}",
            "what": "Accompagnarla",
            "frequency": f"quando {NAME} chiama",
        },
    )
    status.conclude(old, "raggiunto", date(2020, 6, 30))
    record(
        reg.admin,
        "pacts.export_named",
        f"2019 · csv · richiesta per {' '.join(reversed(NAME.split()))} e {CONTACT}",
    )
    record(reg.admin, "pact.update", old.number)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["pacts", "anonymise"])
    assert result.exit_code == 0 and old.number in result.output
    db.session.expire_all()
    subjects = [e.subject for e in db.session.scalars(select(AuditEntry))]
    assert "2019 · csv · richiesta per — e —" in subjects and old.number in subjects
    for subject in subjects:
        assert not any(part.lower() in subject.lower() for part in (*NAME.split(), CONTACT))
    for c in db.session.scalars(select(Commitment).where(Commitment.pact_id == old.id)):
        assert NAME.lower() not in (c.who + c.what + c.frequency).lower()
    family = db.session.scalar(select(Commitment).where(Commitment.party == Party.COMMUNITY))
    assert (family.who, family.frequency) == ("La figlia di —", "quando — chiama")
    assert db.session.get(Pact, old.id).beneficiary_name == "—"
