"""Named attendance: every row names its person, starts "non registrato", times are checked, the
expected list is the roster on the meeting's day, the quorum follows the group's rule."""

from datetime import date, time

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.groups import services
from app.groups.models import Attendance, GroupMembership, Meeting
from app.platform.extensions import db
from tests.conftest import opened, text
from tests.verbale_2014 import ALL_NAMES, GUESTS, record_attendance, round2014_fixture  # noqa: F401


def _rows(browser, meeting_id):
    soup = BeautifulSoup(browser.get(f"/incontri/{meeting_id}").get_data(as_text=True), "html.parser")
    table = soup.select_one("table.legami-attendance")
    return [
        (" ".join(tr.th.get_text(" ").split()), tr.select_one("select").find("option", selected=True).text)
        for tr in table.tbody.find_all("tr")
    ]


def test_every_row_names_its_person_and_starts_unrecorded(browser, round2014):
    for name, _status in GUESTS:
        services_guest = __import__("app.groups.attendance", fromlist=["add_guest"]).add_guest
        services_guest(round2014.meeting, name, "", "unrecorded")
    db.session.commit()
    browser.login(round2014.secretary)
    rows = _rows(browser, round2014.meeting.id)
    assert len(rows) == 19
    names = [name for name, _ in rows]
    for person in ALL_NAMES:
        assert any(n.startswith(person) for n in names), person
    assert "?" not in names
    assert {selected for _, selected in rows} == {"Non registrato"}
    assert any(n.startswith("Angelo Stanghellini Membro, senza account") for n in names)
    page = text(browser.get(f"/incontri/{round2014.meeting.id}"))
    assert "Numero legale non raggiunto: 0 membri presenti su 6 (ne servono 4)." in page


def _post(browser, r, overrides):
    rows = _rows(browser, r.meeting.id)
    data = {}
    memberships = {m.display_name: m for m in r.group.memberships}
    for i, (label, _) in enumerate(rows):
        name = next(n for n in memberships if label.startswith(n))
        data |= {f"rows-{i}-key": f"m{memberships[name].id}", f"rows-{i}-status": "present",
                 f"rows-{i}-arrived_at": "", f"rows-{i}-left_at": ""}  # fmt: skip
        for field, value in overrides.get(name, {}).items():
            data[f"rows-{i}-{field}"] = value
    return browser.post(f"/incontri/{r.meeting.id}/presenze", data)


def count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_times_are_checked_with_italian_messages_and_nothing_is_saved(browser, round2014):
    browser.login(round2014.secretary)
    cases = [
        ({"Angela Beretta": {"arrived_at": "14:00"}}, "L'arrivo deve essere durante l'incontro, tra le 14:30 e le 16:40."),
        ({"Angela Beretta": {"left_at": "17:00"}}, "L'uscita deve essere durante l'incontro, tra le 14:30 e le 16:40."),
        ({"Angela Beretta": {"arrived_at": "16:00", "left_at": "15:00"}}, "L'uscita deve venire dopo l'arrivo."),
        ({"Claudio Dagheti": {"status": "absent", "arrived_at": "15:00"}}, "valgono solo per chi è presente"),
        ({"Angela Beretta": {"arrived_at": "25:61"}}, "Scrivi un orario valido"),
    ]  # fmt: skip
    for overrides, message in cases:
        response = _post(browser, round2014, overrides)
        assert response.status_code == 400 and message in text(response), message
        assert "nessuna presenza è stata salvata" in text(response)
        assert count(Attendance) == 0
    response = _post(browser, round2014, {"Angela Beretta": {"arrived_at": "15:00", "left_at": "16:00"}})
    assert response.status_code == 302
    beretta = db.session.scalar(select(Attendance).where(Attendance.user_id == round2014.chair.id))
    assert (beretta.status, beretta.arrived_at, beretta.left_at) == ("present", time(15), time(16))


def test_guests_have_every_status_and_the_verbale_counts(browser, round2014):
    record_attendance(round2014)
    browser.login(round2014.secretary)
    rows = dict(_rows(browser, round2014.meeting.id))
    assert rows["Donata Bertoletti Ospite"] == "Assente"
    assert rows["Michele Gennuso Ospite"] == "Presente"
    page = text(browser.get(f"/incontri/{round2014.meeting.id}"))
    assert "Numero legale raggiunto: 4 membri presenti su 6 (ne servono 4)." in page


def test_roster_at_the_meetings_date_never_changes_the_past(browser, round2014, make_user):
    record_attendance(round2014)
    newcomer = make_user("nuovo@example.org", [], "Nadia Nuova")
    services.add_member(round2014.group, newcomer.email, "member", date(2026, 1, 10))
    services.add_person(round2014.group, "Paolo Postumo", "", "member", date(2026, 1, 10))
    leaver = db.session.scalar(select(GroupMembership).where(GroupMembership.name == "Luca Uberti Foppa"))
    services.end_membership(leaver, date(2026, 1, 10))
    db.session.commit()
    browser.login(round2014.secretary)
    page = text(browser.get(f"/incontri/{round2014.meeting.id}"))
    assert "4 membri presenti su 6" in page
    assert "Nadia Nuova" not in page and "Paolo Postumo" not in page and "Luca Uberti Foppa" in page
    sheet = text(browser.get(f"/incontri/{round2014.meeting.id}/foglio-firme"))
    assert "Luca Uberti Foppa" in sheet and "Nadia Nuova" not in sheet
    later = services.schedule_meeting(
        round2014.group, date(2026, 2, 4), time(14, 30), time(16), "Oratorio", ""
    )
    db.session.commit()
    page = text(browser.get(f"/incontri/{later.id}"))
    assert "Nadia Nuova" in page and "Paolo Postumo" in page and "Luca Uberti Foppa" not in page
    assert "0 membri presenti su 7 (ne servono 4)" in page


def test_fixed_quorum_rule(browser, round2014):
    record_attendance(round2014)
    browser.login(round2014.chair)
    form = {"name": "Welfare di Comunità", "description": "", "town_id": "0", "district": "",
            "quorum_rule": "fixed", "quorum_number": ""}  # fmt: skip
    slug = round2014.group.slug
    assert "Con un numero fisso, scrivi quanti membri servono." in text(
        browser.post(f"/gruppi/{slug}/modifica", form)
    )
    browser.post(f"/gruppi/{slug}/modifica", {**form, "quorum_number": "5", **opened(round2014.group)})
    page = text(browser.get(f"/incontri/{round2014.meeting.id}"))
    assert "Numero legale non raggiunto: 4 membri presenti su 6 (ne servono 5)." in page


def test_secretary_adds_people_without_an_account(browser, round2014):
    browser.login(round2014.secretary)
    slug = round2014.group.slug
    url = f"/gruppi/{slug}/persone"
    response = browser.post(url, {"person-name": "  Giulia   Senzaconto ", "person-email": "", "person-role": "member",
                                  "person-start_on": "2014-03-01"})  # fmt: skip
    assert response.status_code == 302
    assert "Giulia Senzaconto fa ora parte del gruppo." in text(browser.get(f"/gruppi/{slug}/modifica"))
    errors = [
        ({"person-name": "Giulia Senzaconto"}, "Questa persona è già nel gruppo."),
        ({"person-name": "X", "person-email": "beretta@example.org"}, "Questa persona è già nel gruppo."),
        ({"person-name": "X", "person-email": "non-una-email"}, "Scrivi un indirizzo e-mail valido."),
        ({"person-name": ""}, "Scrivi nome e cognome."),
    ]
    before = count(GroupMembership)
    for data, message in errors:
        response = browser.post(url, {"person-role": "member", "person-email": "", **data})
        assert response.status_code == 400 and message in text(response)
    assert count(GroupMembership) == before
    page = text(browser.get(f"/incontri/{round2014.meeting.id}"))
    assert "Giulia Senzaconto Membro, senza account" in page
    # With an e-mail: an account without a password, and the invitation queued for it.
    browser.post(
        url, {"person-name": "Irene Invitata", "person-email": "irene@example.org", "person-role": "member"}
    )
    from app.accounts.models import User
    from app.messages.models import Message

    irene = db.session.scalar(select(User).where(User.email == "irene@example.org"))
    assert irene is not None and irene.password_hash is None and irene.full_name == "Irene Invitata"
    message = db.session.scalar(select(Message).where(Message.to_email == "irene@example.org"))
    assert message is not None and message.kind == "invitation"
    giulia = db.session.scalar(select(GroupMembership).where(GroupMembership.name == "Giulia Senzaconto"))
    browser.post(f"/incontri/{round2014.meeting.id}/azioni",
                 {"action-description": "Mappare le aziende", "action-owner": f"m{giulia.id}", "action-due_on": ""})  # fmt: skip
    assert "Mappare le aziende — Giulia Senzaconto" in text(browser.get(f"/incontri/{round2014.meeting.id}"))
    assert "Giulia Senzaconto" in text(browser.get(f"/gruppi/{slug}"))
    browser.logout()
    browser.login(round2014.member)
    assert browser.post(url, {"person-name": "Y", "person-role": "member"}).status_code == 403
    assert browser.post("/gruppi/non-esiste/persone", {"person-name": "Y"}).status_code == 404


def test_editing_a_meeting_bumps_its_sequence(browser, round2014):
    browser.login(round2014.secretary)
    mid = round2014.meeting.id
    data = {"held_on": "2027-01-13", "start_time": "14:30", "end_time": "16:40",
            "venue": "Oratorio di San Bartolomeo, via Zuvadelli", "points-0-title": "Sintesi del lavoro",
            "points-0-point_id": str(round2014.meeting.points[0].id), "points-1-title": "Piste di lavoro",
            "points-1-point_id": str(round2014.meeting.points[1].id)}  # fmt: skip
    browser.post(f"/incontri/{mid}/modifica", data | opened(round2014.meeting))
    browser.post(f"/incontri/{mid}/modifica", data | opened(round2014.meeting))  # no change: no new sequence
    db.session.expire_all()
    meeting = db.session.get(Meeting, mid)
    assert (meeting.sequence, meeting.venue) == (1, "Oratorio di San Bartolomeo, via Zuvadelli")
    assert meeting.updated_at is not None
    # The personal feed carries the new SEQUENCE and LAST-MODIFIED.
    import re

    html = browser.get("/profilo/calendario").get_data(as_text=True)
    path = re.search(r"http://legami\.test(/ical/personale/[^\"<]+\.ics)", html).group(1)
    from icalendar import Calendar

    event = Calendar.from_ical(browser.get(path).data).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1 and "Oratorio di San Bartolomeo" in str(event["LOCATION"])
    assert event["LAST-MODIFIED"].dt.replace(microsecond=0) >= meeting.created_at.replace(
        microsecond=0, tzinfo=event["LAST-MODIFIED"].dt.tzinfo
    )


def test_secretary_exports_own_group_and_sees_the_link(browser, round2014):
    record_attendance(round2014)
    browser.login(round2014.secretary)
    assert "Esporta presenze" in text(browser.get(f"/incontri/{round2014.meeting.id}"))
    form = {
        "group_id": str(round2014.group.id),
        "start": "2014-01-01",
        "end": "2014-12-31",
        "file_format": "csv",
    }
    body = browser.post("/gruppi/esporta-presenze", form).get_data(as_text=True)
    assert "Angelo Stanghellini" in body and "Donata Bertoletti" in body and "assente" in body
    from app.audit.models import AuditEntry

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "groups.attendance_export"))
    assert entry.actor_id == round2014.secretary.id and entry.row_count == 19
    services.create_group("Altro", "", None, "")
    db.session.commit()
