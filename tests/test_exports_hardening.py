"""Issue 13, exports and bad requests: no content makes an export fail, an export is audited only
once it exists and never waits on "database is locked", private answers are not cached."""

import io
import sqlite3
import threading
import time as clock
from datetime import date, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit.exports import neutralise, to_csv, to_xlsx
from app.audit.models import AuditEntry
from app.groups.models import Attendance
from app.labs.models import LabAttendance, Registration
from app.platform.extensions import db
from app.towns.models import Town
from tests import factories
from tests.conftest import text
from tests.groups_support import mark, team_fixture  # noqa: F401

PERIOD = "dal=2026-01-01&al=2026-12-31"


@pytest.fixture
def signed_up(browser, app):
    """An anonymous sign-up as "Mario<U+0001>Rossi", then marked present at a held session."""
    lab = factories.lab(slug="orto", title="Orto", capacity=10)
    held = factories.session(lab, date(2026, 3, 3), time(18), time(20))
    factories.session(lab, date(2027, 3, 3), time(18), time(20))
    db.session.commit()
    response = browser.post("/laboratori/orto/iscrizione", {"full_name": "Mario\x01Rossi", "phone": "333 1234567"},
                            token_from="/laboratori/orto")  # fmt: skip
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    held.attendances.append(LabAttendance(registration_id=registration.id))
    db.session.commit()
    return registration


def test_a_control_character_typed_in_a_name_is_not_stored(signed_up):
    assert db.session.scalar(select(Registration.full_name)) == "MarioRossi"


def test_the_xlsx_export_of_that_period_works_and_shows_the_name(browser, coordinator, signed_up):
    browser.login(coordinator)
    response = browser.get(f"/coordinamento/esporta.xlsx?{PERIOD}")
    assert response.status_code == 200
    people = load_workbook(io.BytesIO(response.data))["Persone raggiunte"]
    assert [row[0] for row in people.iter_rows(min_row=2, values_only=True)] == ["MarioRossi"]


def test_a_stored_control_character_is_dropped_on_output_not_a_500():
    """Rows written before input was cleaned: the workbook drops what it cannot hold."""
    book = load_workbook(io.BytesIO(to_xlsx([("Persone", ["Nome"], [["Mario\x01Rossi\x1f"], ["=1+1\x00"]])])))
    assert [r[0] for r in book["Persone"].iter_rows(min_row=2, values_only=True)] == ["MarioRossi", "'=1+1"]
    assert "MarioRossi" in to_csv(["Nome"], [["Mario\x01Rossi"]]).decode("utf-8")


@pytest.mark.parametrize("value", ["  =1+1", "\n=1+1", " \t@SUM(A1)", "\r\n+39", "\n-2"])
def test_a_formula_after_spaces_or_a_line_break_is_neutralised(value):
    assert neutralise(value) == "'" + value


def _hold_write_lock(path: str, seconds: float, started: threading.Event):
    """Another process's write: hold SQLite's write lock for a while, write, commit."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO towns (name, slug, province, district) VALUES ('Lock', 'lock', 'CR', '')")
    started.set()
    clock.sleep(seconds)
    connection.execute("COMMIT")
    connection.close()


def test_an_export_during_another_write_waits_and_is_audited(browser, coordinator, signed_up, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    browser.login(coordinator)
    started = threading.Event()
    writer = threading.Thread(target=_hold_write_lock, args=(db_url.removeprefix("sqlite:///"), 1.0, started))
    db.session.commit()
    writer.start()
    started.wait(5)
    try:
        response = browser.get(f"/coordinamento/esporta.xlsx?{PERIOD}")
    finally:
        writer.join()
    assert response.status_code == 200, text(response)
    assert db.session.scalar(select(AuditEntry.action)) == "export.xlsx"
    assert db.session.scalar(select(Town.slug).where(Town.slug == "lock")) == "lock"


def test_a_failed_export_leaves_no_audit_row(browser, team, monkeypatch):
    mark(team.meeting, {team.chair: "present"})
    db.session.commit()
    browser.login(team.chair)

    def broken(_sheets):
        raise RuntimeError("the workbook could not be built")

    monkeypatch.setattr("app.groups.routes_actions.to_xlsx", broken)
    form = {"group_id": str(team.group.id), "start": "2026-01-01", "end": "2026-12-31", "file_format": "xlsx"}
    with pytest.raises(RuntimeError):
        browser.post("/gruppi/esporta-presenze", form)
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_the_attendance_csv_has_one_charset_and_exports_are_not_cached(browser, team):
    mark(team.meeting, {team.chair: "present"})
    db.session.commit()
    browser.login(team.chair)
    form = {"group_id": str(team.group.id), "start": "2026-01-01", "end": "2026-12-31", "file_format": "csv"}
    response = browser.post("/gruppi/esporta-presenze", form)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    assert "Angela Beretta" in response.get_data(as_text=True)


def test_private_pages_are_not_cached_public_ones_may_be(browser, coordinator, signed_up):
    assert "Cache-Control" not in browser.get("/laboratori/orto").headers
    browser.login(coordinator)
    response = browser.get(f"/coordinamento/?{PERIOD}")
    assert "Persone diverse raggiunte" in text(response)
    assert "no-store" in response.headers["Cache-Control"]
    assert (
        "no-store"
        in browser.get(f"/coordinamento/esporta.csv?{PERIOD}&tipo=persone").headers["Cache-Control"]
    )


@pytest.mark.parametrize("extra", ["_method=DELETE", "endpoint=x", "_anchor=segreto", "_external=1"])
def test_the_dashboard_ignores_query_keys_that_are_not_the_period(browser, coordinator, signed_up, extra):
    browser.login(coordinator)
    for path in ("/coordinamento/", "/coordinamento/dettaglio/persone"):
        response = browser.get(f"{path}?{PERIOD}&{extra}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "MarioRossi" in text(response) or "Persone diverse raggiunte" in text(response)
        assert "#segreto" not in html and "http://legami.test/coordinamento" not in html
        assert "esporta.xlsx?al=2026-12-31&amp;dal=2026-01-01" in html or "esporta.csv" in html


def test_a_town_without_district_field_is_saved_with_none(as_admin):
    response = as_admin.post("/amministrazione/comuni/nuovo", {"name": "Ripalta", "province": "CR"})
    assert response.status_code == 302
    assert db.session.scalar(select(Town.district).where(Town.name == "Ripalta")) == ""


def test_a_guest_without_organisation_field_is_added(browser, team):
    browser.login(team.chair)
    response = browser.post(
        f"/incontri/{team.meeting.id}/ospiti", {"guest-name": "Luisa Marchesi", "guest-status": "present"}
    )
    assert response.status_code == 302
    guest = db.session.scalar(select(Attendance).where(Attendance.guest_name == "Luisa Marchesi"))
    assert guest.guest_organisation == ""
