"""The ordine del giorno in points: editing them, the convocazione, decisions per point in the
verbale (page, PDF/A, group page, search), carrying open points to the next meeting, and the
2014 meeting rebuilt as points end to end."""

import io
import re
from datetime import date, time, timedelta

import pytest
from flask_babel import format_date
from pypdf import PdfReader
from sqlalchemy import func, select

from app.common.timeutil import today_in_rome
from app.groups import points, services
from app.groups.models import AgendaPoint, Meeting
from app.platform.extensions import db
from tests.conftest import opened, text
from tests.groups_support import team_fixture  # noqa: F401
from tests.mail_support import body
from tests.verbale_2014 import approve, record_attendance, round2014_fixture  # noqa: F401

AHEAD = today_in_rome() + timedelta(days=12)
BASE = {"held_on": AHEAD.isoformat(), "start_time": "14:30", "end_time": "16:40", "venue": "Sala civica"}
ROWS = {
    "points-0-title": "Proposte dei quartieri", "points-0-position": "2",
    "points-1-title": "Bilancio 2014", "points-1-presenter": "Rossi", "points-1-minutes_planned": "20",
    "points-1-position": "1",
    "points-2-title": "Da togliere", "points-2-remove": "y",
    "points-3-title": "",  # an empty row is no point
}  # fmt: skip


def count_points() -> int:
    return db.session.scalar(select(func.count(AgendaPoint.id)))


def titles(meeting) -> list[str]:
    db.session.expire_all()
    return [p.title for p in db.session.get(Meeting, meeting.id).points]


def new_meeting_url(group) -> str:
    return f"/gruppi/{group.slug}/incontri/nuovo"


# --- routes: who may ---------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(browser, team):
    for url in (new_meeting_url(team.group), f"/incontri/{team.meeting.id}/modifica"):
        assert browser.get(url).status_code == 302
    point = team.meeting.points[0]
    assert browser.post(f"/punti/{point.id}/riporta", {}, csrf=False).status_code in (302, 400)
    assert carried_count(point) == 0


def carried_count(point) -> int:
    return db.session.scalar(
        select(func.count(AgendaPoint.id)).where(AgendaPoint.carried_from_id == point.id)
    )


def test_another_groups_member_sees_nothing_and_changes_nothing(browser, team, make_user):
    outsider = make_user("altro@example.org", [], "Oscar Altro")
    other = services.create_group("Altro gruppo", "", None, "")
    services.add_member(other, outsider.email, "chair")
    services.schedule_meeting(team.group, AHEAD, time(14, 30), time(16), "Sala", "Prossimo")
    db.session.commit()
    before = count_points()
    browser.login(outsider)
    assert browser.get(new_meeting_url(team.group)).status_code == 403
    assert browser.post(new_meeting_url(team.group), BASE | ROWS).status_code == 403
    assert browser.get(f"/incontri/{team.meeting.id}/modifica").status_code == 404
    point = team.meeting.points[0]
    assert browser.post(f"/punti/{point.id}/riporta", {}).status_code == 404
    assert count_points() == before


def test_missing_meeting_or_point_is_404(browser, team):
    browser.login(team.secretary)
    assert browser.get("/incontri/9999/modifica").status_code == 404
    assert browser.post("/punti/9999/riporta", {}).status_code == 404


def test_the_secretary_schedules_points_in_order_and_the_convocazione_lists_them(browser, team, mailbox):
    mailbox.deliver()  # the fixture's own meeting
    browser.login(team.secretary)
    form = browser.get(new_meeting_url(team.group)).get_data(as_text=True)
    assert "Ordine del giorno" in form and 'value="Aggiungi un punto"' in form
    response = browser.post(new_meeting_url(team.group), BASE | ROWS)
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))
    assert [(p.position, p.title, p.presenter, p.minutes_planned) for p in meeting.points] == [
        (1, "Bilancio 2014", "Rossi", 20), (2, "Proposte dei quartieri", "", None)]  # fmt: skip
    page = text(browser.get(f"/incontri/{meeting.id}"))
    assert "Bilancio 2014 — presenta Rossi, 20 min" in page and "Proposte dei quartieri" in page
    plain = body(mailbox.deliver()[0]).replace("\r", "")
    assert "Ordine del giorno:\n1. Bilancio 2014 — presenta Rossi, 20 min\n2. Proposte dei quartieri" in plain
    assert meeting.agenda_text == "1. Bilancio 2014 — presenta Rossi, 20 min\n2. Proposte dei quartieri"


def test_editing_reorders_renames_and_removes_keeping_each_points_decision(browser, team):
    first, second = team.meeting.points
    first.decision_kind, first.decision = "resolution", "Si approva la sintesi."
    db.session.commit()
    second_id = second.id
    browser.login(team.secretary)
    url = f"/incontri/{team.meeting.id}/modifica"
    page = browser.get(url).get_data(as_text=True)
    assert page.count('name="points-') >= 5 * 5  # two points and three empty rows
    data = BASE | opened(team.meeting) | {
        "held_on": team.meeting.held_on.isoformat(),
        "points-0-point_id": str(first.id), "points-0-title": "Sintesi", "points-0-position": "2",
        "points-1-point_id": str(second.id), "points-1-title": "Piste di lavoro (rivedute)",
        "points-1-position": "1", "points-1-minutes_planned": "45",
        "points-2-title": "Varie ed eventuali",
    }  # fmt: skip
    assert browser.post(url, data).status_code == 302
    assert titles(team.meeting) == ["Piste di lavoro (rivedute)", "Sintesi", "Varie ed eventuali"]
    kept = db.session.get(AgendaPoint, first.id)
    assert (kept.position, kept.decision) == (2, "Si approva la sintesi.")
    data = BASE | opened(team.meeting) | {
        "held_on": team.meeting.held_on.isoformat(), "points-0-point_id": str(first.id), "points-0-title": "Sintesi",
    }  # fmt: skip
    assert browser.post(url, data).status_code == 302
    assert titles(team.meeting) == ["Sintesi"] and db.session.get(AgendaPoint, second_id) is None


def test_aggiungi_un_punto_adds_a_row_and_saves_nothing(browser, team):
    browser.login(team.secretary)
    before = db.session.scalar(select(func.count(Meeting.id)))
    response = browser.post(new_meeting_url(team.group), BASE | ROWS | {"add_point": "Aggiungi un punto"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="points-4-title"' in html and 'value="Bilancio 2014"' in html
    assert db.session.scalar(select(func.count(Meeting.id))) == before


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"points-0-title": "", "points-0-presenter": "Rossi"}, "Scrivi il titolo del punto."),
        (
            {"points-0-title": "Bilancio", "points-0-minutes_planned": "0"},
            "Scrivi un numero di minuti tra 1 e 240.",
        ),
        (
            {"points-0-title": "Bilancio", "points-0-minutes_planned": "999"},
            "Scrivi un numero di minuti tra 1 e 240.",
        ),
        ({"points-0-title": "Bilancio", "points-0-minutes_planned": "venti"}, "Controlla i campi segnalati"),
        ({"points-0-title": "x" * 201}, "Al massimo 200 caratteri."),
        (
            {f"points-{n}-title": f"Punto {n}" for n in range(60)},
            "Al massimo 40 punti all'ordine del giorno.",
        ),
    ],
    ids=["empty title", "0 minutes", "999 minutes", "not a number", "long title", "60 points"],
)
def test_bad_points_change_nothing(browser, team, rows, message):
    browser.login(team.secretary)
    before = (db.session.scalar(select(func.count(Meeting.id))), count_points())
    response = browser.post(new_meeting_url(team.group), BASE | rows)
    assert response.status_code == 200 and message in text(response)
    assert (db.session.scalar(select(func.count(Meeting.id))), count_points()) == before
    url = f"/incontri/{team.meeting.id}/modifica"
    response = browser.post(url, BASE | opened(team.meeting) | rows)
    assert response.status_code == 200 and message in text(response)
    assert titles(team.meeting) == ["Sintesi", "Piste di lavoro"]


def test_a_long_presenter_is_said_beside_the_field_laid_out_as_the_others(browser, team):
    browser.login(team.secretary)
    response = browser.post(
        new_meeting_url(team.group), BASE | {"points-0-title": "Bilancio", "points-0-presenter": "p" * 121}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Al massimo 120 caratteri." in text(response)
    assert 'aria-describedby="points-0-presenter-errore"' in html and 'id="points-0-presenter-errore"' in html
    # Inside a form-group, as every other field (Bootstrap Italia places labels from it).
    from bs4 import BeautifulSoup

    label = BeautifulSoup(html, "html.parser").find("label", attrs={"for": "points-0-presenter"})
    assert "form-group" in label.parent["class"]


# --- the verbale, point by point ----------------------------------------------------------


def decision_rows(meeting, values: dict) -> dict:
    data = {}
    for n, point in enumerate(meeting.points):
        kind, words = values.get(point.title, ("none", ""))
        data |= {
            f"decisions-{n}-point_id": str(point.id),
            f"decisions-{n}-kind": kind,
            f"decisions-{n}-text": words,
        }
    return data


def test_the_editor_offers_a_section_and_a_decision_per_point(browser, team):
    browser.login(team.secretary)
    url = f"/incontri/{team.meeting.id}/verbale"
    page = browser.get(url).get_data(as_text=True)
    assert "## Sul punto 1: Sintesi" in page and "## Sul punto 2: Piste di lavoro" in page
    assert text(browser.get(url)).count("Testo della decisione") == 2
    bad = {"title": "Verbale", "body": "Testo."} | decision_rows(
        team.meeting, {"Sintesi": ("resolution", " ")}
    )
    response = browser.post(url, bad)
    assert response.status_code == 200 and "Scrivi il testo della decisione." in text(response)
    wrong_kind = {"title": "Verbale", "body": "Testo."} | decision_rows(
        team.meeting, {"Sintesi": ("veto", "No")}
    )
    assert browser.post(url, wrong_kind).status_code == 200
    db.session.expire_all()
    assert [p.decision_kind for p in team.meeting.points] == ["none", "none"]
    good = {"title": "Verbale", "body": "## Sul punto 1: Sintesi\n\nDiscussione."} | decision_rows(
        team.meeting, {"Sintesi": ("recommendation", "Coinvolgere le imprese cremasche.")}
    )
    assert browser.post(url, good).status_code == 302
    db.session.expire_all()
    assert [(p.decision_kind, p.decision) for p in team.meeting.points] == [
        ("recommendation", "Coinvolgere le imprese cremasche."), ("none", "")]  # fmt: skip


def test_the_pdf_follows_the_points_with_their_decisions_and_decisions_are_found(browser, round2014):
    r = round2014
    record_attendance(r)
    browser.login(r.secretary)
    url = f"/incontri/{r.meeting.id}/verbale"
    data = {
        "title": "Verbale incontro gruppo di lavoro",
        "body": "## Sul punto 1: Sintesi del lavoro\n\nSintesi.",
    }
    data |= decision_rows(r.meeting, {"Sintesi del lavoro": ("resolution", "Si individuano gli ambiti di sperimentazione.")})  # fmt: skip
    assert browser.post(url, data).status_code == 302
    from app.minutes.models import Minutes

    r.minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == r.meeting.id))
    browser.post(f"/verbali/{r.minutes.id}/revisione", {})
    m = approve(r, "public")
    pdf = browser.get(f"/verbali/{m.id}/versioni-approvate/1.pdf").data
    content = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    decisions = content.split("Decisioni per punto")[1]
    assert re.search(
        r"Sintesi del lavoro: Deliberazione\. Si individuano gli ambiti di sperimentazione\.", decisions
    )
    assert decisions.index("Sintesi del lavoro") < decisions.index("Piste di lavoro: nessuna decisione.")
    assert "Ordine del giorno" in content
    group_page = text(browser.get(f"/gruppi/{r.group.slug}"))
    assert "Decisioni" in group_page and "Si individuano gli ambiti di sperimentazione." in group_page
    browser.logout()
    assert "Si individuano gli ambiti" in text(browser.get(f"/gruppi/{r.group.slug}"))  # a public verbale
    found = text(browser.get("/verbali/cerca?q=ambiti+sperimentazione"))
    assert "Verbale incontro gruppo di lavoro" in found


# --- carrying open points over ------------------------------------------------------------


def test_an_open_point_is_carried_to_the_next_meeting_and_its_convocazione(browser, team, mailbox):
    first, second = team.meeting.points
    second.decision_kind, second.decision = "resolution", "Deciso."
    db.session.commit()
    mailbox.deliver()
    browser.login(team.secretary)
    page = f"/incontri/{team.meeting.id}"
    response = browser.post(f"/punti/{first.id}/riporta", {})
    assert response.status_code == 302 and carried_count(first) == 0  # no next meeting yet
    assert "Non c'è ancora un prossimo incontro" in text(browser.get(page))
    next_meeting = services.schedule_meeting(team.group, AHEAD, time(14, 30), time(16), "Sala", "Varie")
    db.session.commit()
    mailbox.deliver()
    assert browser.post(f"/punti/{second.id}/riporta", {}).status_code == 302
    assert carried_count(second) == 0  # decided: not carried
    assert browser.post(f"/punti/{first.id}/riporta", {}).status_code == 302
    assert browser.post(f"/punti/{first.id}/riporta", {}).status_code == 302  # twice: once
    assert carried_count(first) == 1
    day = format_date(team.meeting.held_on, "d MMMM")
    assert titles(next_meeting) == ["Varie", "Sintesi"]
    assert f"Sintesi (ripreso dall'incontro del {day})" in text(browser.get(f"/incontri/{next_meeting.id}"))
    assert "Riportato all'incontro di " in text(browser.get(page))
    update = mailbox.deliver()
    assert update and f"2. Sintesi (ripreso dall'incontro del {day})" in body(update[0]).replace("\r", "")


def test_an_upcoming_meetings_points_are_not_carried_before_its_day(browser, team, mailbox):
    """A week ahead, the points are still to be discussed: no «Riporta» button, and a post of it
    is refused, said plainly; the following meeting is untouched and nobody is written to."""
    upcoming = services.schedule_meeting(team.group, AHEAD, time(14, 30), time(16), "Sala", "Bilancio")
    following = services.schedule_meeting(
        team.group, AHEAD + timedelta(days=14), time(14, 30), time(16), "Sala", "Varie"
    )
    db.session.commit()
    mailbox.deliver()
    browser.login(team.secretary)
    page = f"/incontri/{upcoming.id}"
    assert "Riporta al prossimo incontro" not in text(browser.get(page))
    assert "Riporta al prossimo incontro" in text(browser.get(f"/incontri/{team.meeting.id}"))  # a held one
    point = upcoming.points[0]
    assert browser.post(f"/punti/{point.id}/riporta", {}).status_code == 302
    assert "L'incontro non si è ancora tenuto: un punto si riporta dopo la seduta." in text(browser.get(page))
    assert carried_count(point) == 0 and titles(following) == ["Varie"]
    assert mailbox.deliver() == []
    with pytest.raises(points.CarryRefused, match="not_held"):
        points.carry_over(point, following)


def test_carry_over_service_refuses_a_locked_or_missing_next(team):
    point = team.meeting.points[0]
    with pytest.raises(points.CarryRefused, match="no_next"):
        points.carry_over(point, None)


# --- the 2014 meeting, end to end ---------------------------------------------------------


def test_the_2014_meeting_as_points_end_to_end(browser, round2014):
    """9 April 2014: the secretary sets the ordine del giorno, records the 19 people, writes the
    verbale point by point, the chair approves it; the open point goes to the 23 April meeting."""
    r = round2014
    sintesi, piste = r.meeting.points
    browser.login(r.secretary)
    edit = f"/incontri/{r.meeting.id}/modifica"
    data = {
        "held_on": "2014-04-09", "start_time": "14:30", "end_time": "16:40", "venue": "via Frecavalli 16, Crema",
        "points-0-point_id": str(sintesi.id), "points-0-title": "Sintesi del lavoro del gruppo",
        "points-0-presenter": "Angelo Stanghellini", "points-0-minutes_planned": "30",
        "points-1-point_id": str(piste.id), "points-1-title": "Piste di lavoro", "points-1-minutes_planned": "90",
        "points-2-title": "Il ponte con il mondo profit", "points-2-minutes_planned": "20",
    } | opened(r.meeting)  # fmt: skip
    assert browser.post(edit, data).status_code == 302
    record_attendance(r)
    meeting_page = text(browser.get(f"/incontri/{r.meeting.id}"))
    assert "Sintesi del lavoro del gruppo — presenta Angelo Stanghellini, 30 min" in meeting_page
    assert "Piste di lavoro — 90 min" in meeting_page

    url = f"/incontri/{r.meeting.id}/verbale"
    draft = browser.get(url).get_data(as_text=True)
    assert "## Sul punto 3: Il ponte con il mondo profit" in draft
    verbale = (
        "## Sul punto 1: Sintesi del lavoro del gruppo\n\nAngelo Stanghellini sintetizza il lavoro fatto.\n\n"
        "## Sul punto 2: Piste di lavoro\n\n1) Meta-ambito; 2) Contrasto all'isolamento.\n\n"
        "## Sul punto 3: Il ponte con il mondo profit\n\nSe ne riparla."
    )
    decisions = decision_rows(db.session.get(Meeting, r.meeting.id), {
        "Sintesi del lavoro del gruppo": ("resolution", "Il progetto è di medio-lungo periodo."),
        "Piste di lavoro": ("recommendation", "Individuare gli ambiti di attuazione della sperimentazione."),
    })  # fmt: skip
    assert browser.post(url, {"title": "Verbale incontro gruppo di lavoro del 09.04.2014", "body": verbale} | decisions).status_code == 302  # fmt: skip
    from app.minutes.models import Minutes

    r.minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == r.meeting.id))
    browser.post(f"/verbali/{r.minutes.id}/revisione", {})
    m = approve(r)
    printed = text(browser.get(f"/verbali/{m.id}/stampa"))
    assert "Presenti (15)" in printed and "Assenti (4)" in printed
    points_part = printed.split("Decisioni per punto")[1].split("Prossimo incontro")[0].strip()
    assert points_part == (
        "Sintesi del lavoro del gruppo : Deliberazione . Il progetto è di medio-lungo periodo. "
        "Piste di lavoro : Raccomandazione . Individuare gli ambiti di attuazione della sperimentazione. "
        "Il ponte con il mondo profit : nessuna decisione."
    )
    pdf = browser.get(f"/verbali/{m.id}/versioni-approvate/1.pdf").data
    content = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Sul punto 2: Piste di lavoro" in content
    assert (
        "Piste di lavoro: Raccomandazione. Individuare gli ambiti di attuazione della sperimentazione."
        in content
    )

    following = services.schedule_meeting(r.group, date(2014, 4, 23), time(14, 30), time(16, 30),
                                          "Oratorio di San Bartolomeo, via Zuvadelli", "")  # fmt: skip
    db.session.commit()
    ponte = db.session.get(Meeting, r.meeting.id).points[2]
    assert browser.post(f"/punti/{ponte.id}/riporta", {}).status_code == 302
    next_page = text(browser.get(f"/incontri/{following.id}"))
    assert "Il ponte con il mondo profit — 20 min (ripreso dall'incontro del 9 aprile)" in next_page
    assert db.session.get(Minutes, m.id).status == "approved"  # the approved verbale is untouched


def test_another_meetings_point_cannot_be_taken_over_nor_decided(browser, team):
    """A posted point id of another meeting is no id: a new point is made, the other one is untouched."""
    other = services.schedule_meeting(team.group, AHEAD, time(9), time(10), "Sala", "Punto altrui")
    db.session.commit()
    theirs = other.points[0]
    browser.login(team.secretary)
    url = f"/incontri/{team.meeting.id}/modifica"
    data = BASE | opened(team.meeting) | {
        "held_on": team.meeting.held_on.isoformat(), "points-0-point_id": str(theirs.id), "points-0-title": "Mio",
        "points-1-point_id": "١٢", "points-1-title": "Cifre arabe",
    }  # fmt: skip
    assert browser.post(url, data).status_code == 302
    assert titles(team.meeting) == ["Mio", "Cifre arabe"] and titles(other) == ["Punto altrui"]
    page = f"/incontri/{team.meeting.id}/verbale"
    decided = {"title": "Verbale", "body": "Testo.", "decisions-0-point_id": str(theirs.id),
               "decisions-0-kind": "resolution", "decisions-0-text": "Non mia."}  # fmt: skip
    assert browser.post(page, decided).status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaPoint, theirs.id).decision_kind == "none"
