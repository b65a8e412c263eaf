"""Working-group messages: convocazione with an .ics REQUEST/CANCEL, verbale review and approval,
action items and the weekly digest, preferences and one-click unsubscribe."""

from datetime import datetime, time, timedelta

import pytest
from flask_babel import format_date
from icalendar import Calendar
from sqlalchemy import select

from app.common.timeutil import ROME, today_in_rome
from app.messages import preferences, scheduled
from app.messages.models import Message
from app.minutes import services as minutes_services
from app.platform.extensions import db
from tests.conftest import opened, text
from tests.groups_support import key, team_fixture  # noqa: F401
from tests.mail_support import attachments, body, links, path_of

AHEAD = today_in_rome() + timedelta(days=12)  # always in the future
GOOD = {
    "held_on": AHEAD.isoformat(),
    "start_time": "14:30",
    "end_time": "16:40",
    "venue": "Sala civica",
    "points-0-title": "A",
    "points-1-title": "B",
}


def recipients(messages) -> list[str]:
    return sorted(m["To"].addresses[0].addr_spec for m in messages)


def ics_event(message):
    """The calendar a client acts on (the text/calendar alternative), the same as the attached file."""
    (alternative,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    (part,) = attachments(message)
    assert part.get_content_type() == "application/ics"
    assert part.get_content().decode().replace("\r\n", "\n") == alternative.get_content().replace(
        "\r\n", "\n"
    )
    calendar = Calendar.from_ical(alternative.get_content())
    return calendar, calendar.walk("VEVENT")[0]


def test_convocazione_update_and_cancel_reach_every_member(browser, team, mailbox):
    mailbox.deliver()  # the fixture's own meeting
    browser.login(team.member)
    browser.post(f"/gruppi/{team.group.slug}/incontri/nuovo", GOOD)
    invitations = mailbox.deliver()
    assert recipients(invitations) == [
        "membro@example.org",
        "presidente@example.org",
        "segretario@example.org",
    ]
    message = invitations[0]
    assert message["Subject"] == f"Convocazione, {format_date(AHEAD, 'd MMMM')}: Welfare in azione"
    plain = body(message)
    assert (
        f"{format_date(AHEAD, 'EEEE d MMMM y')}, 14:30–16:40" in plain
        and "Sala civica" in plain
        and "1. A\n2. B" in plain.replace("\r", "")
    )
    assert "c'è una convocazione per te" in plain and "sei convocato" not in plain
    calendar, event = ics_event(message)
    meeting_id = int(path_of(next(u for u in links(message) if "/incontri/" in u)).rsplit("/", 1)[1])
    assert str(calendar["METHOD"]) == "REQUEST" and str(event["UID"]) == f"incontro-{meeting_id}@legami"
    assert event.decoded("DTSTART") == datetime.combine(AHEAD, time(14, 30), ROME)
    # The same UID as the member's personal feed.
    from app.agenda.personal import meeting_event
    from app.groups.models import Meeting

    with browser.client.application.test_request_context():
        assert meeting_event(db.session.get(Meeting, meeting_id)).uid == str(event["UID"])
    browser.post(
        f"/incontri/{meeting_id}/modifica",
        {**GOOD, "start_time": "15:00", **opened(db.session.get(Meeting, meeting_id))},
        token_from=f"/incontri/{meeting_id}/modifica",
    )
    updates = mailbox.deliver()
    assert (
        len(updates) == 3
        and updates[0]["Subject"] == f"Incontro modificato, {format_date(AHEAD, 'd MMMM')}: Welfare in azione"
    )
    _, updated = ics_event(updates[0])
    assert int(updated["SEQUENCE"]) > int(event["SEQUENCE"]) and updated.decoded("DTSTART").hour == 15
    browser.post(f"/incontri/{meeting_id}/annulla", token_from=f"/incontri/{meeting_id}")
    cancels = mailbox.deliver()
    assert len(cancels) == 3 and "è ANNULLATO" in body(cancels[0])
    calendar, cancelled = ics_event(cancels[0])
    assert str(calendar["METHOD"]) == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == str(event["UID"])
    browser.post(f"/incontri/{meeting_id}/annulla", token_from=f"/incontri/{meeting_id}")
    assert mailbox.deliver() == []  # cancelling twice sends nothing more


def test_verbale_review_request_to_those_present_then_approval_to_members(browser, team, mailbox):
    from tests.groups_support import mark

    mailbox.deliver()
    mark(team.meeting, {team.chair: "present", team.member: "present", team.secretary: "absent"})
    draft = minutes_services.create_minutes(team.meeting, team.member, "Verbale del 10.11", "Testo.")
    db.session.commit()
    browser.login(team.member)
    browser.post(f"/verbali/{draft.id}/revisione")
    review = mailbox.deliver()
    assert recipients(review) == ["membro@example.org", "presidente@example.org"]
    assert review[0]["Subject"] == "Verbale da rivedere: Welfare in azione"
    assert "Eri presente" in body(review[0])
    link = path_of(next(u for u in links(review[0]) if "/verbali/" in u))
    assert "Verbale del 10.11" in text(browser.get(link))
    browser.post(f"/verbali/{draft.id}/commenti", {"body": "", "approve": "1"})
    browser.logout()
    browser.login(team.secretary)
    browser.post(f"/verbali/{draft.id}/approva", {"visibility": "group", "method": "present"})
    approved = mailbox.deliver()
    assert recipients(approved) == ["membro@example.org", "presidente@example.org", "segretario@example.org"]
    assert "è stato approvato" in body(approved[0])


def test_action_assigned_notice_and_weekly_digest(browser, team, mailbox):
    mailbox.deliver()
    browser.login(team.secretary)
    browser.post(
        f"/incontri/{team.meeting.id}/azioni",
        {"action-description": "Contattare le aziende", "action-owner": key(team.group, team.member), "action-due_on": "2026-11-20"},
    )  # fmt: skip
    notice = mailbox.one()
    assert notice["To"].addresses[0].addr_spec == "membro@example.org"
    assert notice["Subject"] == "Ti è stata affidata un'azione: Welfare in azione"
    assert "Contattare le aziende" in body(notice) and "Entro: venerdì 20 novembre 2026" in body(notice)
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=ROME)
    scheduled.run(monday)
    scheduled.run(monday.replace(hour=9))
    digest = mailbox.one()
    assert digest["Subject"] == "Le tue azioni aperte: 1"
    assert "SCADUTE" in body(digest) and "Contattare le aziende" in body(digest)
    # One click: List-Unsubscribe-Post to the link, no login, no CSRF token.
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    target = path_of(digest["List-Unsubscribe"].strip("<>"))
    response = browser.post(target, csrf=False)
    assert "non riceverai più «Riepilogo settimanale delle azioni»" in text(response)
    scheduled.run(datetime(2026, 12, 7, 8, 0, tzinfo=ROME))
    assert mailbox.deliver() == []


def test_forged_or_old_unsubscribe_token_is_not_found(browser, team):
    assert browser.get("/disiscrizione/inventato").status_code == 404
    assert browser.post("/disiscrizione/inventato", csrf=False).status_code == 404


def test_preferences_on_the_profile_turn_notices_off(browser, team, mailbox):
    mailbox.deliver()
    assert browser.get("/profilo/notifiche").status_code == 302
    browser.login(team.chair)
    page = text(browser.get("/profilo/notifiche"))
    assert "Convocazioni, modifiche e annullamenti" in page
    browser.post(
        "/profilo/notifiche",
        {"minutes": "y", "actions": "y", "actions_digest": "never"},
        token_from="/profilo/notifiche",
    )
    db.session.expire_all()
    assert not preferences.wants(team.chair, "meetings") and not preferences.wants(
        team.chair, "actions_digest"
    )
    bad = browser.post("/profilo/notifiche", {"actions_digest": "ogni-ora"}, token_from="/profilo/notifiche")
    assert bad.status_code == 400 and "Scegli una delle voci dell'elenco." in text(bad)
    browser.post(f"/gruppi/{team.group.slug}/incontri/nuovo", GOOD)
    assert "presidente@example.org" not in recipients(mailbox.deliver())


@pytest.mark.parametrize("url", ["/profilo/notifiche"])
def test_preferences_need_login(browser, url):
    assert browser.get(url).status_code == 302


def test_no_message_rows_for_a_rolled_back_meeting(app, team):
    from app.groups import services as groups

    before = len(db.session.scalars(select(Message)).all())
    groups.schedule_meeting(
        team.group, team.meeting.held_on, team.meeting.start_time, team.meeting.end_time, "x", ""
    )
    db.session.rollback()
    assert len(db.session.scalars(select(Message)).all()) == before
