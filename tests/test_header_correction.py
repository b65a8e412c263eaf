"""A rettifica of an approved verbale's header: place, hours and attendance, with what changed."""

import io

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from sqlalchemy import func, select

from app.groups.models import Meeting
from app.minutes.models import ApprovedVersion
from app.platform.extensions import db
from tests.conftest import text
from tests.verbale_2014 import approve, review_fixture, round2014_fixture  # noqa: F401


def url(m) -> str:
    return f"/verbali/{m.id}/rettifica/presenze"


def page_of(m) -> str:
    return f"/gruppi/{m.group.slug}/verbali/{m.id}"


def form_values(response) -> tuple[dict, dict]:
    """The form's fields as posted by a browser, and row prefix by person's name."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    form = soup.find("form", method="post")
    data = {}
    for field in form.find_all(["input", "select"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen["value"]
        else:
            data[name] = field.get("value", "")
    rows = {}
    for th in form.select("tbody th[scope=row]"):
        key_input = th.find("input")
        rows[th.contents[0].strip()] = key_input["name"].rsplit("-", 1)[0]
    return data, rows


def versions_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ApprovedVersion))


@pytest.fixture
def approved(review):
    review.minutes = approve(review)
    return review


def test_who_may_open_it(browser, approved, review):
    m = approved.minutes
    assert browser.get(url(m)).status_code == 302  # anonymous: to the login page
    browser.login(approved.outsider)
    assert browser.get(url(m)).status_code == 404  # a group-only verbale is not there for outsiders
    browser.logout()
    browser.login(approved.member)
    assert browser.get(url(m)).status_code == 403
    assert "Rettifica sede, orario e presenze" not in text(browser.get(page_of(m)))
    browser.logout()
    browser.login(approved.secretary)
    assert browser.get("/verbali/999999/rettifica/presenze").status_code == 404
    page = text(browser.get(url(m)))
    assert "Rettifica di sede, orario e presenze" in page
    for name in ("Angela Beretta", "Claudio Dagheti", "Michele Gennuso", "Francesca Moruzzi"):
        assert name in page


def test_a_draft_has_no_header_rettifica(browser, review):
    browser.login(review.secretary)
    assert browser.get(url(review.minutes)).status_code == 403


def test_rettifica_changes_place_and_attendance_and_says_what_changed(browser, approved):
    m, meeting = approved.minutes, approved.meeting
    sequence = meeting.sequence
    browser.login(approved.secretary)
    data, rows = form_values(browser.get(url(m)))
    data |= {"reason": "Claudio Dagheti era presente", "venue": "Sala civica, via Frecavalli 16, Crema"}
    data[rows["Claudio Dagheti"] + "-status"] = "present"
    data[rows["Claudio Dagheti"] + "-arrived_at"] = "15:00"
    response = browser.post(url(m), data)
    assert response.status_code == 302
    page = text(browser.get(page_of(m)))
    assert "ha una nuova versione approvata" in page
    assert "Claudio Dagheti era presente" in page
    assert "Sede: «via Frecavalli 16, Crema» diventa «Sala civica, via Frecavalli 16, Crema»." in page
    assert "Claudio Dagheti: assente diventa presente dalle 15:00." in page
    assert "Numero legale raggiunto: 5 membri presenti su 6 (ne servono 4)." in page
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).sequence == sequence + 1
    version = db.session.scalars(select(ApprovedVersion).where(ApprovedVersion.number == 2)).one()
    assert version.reason == "Claudio Dagheti era presente"
    pdf = browser.get(f"/verbali/{m.id}/versioni-approvate/2.pdf")
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "Claudio Dagheti: assente diventa presente dalle 15:00." in pdf_text


def test_the_public_sees_that_attendance_changed_but_not_whose(browser, review):
    m = approve(review, visibility="public")
    browser.login(review.secretary)
    data, rows = form_values(browser.get(url(m)))
    data |= {"reason": "Presenza dimenticata"}
    data[rows["Luca Uberti Foppa"] + "-status"] = "excused"
    assert browser.post(url(m), data).status_code == 302
    browser.logout()
    page = text(browser.get(page_of(m)))
    assert "Presenza dimenticata" in page and "Presenze corrette." in page
    assert "Luca Uberti Foppa" not in page


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reason": ""}, "Scrivi il motivo della rettifica."),
        ({"venue": ""}, "Scrivi la sede."),
        ({"start_time": "17:00", "end_time": "16:00"}, "La fine deve venire dopo l'inizio."),
        ({"end_time": "25:99"}, "Scrivi un orario valido"),
        ({"row:Michele Gennuso:arrived_at": "14:00"}, "L'arrivo deve essere durante l'incontro"),
        (
            {"row:Claudio Dagheti:left_at": "16:00"},
            "Gli orari di arrivo e uscita valgono solo per chi è presente.",
        ),
    ],
)
def test_bad_input_says_why_and_changes_nothing(browser, approved, change, message):
    m, meeting = approved.minutes, approved.meeting
    browser.login(approved.chair)
    data, rows = form_values(browser.get(url(m)))
    data["reason"] = "Correzione"
    for key, value in change.items():
        if key.startswith("row:"):
            _, name, field = key.split(":")
            key = f"{rows[name]}-{field}"
        data[key] = value
    response = browser.post(url(m), data)
    assert response.status_code == 400
    page = text(response)
    assert message in page and "la rettifica non è stata salvata" in page
    db.session.expire_all()
    assert versions_count() == 1
    assert db.session.get(Meeting, meeting.id).venue == "via Frecavalli 16, Crema"


def test_a_rettifica_from_an_old_version_is_refused(browser, approved):
    m = approved.minutes
    browser.login(approved.secretary)
    data, _rows = form_values(browser.get(url(m)))
    first = {**data, "reason": "Prima", "venue": "Sede A"}
    assert browser.post(url(m), first).status_code == 302
    second = {**data, "reason": "Seconda", "venue": "Sede B"}  # opened before the first was saved
    response = browser.post(url(m), second)
    assert "qualcuno ha salvato un'altra rettifica" in text(browser.get(response.headers["Location"]))
    db.session.expire_all()
    assert versions_count() == 2 and db.session.get(Meeting, approved.meeting.id).venue == "Sede A"


def test_simultaneous_header_rettifiche_make_one_version_and_no_error(app, approved):
    """Three people save a rettifica at the same instant (own client, own session): one new
    version, the others see the conflict (a PDF/A each makes a rettifica a slow write on SQLite)."""
    from tests.test_lost_updates import rivals_save_at_once

    m = approved.minutes
    answers = rivals_save_at_once(
        app, approved.secretary, url(m), lambda n: {"reason": f"Rettifica {n}", "venue": f"Sede {n}"},
        read_form=lambda page: form_values(page)[0], rivals=3,
    )  # fmt: skip
    codes = sorted(getattr(a, "status_code", a) for a in answers)
    assert codes in ([302, 302, 302], [302, 302, 409], [302, 409, 409]), codes
    for answer in answers:
        if answer.status_code == 409:
            assert "Modificato da qualcun altro" in text(answer)
    db.session.expire_all()
    assert versions_count() == 2  # the approval and exactly one rettifica
    assert db.session.get(Meeting, approved.meeting.id).venue in {f"Sede {n}" for n in range(3)}
