"""Meetings, attendance, guests, sign-in sheet, action items and attendance exports."""

import csv
import io
from datetime import date, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.groups import actions, attendance, services
from app.groups.models import ActionItem, Attendance, Meeting
from app.platform.extensions import db
from tests.conftest import text
from tests.groups_support import key, mark, team_fixture  # noqa: F401

GOOD = {
    "held_on": "2026-12-01",
    "start_time": "14:30",
    "end_time": "16:40",
    "venue": "Sala civica",
    "points-0-title": "A",
    "points-1-title": "B",
}


def count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_member_schedules_a_meeting(browser, team):
    browser.login(team.member)
    response = browser.post(f"/gruppi/{team.group.slug}/incontri/nuovo", GOOD)
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))
    assert response.headers["Location"] == f"/incontri/{meeting.id}"
    assert (meeting.held_on, meeting.start_time, meeting.agenda_items) == (
        date(2026, 12, 1),
        time(14, 30),
        ["A", "B"],
    )
    page = text(browser.get(f"/incontri/{meeting.id}"))
    assert "martedì 1 dicembre 2026" in page and "Sala civica" in page


@pytest.mark.parametrize(
    "change,message",
    [
        ({"end_time": "14:00"}, "La fine deve venire dopo l'inizio."),
        ({"held_on": "2026-02-30"}, "Scrivi una data valida"),
        ({"start_time": "25:00"}, "Scrivi un orario valido"),
        ({"venue": ""}, "Scrivi la sede."),
    ],
)
def test_meeting_bad_input_changes_nothing(browser, team, change, message):
    browser.login(team.member)
    response = browser.post(f"/gruppi/{team.group.slug}/incontri/nuovo", {**GOOD, **change})
    assert message in text(response)
    assert count(Meeting) == 1


def test_outsiders_cannot_see_or_touch_meetings(browser, team):
    browser.login(team.outsider)
    mid = team.meeting.id
    assert browser.post(f"/gruppi/{team.group.slug}/incontri/nuovo", GOOD).status_code == 403
    assert browser.get(f"/incontri/{mid}").status_code == 404
    assert browser.get(f"/incontri/{mid}/foglio-firme").status_code == 404
    assert browser.post(f"/incontri/{mid}/annulla").status_code == 404
    assert browser.post(f"/incontri/{mid}/ospiti", {"guest-name": "X"}).status_code == 404
    assert browser.get("/incontri/999").status_code == 404
    assert not db.session.get(Meeting, mid).is_cancelled


def test_cancel_keeps_the_meeting(browser, team):
    browser.login(team.secretary)
    browser.post(f"/incontri/{team.meeting.id}/annulla")
    db.session.expire_all()
    assert db.session.get(Meeting, team.meeting.id).is_cancelled
    assert "Incontro annullato." in text(browser.get(f"/incontri/{team.meeting.id}"))


def test_next_meeting_is_prefilled(browser, team):
    browser.login(team.member)
    page = browser.get(f"/incontri/{team.meeting.id}/prossimo").get_data(as_text=True)
    assert (
        'value="2026-11-24"' in page
        and 'value="via Frecavalli 16, Crema"' in page
        and 'value="14:30"' in page
    )


def _rows(team, statuses):
    people = sorted([team.chair, team.secretary, team.member], key=lambda u: u.full_name)
    data = {}
    for i, user in enumerate(people):
        status, arrived = statuses.get(user.email, ("present", ""))
        data |= {
            f"rows-{i}-key": key(team.group, user),
            f"rows-{i}-status": status,
            f"rows-{i}-arrived_at": arrived,
        }
        data[f"rows-{i}-left_at"] = ""
    return data


def test_attendance_quorum_and_guests(browser, team):
    browser.login(team.member)
    mid = team.meeting.id
    data = _rows(team, {team.member.email: ("absent", ""), team.chair.email: ("present", "15:00")})
    assert browser.post(f"/incontri/{mid}/presenze", data).status_code == 302
    chair = db.session.scalar(select(Attendance).where(Attendance.user_id == team.chair.id))
    assert chair.arrived_at == time(15, 0)
    browser.post(
        f"/incontri/{mid}/ospiti",
        {"guest-name": "Don Michele", "guest-organisation": "Parrocchia", "guest-status": "present"},
    )
    page = text(browser.get(f"/incontri/{mid}"))
    assert "Numero legale raggiunto: 2 membri presenti su 3 (ne servono 2)." in page
    assert "Don Michele Parrocchia" in page
    sheet = text(browser.get(f"/incontri/{mid}/foglio-firme"))
    assert (
        "Foglio firme" in sheet and "Angela Beretta" in sheet and "Don Michele" in sheet and "Firma" in sheet
    )


def test_attendance_bad_time_and_guest_without_name(browser, team):
    browser.login(team.member)
    mid = team.meeting.id
    response = browser.post(
        f"/incontri/{mid}/presenze", _rows(team, {team.chair.email: ("present", "99:00")})
    )
    assert response.status_code == 400 and "Scrivi un orario valido" in text(response)
    response = browser.post(f"/incontri/{mid}/ospiti", {"guest-name": "  ", "guest-organisation": "Scuola"})
    assert "Scrivi il nome dell'ospite." in text(response)
    assert count(Attendance) == 0


def test_action_items_opened_and_closed(browser, team):
    browser.login(team.member)
    mid = team.meeting.id
    browser.post(
        f"/incontri/{mid}/azioni",
        {
            "action-description": "Contattare le aziende",
            "action-owner": key(team.group, team.member),
            "action-due_on": "2026-11-20",
        },
    )
    item = db.session.scalar(select(ActionItem))
    assert (item.owner_id, item.due_on, item.status) == (team.member.id, date(2026, 11, 20), "open")
    assert "Contattare le aziende" in text(browser.get(f"/gruppi/{team.group.slug}"))
    assert "Scaduta Contattare le aziende" in text(browser.get("/le-mie-azioni"))
    browser.post(f"/azioni/{item.id}", {"status": "done", "meeting_id": str(mid)})
    db.session.expire_all()
    item = db.session.get(ActionItem, item.id)
    assert (item.status, item.closed_meeting_id) == ("done", mid)
    assert "Nessuna azione aperta." in text(browser.get(f"/gruppi/{team.group.slug}"))


@pytest.mark.parametrize(
    "data,message",
    [
        ({"action-owner": "m999"}, "Il responsabile deve essere un membro del gruppo"),
        ({"action-due_on": "2026-11-01"}, "La scadenza non può venire prima dell'incontro."),
        ({"action-description": ""}, "Descrivi l'azione."),
        ({"action-due_on": "2026-02-31"}, "Scrivi una data valida"),
    ],
)
def test_action_bad_input_changes_nothing(browser, team, data, message):
    browser.login(team.member)
    base = {"action-description": "Fare", "action-owner": "", "action-due_on": ""}
    data = {k: v.format(outsider=team.outsider.id) for k, v in {**base, **data}.items()}
    response = browser.post(f"/incontri/{team.meeting.id}/azioni", data)
    assert message in text(response)
    assert count(ActionItem) == 0


def test_outsider_cannot_change_an_action(browser, team):
    item = actions.create_action(team.meeting, "X", "", None)
    db.session.commit()
    browser.login(team.outsider)
    assert browser.post(f"/azioni/{item.id}", {"status": "done"}).status_code == 404
    assert db.session.get(ActionItem, item.id).status == "open"


def _attendance(team):
    mark(team.meeting, {team.chair: "present", team.member: "excused"})
    attendance.add_guest(team.meeting, '=HYPERLINK("http://x")', "Ditta", "present")
    db.session.commit()


def test_chair_exports_csv_and_xlsx_and_it_is_audited(browser, team):
    _attendance(team)
    browser.login(team.chair)
    form = {"group_id": str(team.group.id), "start": "2026-01-01", "end": "2026-12-31", "file_format": "csv"}
    response = browser.post("/gruppi/esporta-presenze", form)
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["Gruppo", "Data"]
    assert rows[1][:2] == ["Welfare in azione", "2026-11-10"]
    assert '\'=HYPERLINK("http://x")' in [r[5] for r in rows if len(r) > 5]
    assert "Totali per persona" in [r[0] for r in rows if r]
    response = browser.post("/gruppi/esporta-presenze", {**form, "file_format": "xlsx"})
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Presenze", "Totali"]
    assert book["Presenze"].max_row == 4
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "groups.attendance_export")
    ).all()
    assert [e.row_count for e in entries] == [3, 3] and entries[0].actor_id == team.chair.id


@pytest.mark.parametrize(
    "dates,message",
    [
        (("2026-12-31", "2026-01-01"), "La data finale deve venire dopo"),
        (("2015-01-01", "2026-12-31"), "al massimo di 5 anni"),
    ],
)
def test_export_bad_range(browser, team, dates, message):
    browser.login(team.coordinator)
    form = {"group_id": "0", "start": dates[0], "end": dates[1], "file_format": "csv"}
    response = browser.post("/gruppi/esporta-presenze", form)
    assert message in text(response)
    assert count(AuditEntry) == 0


def test_members_cannot_export_and_chairs_only_their_group(browser, team):
    browser.login(team.member)
    assert browser.get("/gruppi/esporta-presenze").status_code == 403
    assert "Esporta presenze" not in text(browser.get(f"/gruppi/{team.group.slug}"))
    assert "Esporta presenze" not in text(browser.get(f"/incontri/{team.meeting.id}"))
    browser.logout()
    other = services.create_group("Altro gruppo", "", None, "")
    db.session.commit()
    browser.login(team.chair)
    form = {"group_id": str(other.id), "start": "2026-01-01", "end": "2026-12-31", "file_format": "csv"}
    assert browser.post("/gruppi/esporta-presenze", form).status_code == 403
    assert count(AuditEntry) == 0


def test_coordinator_exports_every_group(browser, team):
    _attendance(team)
    other = services.create_group("Altro gruppo", "", None, "")
    meeting = services.schedule_meeting(other, date(2026, 3, 1), time(9), time(10), "Sala", "")
    attendance.add_guest(meeting, "Ospite Altro", "", "present")
    db.session.commit()
    browser.login(team.coordinator)
    form = {"group_id": "0", "start": "2026-01-01", "end": "2026-12-31", "file_format": "csv"}
    body = browser.post("/gruppi/esporta-presenze", form).get_data(as_text=True)
    assert "Altro gruppo;2026-03-01" in body and "Welfare in azione;2026-11-10" in body
    assert db.session.scalar(select(AuditEntry.row_count)) == 4


def test_next_meeting_after_the_verbale_is_approved(browser, team):
    from app.minutes import services as minutes_services
    from tests.groups_support import approve

    mark(team.meeting, {team.chair: "present", team.member: "present"})
    minutes = minutes_services.create_minutes(team.meeting, team.member, "V", "Testo.")
    approve(minutes, team.chair)
    db.session.commit()
    browser.login(team.member)
    page = browser.get(f"/incontri/{team.meeting.id}/prossimo")
    assert page.status_code == 200 and "Verbale già approvato" not in text(page)
    response = browser.post(f"/incontri/{team.meeting.id}/prossimo", {**GOOD, "held_on": "2026-11-24"})
    assert response.status_code == 302
    assert "Prossimo incontro in calendario." in text(browser.get(response.headers["Location"]))
    assert count(Meeting) == 2
    # The approved meeting itself stays closed.
    assert browser.get(f"/incontri/{team.meeting.id}/modifica").status_code == 409
    browser.logout()
    browser.login(team.outsider)
    assert browser.get(f"/incontri/{team.meeting.id}/prossimo").status_code == 404
