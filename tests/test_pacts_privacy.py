"""Nothing of a pact where it should not be: public pages, feeds, search, audit log;
coordinators' figures and pseudonymised exports (asserted on the bytes); the named export."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from app.audit.models import AuditEntry
from app.common.timeutil import today_in_rome
from app.pacts import services, status
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.pacts_support import CONTACT, NAME, active_pact, new_pact, register_fixture  # noqa: F401

YEAR = "dal=2026-01-01&al=2026-12-31"


@pytest.fixture
def pacts(reg):
    """Four counted pacts in 2026 and a draft: one concluded, one interrupted, two running."""
    lab = factories.lab("Cremona", slug="emporio", title="Emporio solidale")
    found = [active_pact(reg) for _ in range(4)]
    found[1].age_band, found[1].beneficiary_age, found[1].areas = "30-44", None, [reg.care]
    found[0].labs = [lab]
    status.conclude(found[0], "raggiunto", date(2026, 6, 30))
    status.interrupt(found[1], "Trasferita", date(2026, 5, 15))
    new_pact(reg)  # a draft: never counted
    db.session.commit()
    return found


def bytes_of(response) -> bytes:
    """The bytes of a download, unzipped when it is an XLSX (a zip of XML files)."""
    data = response.data
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return data + b"".join(archive.read(name) for name in archive.namelist())
    return data


def test_coordinators_see_the_figures(browser, reg, pacts):
    browser.login(reg.coordinator)
    page = text(browser.get(f"/patti/numeri?{YEAR}"))
    assert "4 Patti avviati 4 Patti attivi nel periodo 1 Patti conclusi 1 Patti interrotti" in page
    assert "Obiettivo 2026: 50 patti avviati. Finora: 4 (8%)." in page
    assert "Cremona 4 4 1" in page  # town: opened, active, concluded
    assert "Carichi di cura familiari 1" in page and "Solitudine e isolamento 3" in page
    assert "30–44 anni 1" in page and "75 anni e oltre 3" in page
    assert "Obiettivi raggiunti 1 Obiettivi raggiunti in parte 0" in page
    assert NAME not in page


def test_the_target_is_configurable(browser, reg, pacts, app):
    app.config["PACT_YEARLY_TARGET"] = 8
    browser.login(reg.coordinator)
    assert "Obiettivo 2026: 8 patti avviati. Finora: 4 (50%)." in text(browser.get(f"/patti/numeri?{YEAR}"))


def test_rows_are_pseudonymised(browser, reg, pacts):
    browser.login(reg.coordinator)
    response = browser.get(f"/patti/numeri/righe/conclusi?{YEAR}")
    page = text(response)
    assert pacts[0].number in page and pacts[2].number not in page and "Obiettivi raggiunti" in page
    assert NAME.encode() not in response.data and CONTACT.encode() not in response.data


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exports_contain_no_name_and_are_audited(browser, reg, pacts, fmt):
    browser.login(reg.coordinator)
    response = browser.get(f"/patti/numeri/esporta.{fmt}?{YEAR}")
    assert response.status_code == 200
    content = bytes_of(response)
    assert pacts[0].number.encode() in content
    for secret in (NAME, CONTACT, "Ermenegilda", "Rita Responsabile"):
        assert secret.encode() not in content
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == f"pacts.export.{fmt}"))
    assert entry.actor_id == reg.coordinator.id and entry.row_count == (4 + 4 + 1 + 1 if fmt == "xlsx" else 4)


def test_the_xlsx_has_a_sheet_per_figure(browser, reg, pacts):
    browser.login(reg.coordinator)
    book = load_workbook(io.BytesIO(browser.get(f"/patti/numeri/esporta.xlsx?{YEAR}").data))
    assert book.sheetnames == ["Patti avviati", "Patti attivi", "Patti conclusi", "Patti interrotti"]
    row = next(book["Patti conclusi"].iter_rows(min_row=2, values_only=True))
    assert row[:4] == (pacts[0].number, "Cremona", "Solitudine e isolamento", "75 anni e oltre")


@pytest.mark.parametrize("who", ["admin", "responsible", "member"])
def test_figures_and_exports_are_for_coordinators(browser, reg, pacts, who):
    browser.login(getattr(reg, who))
    for url in (
        f"/patti/numeri?{YEAR}",
        f"/patti/numeri/righe/attivi?{YEAR}",
        f"/patti/numeri/esporta.csv?{YEAR}",
    ):
        assert browser.get(url).status_code == 403


def test_the_named_export_is_an_administrators_act_with_a_reason(browser, reg, pacts):
    browser.login(reg.coordinator)
    assert browser.get("/patti/numeri/esporta-con-nomi").status_code == 403
    browser.logout()
    browser.login(reg.admin)
    url = f"/patti/numeri/esporta-con-nomi?{YEAR}"
    short = browser.post(url, {"reason": "serve", "fmt": "csv"}, token_from=url)
    assert short.status_code == 400 and "Scrivi un motivo tra 15 e 180 caratteri." in text(short)
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "pacts.export_named")) is None
    reason = "Richiesta della Regione per la rendicontazione 2026"
    response = browser.post(url, {"reason": reason, "fmt": "csv"}, token_from=url)
    assert (
        response.status_code == 200 and NAME.encode() in response.data and CONTACT.encode() in response.data
    )
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "pacts.export_named"))
    assert entry.actor_id == reg.admin.id and reason in entry.subject and entry.row_count == 4


def test_the_dashboard_shows_the_pacts_beside_labs_and_centers(browser, reg, pacts):
    browser.login(reg.coordinator)
    response = browser.get(f"/coordinamento/?{YEAR}")
    page = text(response)
    assert "Laboratori attivi" in page and "Patti Gener-Attivi 4 Patti avviati" in page
    assert NAME.encode() not in response.data


def test_the_public_page_shows_only_the_counts_of_the_year(browser, reg, app):
    today = today_in_rome()
    pact = active_pact(reg, start_on=today.replace(day=1), today=today)
    db.session.commit()
    response = browser.get("/patti/in-numeri")
    page = text(response)
    assert f"Patti Gener-Attivi nel {today.year}" in page
    assert "1 Patti avviati quest'anno 1 Patti attivi quest'anno 0 Patti conclusi quest'anno 50" in page
    assert pact.number not in page and NAME not in page and "Cremona 1" not in page


def test_nothing_of_a_pact_in_public_pages_feeds_or_search(browser, reg, pacts):
    center = factories.center("Oratorio Zaist", "Cremona")
    activity = factories.activity(center, title="Merenda insieme")
    pacts[2].activities = [activity]
    services.add_note(pacts[2], reg.responsible, date(2026, 4, 1), f"{NAME} ha partecipato alla merenda")
    db.session.commit()
    urls = ["/", "/calendario", "/laboratori/", "/laboratori/emporio", "/centri/", f"/centri/{center.slug}",
            "/ical/tutto.ics", "/ical/comuni/cremona.ics", "/ical/laboratori/emporio.ics",
            f"/ical/centri/{center.slug}.ics", "/verbali/cerca?q=partecipato+merenda", "/gruppi/"]  # fmt: skip
    for who in (None, reg.responsible):
        if who:
            browser.login(who)
        for url in urls:
            response = browser.get(url)
            assert response.status_code in (200, 404), url
            body = response.get_data(as_text=True)
            assert NAME not in body and "Pizzamiglio" not in body and "PG-2026" not in body, url


def test_the_audit_log_names_no_one(browser, reg, pacts):
    browser.login(reg.admin)
    response = browser.get("/amministrazione/registro")
    body = response.get_data(as_text=True)
    assert NAME not in body and CONTACT not in body


def test_admins_manage_areas(browser, reg):
    browser.login(reg.admin)
    duplicate = browser.post("/patti/aree", {"name": "solitudine  e isolamento"}, token_from="/patti/aree")
    assert duplicate.status_code == 400 and "L'area «solitudine e isolamento» c'è già." in text(duplicate)
    assert browser.post("/patti/aree", {"name": "Dipendenze"}, token_from="/patti/aree").status_code == 302
    assert "Dipendenze" in text(browser.get("/patti/aree"))
    browser.post(f"/patti/aree/{reg.care.id}/attiva", token_from="/patti/aree")
    browser.logout()
    browser.login(reg.responsible)
    page = text(browser.get("/patti/nuovo"))
    assert "Dipendenze" in page and "Carichi di cura familiari" not in page


def test_admins_give_operators_their_towns(browser, reg):
    browser.login(reg.admin)
    url = f"/patti/operatori/{reg.follower.id}"
    assert "Fabio Affiancato" in text(browser.get("/patti/operatori"))
    browser.post(url, {"towns": [str(reg.crema.id)]}, token_from=url)
    assert [t.name for t in services.towns_of(reg.follower)] == ["Crema"]
    page = text(browser.get(f"/amministrazione/utenti/{reg.follower.id}"))
    assert "Comuni in cui lavora come operatore dei patti" in page
    not_operator = browser.get(f"/patti/operatori/{reg.member.id}", follow_redirects=True)
    assert "non ha il ruolo di operatore" in text(not_operator)
    browser.logout()
    browser.login(reg.coordinator)
    assert browser.get("/patti/aree").status_code == 403 and browser.get(url).status_code == 403
