"""Coordinators' dashboard: figures checked against hand-counted fixtures, rows, exports."""

import io
from datetime import date, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEntry
from app.civic_centers.models import OccurrenceChange
from app.groups.models import Attendance, Meeting, WorkingGroup
from app.labs.models import LabAttendance, Registration
from app.platform.extensions import db
from tests import factories
from tests.conftest import text

YEAR = "dal=2026-01-01&al=2026-11-23"


def registration(lab, name, email):
    found = Registration(lab_id=lab.id, full_name=name, email=email, contact_key=email, status="confirmed",
                         withdraw_token_hash=f"hash-{lab.id}-{email}")  # fmt: skip
    db.session.add(found)
    db.session.flush()
    return found


@pytest.fixture
def data(app):
    """Two labs in two towns; the figures below are counted by hand."""
    lab_a = factories.lab(slug="a", title="Orto", where_town="Crema")
    lab_b = factories.lab(slug="b", title="Emporio", where_town="Offanengo")
    s1 = factories.session(lab_a, date(2026, 3, 3), time(18), time(20))
    factories.session(lab_a, date(2026, 3, 10), time(18), time(20), is_cancelled=True)
    s3 = factories.session(lab_a, date(2026, 4, 7), time(18), time(19, 30))
    factories.session(lab_a, date(2027, 1, 5), time(18), time(20))  # not yet held
    s5 = factories.session(lab_b, date(2026, 3, 5), time(10), time(12), headcount=10)
    rosa_a, luca = (
        registration(lab_a, "Rosa Ferrari", "rosa@example.org"),
        registration(lab_a, "Luca Bassi", "luca@example.org"),
    )
    rosa_b = registration(lab_b, "Rosa Ferrari", "rosa@example.org")
    s1.attendances += [LabAttendance(registration_id=rosa_a.id), LabAttendance(registration_id=luca.id),
                       LabAttendance(walk_in_name="Gino")]  # fmt: skip
    s3.attendances += [LabAttendance(registration_id=rosa_a.id)]
    s5.attendances += [LabAttendance(registration_id=rosa_b.id), LabAttendance(walk_in_name=" gino ")]
    group = WorkingGroup(slug="gruppo", name="Welfare in azione", town=lab_a.town)
    held = Meeting(
        group=group, held_on=date(2026, 4, 9), start_time=time(14, 30), end_time=time(16, 30), venue="Sala"
    )
    held.attendances += [Attendance(guest_name=f"P{n}", status="present") for n in range(3)]
    held.attendances += [
        Attendance(guest_name="A", status="absent"),
        Attendance(guest_name="G", status="excused"),
    ]
    cancelled = Meeting(
        group=group, held_on=date(2026, 4, 23), start_time=time(14, 30), end_time=time(16), is_cancelled=True
    )
    future = Meeting(group=group, held_on=date(2027, 2, 1), start_time=time(14, 30), end_time=time(16))
    db.session.add_all([group, held, cancelled, future])
    center = factories.center()
    activity = factories.activity(center, start_on=date(2026, 3, 3), until_on=date(2026, 3, 31))
    activity.changes.append(OccurrenceChange(original_on=date(2026, 3, 17), is_cancelled=True, reason="x"))
    db.session.commit()


@pytest.fixture
def as_coordinator(browser, coordinator):
    browser.login(coordinator)
    return browser


def figures_text(browser, query=YEAR) -> str:
    return text(browser.get(f"/coordinamento/?{query}"))


def test_figures_match_the_hand_count(as_coordinator, data):
    page = figures_text(as_coordinator)
    for figure in ("2 Laboratori attivi", "3 Incontri svolti", "5,5 Ore di attività", "14 Presenze registrate",
                   "3 Persone diverse raggiunte", "4 Attività svolte nei Centri Civici",
                   "1 Incontri dei gruppi di lavoro", "3 Presenze agli incontri dei gruppi"):  # fmt: skip
        assert figure in page, figure
    assert "8 sono solo conteggiate" in page
    assert "Marzo 2026 13" in page and "Aprile 2026 1" in page


def test_town_filter(as_coordinator, data):
    page = figures_text(as_coordinator, YEAR + "&comune=offanengo")
    for figure in ("1 Laboratori attivi", "1 Incontri svolti", "2,0 Ore di attività", "10 Presenze registrate",
                   "2 Persone diverse raggiunte", "0 Attività svolte", "0 Incontri dei gruppi"):  # fmt: skip
        assert figure in page, figure


@pytest.mark.parametrize(
    "query,message",
    [
        ("dal=2026-05-01&al=2026-04-01", "La data finale non può essere prima di quella iniziale."),
        ("dal=2015-01-01&al=2026-04-01", "Scegli un periodo di al massimo cinque anni."),
        ("dal=2026-02-30&al=2026-04-01", "Scrivi una data valida"),
    ],
)
def test_bad_ranges(as_coordinator, data, query, message):
    response = as_coordinator.get(f"/coordinamento/?{query}")
    assert response.status_code == 400 and message in text(response)
    assert as_coordinator.get(f"/coordinamento/esporta.xlsx?{query}").status_code == 400
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_unknown_town_is_not_found(as_coordinator):
    assert as_coordinator.get(f"/coordinamento/?{YEAR}&comune=atlantide").status_code == 404


def test_access(browser, make_user):
    assert browser.get("/coordinamento/").headers["Location"].startswith("/accedi")
    browser.login(make_user("maker@example.org", [Role.COMMUNITY_MAKER]))
    assert browser.get("/coordinamento/").status_code == 403
    assert browser.get("/coordinamento/esporta.csv").status_code == 403


def test_each_figure_links_to_its_rows(as_coordinator, data):
    people = text(as_coordinator.get(f"/coordinamento/dettaglio/persone?{YEAR}"))
    assert people.count("Rosa Ferrari") == 1 and "Luca Bassi" in people and "Gino" in people
    sessions = text(as_coordinator.get(f"/coordinamento/dettaglio/incontri?{YEAR}"))
    assert "3 mar 2026" in sessions and "10 mar 2026" not in sessions
    assert as_coordinator.get(f"/coordinamento/dettaglio/altro?{YEAR}").status_code == 404
    html = as_coordinator.get(f"/coordinamento/?{YEAR}").get_data(as_text=True)
    assert "/coordinamento/dettaglio/persone?dal=2026-01-01" in html


def test_xlsx_export_is_audited(as_coordinator, coordinator, data):
    response = as_coordinator.get(f"/coordinamento/esporta.xlsx?{YEAR}")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "Incontri gruppi",
        "Incontri laboratori",
        "Persone raggiunte",
        "Attività centri",
    ]
    assert next(iter(book["Incontri gruppi"].iter_rows(min_row=2, values_only=True)))[2:] == (
        "Welfare in azione",
        "Sala",
        3,
        1,
        1,
    )
    assert book["Incontri laboratori"].max_row == 4 and book["Persone raggiunte"].max_row == 4
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.row_count) == ("export.xlsx", coordinator.id, 1 + 3 + 3 + 4)


def test_csv_export_neutralises_formulas(as_coordinator, data):
    session = db.session.scalar(select(LabAttendance).where(LabAttendance.walk_in_name == "Gino")).session
    session.attendances.append(LabAttendance(walk_in_name='=HYPERLINK("http://evil")'))
    db.session.commit()
    body = as_coordinator.get(f"/coordinamento/esporta.csv?{YEAR}&tipo=persone").data.decode("utf-8")
    assert body.startswith("\ufeffNome;Contatto;Laboratori;Incontri")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    assert db.session.scalar(select(AuditEntry.action)) == "export.csv"


def test_dashboard_makes_a_fixed_number_of_queries(as_coordinator, data):
    from tests.test_query_counts import count_queries

    url = f"/coordinamento/?{YEAR}"
    as_coordinator.get(url)
    with count_queries() as few:
        as_coordinator.get(url)
    lab = factories.lab(slug="c", title="Altro")
    for day in range(1, 20):
        s = factories.session(lab, date(2026, 5, day))
        s.attendances.append(LabAttendance(walk_in_name=f"Persona {day}"))
    db.session.commit()
    with count_queries() as many:
        as_coordinator.get(url)
    assert few and len(many) == len(few)


def test_every_export_link_of_the_dashboard_works_before_any_filter(as_coordinator, data):
    """Opened with no period in the address, the page's export links take the default period."""
    import re

    html = as_coordinator.get("/coordinamento/").get_data(as_text=True)
    links = sorted(set(re.findall(r'href="(/coordinamento/esporta\.[^"]+)"', html)))
    assert len(links) >= 3
    names = set()
    for link in links:
        response = as_coordinator.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        names.add(response.headers["Content-Disposition"])
    assert len(names) == len(links)  # each file has its own name


def test_figures_match_a_direct_count_of_the_rows(app, data):
    """The aggregates against the rows the exports list, one by one (app/reports/services.py), beside
    sessions and meetings with attendance outside the period, which must not count."""
    from collections import defaultdict
    from datetime import datetime

    from app.common.timeutil import ROME
    from app.labs.services import attendance_total
    from app.reports import services
    from app.reports.period import Period

    lab = factories.lab(slug="fuori", title="Fuori periodo", where_town="Offanengo")
    for day in (date(2025, 12, 30), date(2026, 5, 12), date(2026, 11, 24), date(2027, 1, 12)):
        s = factories.session(lab, day, headcount=3)
        s.attendances += [LabAttendance(walk_in_name=f"Ospite {day}"), LabAttendance(walk_in_name="Gino")]
    factories.session(lab, date(2026, 5, 19))  # held, nobody counted: the lab still runs
    group = db.session.scalar(select(WorkingGroup))
    for day in (date(2025, 12, 18), date(2026, 6, 4)):
        meeting = Meeting(group=group, held_on=day, start_time=time(14, 30), end_time=time(16), venue="Sala")
        meeting.attendances += [Attendance(guest_name=f"P{n}", status="present") for n in range(4)]
        db.session.add(meeting)
    db.session.commit()
    period, now = Period(date(2026, 1, 1), date(2026, 11, 23)), datetime(2026, 11, 23, 12, tzinfo=ROME)

    figures = services.figures(period, now)
    sessions, meetings = services.held_sessions(period, now), services.held_meetings(period, now)
    assert (figures.sessions_held, figures.labs_running, figures.meetings_held) == (5, 3, 2)
    assert figures.sessions_held == len(sessions)
    assert figures.labs_running == len({s.lab_id for s in sessions})
    assert figures.hours == round(sum(s.hours for s in sessions), 1)
    assert figures.attendance_records == sum(attendance_total(s) for s in sessions)
    assert figures.counted_only == sum(max(0, (s.headcount or 0) - len(s.attendances)) for s in sessions)
    assert figures.people_reached == len(services.people(sessions))
    by_month = defaultdict(int)
    for s in sessions:
        by_month[s.start_on.replace(day=1)] += attendance_total(s)
    assert figures.by_month == dict(sorted(by_month.items()))
    assert figures.meetings_held == len(meetings)
    assert figures.meeting_presences == sum(services.presences(m) for m in meetings)
    presences = defaultdict(int)
    for m in meetings:
        presences[m.held_on.replace(day=1)] += services.presences(m)
    assert figures.meetings_by_month == dict(sorted(presences.items()))
