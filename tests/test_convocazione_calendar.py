"""A convocazione that every calendar client shows as an invitation (issue 28): the .ics as a
text/calendar alternative beside text and HTML (Outlook's accept/decline bar), UTF-8, with the
VTIMEZONE of its TZID, the secretary as ORGANIZER (sent by the portal) and the member as an
ATTENDEE asked to answer; the same calendar attached as a file. Read as a receiver reads it."""

import email
from datetime import UTC, date, datetime, time, timedelta
from email import policy

import pytest
from icalendar import Calendar

from app.common.timeutil import ROME
from app.groups import points, services
from app.groups.models import GroupRole
from app.platform.extensions import db
from tests.groups_support import team_fixture  # noqa: F401
from tests.mail_support import attachments
from tests.test_ical_js import expand

WINTER = date(2027, 1, 14)  # CET, UTC+1
SUMMER = date(2027, 7, 15)  # CEST, UTC+2
NAME = "Città – Welfare à Crema"


def parsed(message):
    """The message as a receiver parses it from the bytes the SMTP server received."""
    return email.message_from_bytes(message.original, policy=policy.default)


def calendar_part(message, method: str):
    """The text/calendar alternative: inside multipart/alternative, after text/plain and text/html."""
    (alternative,) = [p for p in message.walk() if p.get_content_type() == "multipart/alternative"]
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    part = list(alternative.iter_parts())[2]
    assert part.get_content_charset() == "utf-8" and part["Content-Transfer-Encoding"] in (
        "7bit",
        "quoted-printable",
    )
    assert part.get_param("method") == method
    assert part.get_filename() is None and not part.is_attachment()
    (file,) = attachments(message)
    assert file.get_filename() == ("annullamento.ics" if method == "CANCEL" else "invito.ics")
    assert file.get_content().decode("utf-8").replace("\r\n", "\n") == part.get_content().replace(
        "\r\n", "\n"
    )
    return part.get_content()


def convocazioni(team, mailbox, day: date) -> dict:
    """Invitation, update and cancellation of a 17:30 meeting, as each member receives them."""
    mailbox.deliver()
    team.group.name = NAME
    meeting = services.schedule_meeting(team.group, day, time(17, 30), time(19), "Sala «Verdi»", "Bilancio")
    db.session.commit()
    sent = {"REQUEST": mailbox.deliver()}
    services.update_meeting(meeting, day, time(17, 30), time(19, 30), "Sala «Verdi»", points.from_text("Bilancio"))
    db.session.commit()
    sent["UPDATE"] = mailbox.deliver()
    meeting.is_cancelled = True
    services.touch(meeting)
    from app.groups import notices

    notices.meeting_cancelled(meeting)
    db.session.commit()
    sent["CANCEL"] = mailbox.deliver()
    assert all(len(messages) == 3 for messages in sent.values())
    return sent


def to(message) -> str:
    return message["To"].addresses[0].addr_spec


def test_invitation_update_and_cancellation_are_calendar_alternatives_in_utf8(app, team, mailbox):
    sent = convocazioni(team, mailbox, WINTER)
    for label, messages in sent.items():
        method = "CANCEL" if label == "CANCEL" else "REQUEST"
        for message in map(parsed, messages):
            assert message.get_content_type() == "multipart/mixed"
            calendar = Calendar.from_ical(calendar_part(message, method))
            assert str(calendar["METHOD"]) == method
            (zone,) = calendar.walk("VTIMEZONE")
            (event,) = calendar.walk("VEVENT")
            assert str(zone["TZID"]) == "Europe/Rome" and {c.name for c in zone.subcomponents} == {
                "DAYLIGHT",
                "STANDARD",
            }
            assert event["DTSTART"].params["TZID"] == "Europe/Rome" == event["DTEND"].params["TZID"]
            assert event.decoded("DTSTART") == datetime.combine(WINTER, time(17, 30), ROME)
            assert str(event["SUMMARY"]) == f"Incontro: {NAME}"
            assert str(event["LOCATION"]) == "Sala «Verdi»"
            attendee = event["ATTENDEE"]
            assert str(attendee) == f"mailto:{to(message)}"
            assert dict(attendee.params) == {
                "CN": {team.chair.email: "Angela Beretta", team.secretary.email: "Pietro Bacecchi"}.get(
                    to(message), "Silvia Fiorentini"
                ),
                "CUTYPE": "INDIVIDUAL",
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "TRUE",
            }
            organizer = event["ORGANIZER"]
            assert str(organizer) == "mailto:segretario@example.org"
            assert organizer.params["CN"] == "Pietro Bacecchi"
            assert organizer.params["SENT-BY"] == f"mailto:{app.config['MAIL_FROM']}"
    text = calendar_part(parsed(sent["REQUEST"][0]), "REQUEST")
    assert f"SUMMARY:Incontro: {NAME}" in text
    raw = sent["REQUEST"][0].original
    assert b'Content-Type: text/calendar; charset="utf-8"; method="REQUEST"' in raw


def test_without_a_secretary_the_chair_organizes(app, team, mailbox):
    for link in team.group.memberships:
        if link.role == GroupRole.SECRETARY:
            link.role = GroupRole.MEMBER
    db.session.commit()
    mailbox.deliver()
    services.schedule_meeting(team.group, WINTER, time(17, 30), time(19), "Sala", "")
    db.session.commit()
    message = parsed(mailbox.deliver()[0])
    event = Calendar.from_ical(calendar_part(message, "REQUEST")).walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:presidente@example.org"
    assert event["ORGANIZER"].params["CN"] == "Angela Beretta"
    assert event["ORGANIZER"].params["SENT-BY"] == f"mailto:{app.config['MAIL_FROM']}"


@pytest.mark.parametrize(("day", "utc_hour"), [(WINTER, 16), (SUMMER, 15)])
def test_ical_js_reads_1730_as_1730_in_rome_winter_and_summer(app, team, mailbox, day, utc_hour):
    for label, messages in convocazioni(team, mailbox, day).items():
        method = "CANCEL" if label == "CANCEL" else "REQUEST"
        ics = calendar_part(parsed(messages[0]), method).encode("utf-8")
        (found,) = expand(ics, day, day + timedelta(days=1))
        start = datetime.fromisoformat(found["start_utc"].replace("Z", "+00:00"))
        assert (start.astimezone(UTC).hour, start.minute) == (utc_hour, 30)
        assert start.astimezone(ROME).time() == time(17, 30)
        assert found["local"].startswith(f"{day.isoformat()}T17:30:00")
        assert found["summary"] == f"Incontro: {NAME}"
