"""Issue 28, RSVP: members say whether they will come (sì, no, forse) from the convocazione's
signed links or from the meeting page; the secretary sees who is expected and the foreseen
quorum, reminds those who have not answered; attendance shows the answers but marks nobody."""

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from app.common.timeutil import today_in_rome
from app.groups import rsvp, services
from app.groups.models import Attendance, MeetingResponse
from app.messages.models import Message
from app.messages.render import render
from app.platform.extensions import db
from tests.conftest import text
from tests.groups_support import team_fixture  # noqa: F401
from tests.mail_support import path_of

AHEAD = today_in_rome() + timedelta(days=12)  # always in the future


@pytest.fixture
def ahead(team):
    """A meeting in the future (the fixture's own is already held): its convocazione is queued."""
    meeting = services.schedule_meeting(
        team.group, AHEAD, time(18, 0), time(19, 30), "Sala civica", "Bilancio"
    )
    db.session.commit()
    return meeting


def answers(meeting) -> dict[str, tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id))
    return {r.user.email: (r.answer, r.note) for r in rows}


def invitation(meeting, user, kind="meeting_invitation"):
    """The rendered message (app.messages.render.render) queued for the person about the meeting."""
    message = db.session.scalar(
        select(Message).where(
            Message.kind == kind,
            Message.user_id == user.id,
            Message.data["meeting_id"].as_integer() == meeting.id,
        )
    )
    assert message is not None
    return render(message)


def invitation_text(meeting, user, kind="meeting_invitation") -> str:
    return invitation(meeting, user, kind)[2]


def checked(response) -> list[str]:
    """The answers a page shows as chosen."""
    return re.findall(r'<input checked[^>]* value="(\w+)"', response.get_data(as_text=True))


def answer_links(body: str) -> dict[str, str]:
    """{"Sì, ci sarò": path, "No": path, "Forse": path} from a message's text."""
    found = dict(re.findall(r"^(Sì, ci sarò|No|Forse): (https?://\S+)$", body, re.M))
    return {label: path_of(url) for label, url in found.items()}


# --- the e-mail links --------------------------------------------------------------------------


def test_convocazione_links_land_on_a_page_and_only_the_post_records_the_answer(browser, team, ahead):
    email, subject, body = invitation(ahead, team.member)
    assert subject.startswith("Convocazione, ")
    links = answer_links(body)
    assert set(links) == {"Sì, ci sarò", "No", "Forse"}
    html = email.get_body(preferencelist=("html",)).get_content()
    assert ">Sì, ci sarò</a>" in html and links["Forse"] in html
    page = browser.get(links["Sì, ci sarò"])
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    shown = text(page)
    assert "Ci sarai all'incontro di " in shown and "Welfare in azione" in shown and "Sala civica" in shown
    assert "Rispondi come Silvia Fiorentini." in shown and "Bilancio" in shown
    assert checked(page) == ["yes"]
    assert answers(ahead) == {}  # the GET changed nothing

    confirm = links["Sì, ci sarò"].rsplit("/", 1)[0]
    response = browser.post(confirm, {"answer": "yes", "note": "Arrivo alle 18:15"})
    assert response.status_code == 302 and response.headers["Location"] == confirm
    shown = text(browser.get(confirm))
    assert "Grazie: la tua risposta è registrata (sì)." in shown
    assert "La tua risposta: sì. Nota: Arrivo alle 18:15" in shown
    assert answers(ahead) == {"membro@example.org": ("yes", "Arrivo alle 18:15")}

    # Changing one's mind: the "No" link, then confirm; still one row.
    assert checked(browser.get(links["No"])) == ["no"]
    browser.post(confirm, {"answer": "no", "note": ""})
    assert answers(ahead) == {"membro@example.org": ("no", "")}
    assert db.session.scalar(select(func.count(MeetingResponse.id))) == 1


def test_each_member_has_own_links(app, team, ahead):
    mine, theirs = (
        answer_links(invitation_text(ahead, team.member)),
        answer_links(invitation_text(ahead, team.chair)),
    )
    assert mine["No"] != theirs["No"]
    token = mine["No"].split("/")[2]
    with app.test_request_context():
        assert rsvp.from_token(token) == (ahead.id, team.member.id)
        assert rsvp.from_token(token[:-2]) is None


@pytest.mark.parametrize(
    "data,message",
    [
        ({"note": "x"}, "Scegli sì, no o forse."),
        ({"answer": "", "note": ""}, "Scegli sì, no o forse."),
        ({"answer": "certo", "note": ""}, "Scegli sì, no o forse."),
        ({"answer": "yes", "note": "a" * 201}, "Al massimo 200 caratteri."),
    ],
)
def test_link_form_bad_input_records_nothing(browser, team, ahead, data, message):
    confirm = answer_links(invitation_text(ahead, team.member))["Forse"].rsplit("/", 1)[0]
    response = browser.post(confirm, data)
    assert response.status_code == 400
    shown = text(response)
    assert message in shown
    assert "la risposta non è stata registrata" in shown
    assert answers(ahead) == {}


def test_link_form_without_csrf_records_nothing(browser, team, ahead):
    confirm = answer_links(invitation_text(ahead, team.member))["Forse"].rsplit("/", 1)[0]
    response = browser.post(confirm, {"answer": "yes"}, csrf=False)
    assert response.status_code == 400
    assert answers(ahead) == {}


def test_forged_or_foreign_links_are_not_found(browser, team, ahead):
    links = answer_links(invitation_text(ahead, team.member))
    token = links["No"].split("/")[2]
    assert browser.get(f"/rispondi/{token}x/no").status_code == 404
    assert browser.post(f"/rispondi/{token}x", {"answer": "yes"}).status_code == 404
    # An unknown word in the link: the page, nothing chosen.
    page = browser.get(f"/rispondi/{token}/certo")
    assert page.status_code == 200 and checked(page) == []
    # Someone no longer on the roster of that day.
    link = next(m for m in team.group.memberships if m.user_id == team.member.id)
    link.end_on = AHEAD - timedelta(days=1)
    db.session.commit()
    assert browser.get(links["No"]).status_code == 404
    assert browser.post(links["No"].rsplit("/", 1)[0], {"answer": "yes"}).status_code == 404
    # A meeting that is gone.
    link.end_on = None
    db.session.delete(ahead)
    db.session.commit()
    assert browser.get(links["No"]).status_code == 404
    assert db.session.scalar(select(func.count(MeetingResponse.id))) == 0


def test_a_cancelled_meeting_takes_no_answers(browser, team, ahead):
    links = answer_links(invitation_text(ahead, team.member))
    ahead.is_cancelled = True
    db.session.commit()
    page = browser.get(links["Sì, ci sarò"])
    assert "L'incontro è stato annullato: non si raccolgono risposte." in text(page)
    assert "Conferma la risposta" not in text(page)
    response = browser.post(links["Sì, ci sarò"].rsplit("/", 1)[0], {"answer": "yes"})
    assert response.status_code == 409
    assert "L'incontro è stato annullato: non si raccolgono risposte." in text(response)
    assert answers(ahead) == {}


def test_a_held_meeting_takes_no_answers_and_the_cancel_mail_has_no_links(app, browser, team, ahead):
    with app.test_request_context():
        token = rsvp.token(team.meeting.id, team.member.id)  # the fixture's meeting, already held
    response = browser.post(f"/rispondi/{token}", {"answer": "yes"})
    assert response.status_code == 409
    assert "L'incontro si è già tenuto: non si raccolgono più risposte." in text(response)
    assert answers(team.meeting) == {}
    from app.groups import notices

    ahead.is_cancelled = True
    notices.meeting_cancelled(ahead)
    db.session.commit()
    message = db.session.scalar(
        select(Message).where(
            Message.kind == "meeting_invitation",
            Message.key.endswith(":cancel:0"),
            Message.user_id == team.member.id,
        )
    )
    _e, _s, body = render(message)
    assert "ANNULLATO" in body and answer_links(body) == {}


# --- the meeting page --------------------------------------------------------------------------


def test_member_answers_from_the_meeting_page(browser, team, ahead):
    browser.login(team.member)
    page = text(browser.get(f"/incontri/{ahead.id}"))
    assert "Chi viene" in page and "Non hai ancora detto se ci sarai." in page
    response = browser.post(
        f"/incontri/{ahead.id}/risposta", {"rsvp-answer": "maybe", "rsvp-note": "Forse in ritardo"}
    )
    assert response.status_code == 302
    page = text(browser.get(f"/incontri/{ahead.id}"))
    assert "La tua risposta è registrata: forse." in page
    assert "La tua risposta: forse. Nota: Forse in ritardo" in page
    assert answers(ahead) == {"membro@example.org": ("maybe", "Forse in ritardo")}


@pytest.mark.parametrize(
    "data,message",
    [
        ({}, "Scegli sì, no o forse."),
        ({"rsvp-answer": "si"}, "Scegli sì, no o forse."),
        ({"rsvp-answer": "no", "rsvp-note": "b" * 201}, "Al massimo 200 caratteri."),
    ],
)
def test_meeting_page_answer_bad_input(browser, team, ahead, data, message):
    browser.login(team.member)
    response = browser.post(f"/incontri/{ahead.id}/risposta", data)
    assert response.status_code == 400
    shown = text(response)
    assert message in shown
    assert answers(ahead) == {}


def test_meeting_page_answer_who_may(browser, team, ahead):
    url = f"/incontri/{ahead.id}/risposta"
    response = browser.post(url, {"rsvp-answer": "yes"})
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]
    browser.login(team.outsider)
    assert browser.post(url, {"rsvp-answer": "yes"}).status_code == 404
    browser.logout()
    browser.login(team.coordinator)  # sees every group, is on no roster
    assert browser.post(url, {"rsvp-answer": "yes"}).status_code == 403
    assert "Chi viene" not in text(browser.get(f"/incontri/{ahead.id}"))
    browser.logout()
    browser.login(team.member)
    assert browser.post("/incontri/999999/risposta", {"rsvp-answer": "yes"}).status_code == 404
    assert answers(ahead) == {}


def test_a_held_meeting_page_takes_no_answer(browser, team):
    browser.login(team.member)
    page = text(browser.get(f"/incontri/{team.meeting.id}"))
    assert "L'incontro si è già tenuto: non si raccolgono più risposte." in page
    assert "Conferma la risposta" not in page
    response = browser.post(f"/incontri/{team.meeting.id}/risposta", {"rsvp-answer": "yes"})
    assert "L'incontro si è già tenuto: non si raccolgono più risposte." in text(
        browser.get(response.headers["Location"])
    )
    assert answers(team.meeting) == {}


# --- what the secretary sees -------------------------------------------------------------------


def test_secretary_sees_who_is_expected_and_the_foreseen_quorum(browser, team, ahead):
    rsvp.answer(ahead, team.chair.id, "yes", "")
    rsvp.answer(ahead, team.member.id, "no", "Sono via per lavoro")
    db.session.commit()
    browser.login(team.secretary)
    response = browser.get(f"/incontri/{ahead.id}")
    page = text(response)
    assert "Numero legale previsto: 1 su 3, non raggiunto (ne servono 2)." in page
    assert "Ci saranno (1) Angela Beretta" in page
    assert "Non ci saranno (1) Silvia Fiorentini (Sono via per lavoro)" in page
    assert "Forse (0) nessuno" in page
    assert "Non hanno risposto (1) Pietro Bacecchi" in page
    assert "Sollecita chi non ha risposto" in page
    assert "è solo un'indicazione, la presenza la segni tu." in page
    # Beside each attendance row, what the person answered; nobody is marked present.
    assert "Angela Beretta Presidente ha risposto: sì" in page
    assert "Silvia Fiorentini Membro ha risposto: no" in page
    assert (
        "Pietro Bacecchi Segretario/a Presenza" in page
        or "Pietro Bacecchi Segretario/a ha risposto" not in page
    )
    assert "0 membri presenti su 3" in page
    assert db.session.scalar(select(func.count(Attendance.id))) == 0

    browser.post(f"/incontri/{ahead.id}/risposta", {"rsvp-answer": "yes"})
    assert "Numero legale previsto: 2 su 3, raggiunto (ne servono 2)." in text(
        browser.get(f"/incontri/{ahead.id}")
    )


def test_answers_stay_inside_the_group(browser, team, ahead):
    rsvp.answer(ahead, team.member.id, "no", "Nota privatissima")
    db.session.commit()
    for path in (f"/gruppi/{team.group.slug}", "/", "/agenda"):
        response = browser.get(path)
        assert "Nota privatissima" not in response.get_data(as_text=True)
    browser.login(team.coordinator)
    page = text(browser.get(f"/incontri/{ahead.id}"))
    assert (
        "Nota privatissima" not in page and "ha risposto" not in page and "Numero legale previsto" not in page
    )


# --- the reminder ------------------------------------------------------------------------------


def reminders(meeting) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(select(Message).where(Message.kind == "meeting_rsvp_reminder"))
    return sorted(m.to_email for m in rows if m.data["meeting_id"] == meeting.id)


def test_reminder_to_those_without_an_answer_once_a_day(browser, team, ahead):
    rsvp.answer(ahead, team.chair.id, "yes", "")
    db.session.commit()
    browser.login(team.secretary)
    url = f"/incontri/{ahead.id}/sollecito"
    response = browser.post(url, token_from=f"/incontri/{ahead.id}")
    assert response.status_code == 302
    assert "Sollecito inviato a 2 persone." in text(browser.get(f"/incontri/{ahead.id}"))
    assert reminders(ahead) == ["membro@example.org", "segretario@example.org"]
    body = invitation_text(ahead, team.member, "meeting_rsvp_reminder")
    assert "non hai ancora detto se vieni all'incontro del gruppo «Welfare in azione»" in body
    link = answer_links(body)["Forse"]
    browser.logout()
    browser.post(link.rsplit("/", 1)[0], {"answer": "maybe"})
    assert answers(ahead)["membro@example.org"] == ("maybe", "")

    browser.login(team.secretary)
    browser.post(url, token_from=f"/incontri/{ahead.id}")
    assert "Il sollecito per questo incontro è già partito oggi" in text(browser.get(f"/incontri/{ahead.id}"))
    assert len(reminders(ahead)) == 2


def test_reminder_who_may_and_when(browser, team, ahead):
    url = f"/incontri/{ahead.id}/sollecito"
    response = browser.post(url)
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]
    browser.login(team.outsider)
    assert browser.post(url).status_code == 404
    browser.logout()
    browser.login(team.coordinator)
    assert browser.post(url).status_code == 403
    browser.logout()
    browser.login(team.secretary)
    assert browser.post("/incontri/999999/sollecito").status_code == 404
    assert browser.post(url, csrf=False).status_code in (302, 400)
    assert reminders(ahead) == []
    # Already held: nothing sent, said plainly.
    response = browser.post(f"/incontri/{team.meeting.id}/sollecito")
    assert "L'incontro si è già tenuto" in text(browser.get(response.headers["Location"]))
    assert reminders(team.meeting) == []
    # Everyone answered: nobody to remind.
    for user in (team.chair, team.secretary, team.member):
        rsvp.answer(ahead, user.id, "yes", "")
    db.session.commit()
    browser.post(url)
    assert "Non c'è nessuno da sollecitare: chi ha un account ha già risposto." in text(
        browser.get(f"/incontri/{ahead.id}")
    )
    assert reminders(ahead) == []


# --- the member's own page ---------------------------------------------------------------------


def test_my_page_lists_my_next_meetings_with_my_answer(browser, team, ahead):
    rsvp.answer(ahead, team.member.id, "maybe", "Dipende dal turno")
    db.session.commit()
    browser.login(team.member)
    page = text(browser.get("/le-mie-azioni"))
    assert "I miei prossimi incontri" in page
    assert "Welfare in azione," in page and "hai risposto: forse (Dipende dal turno)" in page
    assert "Incontro del 10 nov" not in page  # the held one is not listed
    browser.logout()
    browser.login(team.secretary)
    assert "non hai ancora detto se ci sarai" in text(browser.get("/le-mie-azioni"))
    browser.logout()
    browser.login(team.outsider)
    page = text(browser.get("/le-mie-azioni"))
    assert "Nessun incontro in programma nei tuoi gruppi." in page and "Welfare in azione" not in page


def test_no_reminder_to_those_who_turned_meeting_notices_off(browser, team, ahead):
    from app.messages import preferences

    rsvp.answer(ahead, team.chair.id, "yes", "")
    preferences.save(team.member, meetings=False)
    preferences.save(team.secretary, meetings=False)
    db.session.commit()
    browser.login(team.secretary)
    browser.post(f"/incontri/{ahead.id}/sollecito")
    page = text(browser.get(f"/incontri/{ahead.id}"))
    assert "Nessun sollecito inviato: chi non ha risposto non riceve gli avvisi degli incontri." in page
    assert reminders(ahead) == []
