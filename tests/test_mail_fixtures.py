"""The meeting's e-mails as a client reads them, against stored expectations (issue 28).

Each message is built through the real code (services, notices, the outbox's renderer) from
fixed data, turned into bytes and parsed back as a mail client parses them; what a reader and
a calendar see is compared with tests/fixtures/mail/<name>.json: the MIME tree (types, charset,
method, file names), the decoded Subject, From, Reply-To and To, the text part, and the .ics as
icalendar reads it (METHOD, the VTIMEZONE, UID, SEQUENCE, DTSTART/DTEND with TZID, SUMMARY,
LOCATION, DESCRIPTION, ORGANIZER, ATTENDEE with RSVP/PARTSTAT, STATUS).

Volatile parts are normalised: Date, Message-ID and DTSTAMP are left out; database ids in links
and UIDs become names (INCONTRO, PUNTO_1, ...); a signed answer link is checked to open the
right meeting for the right person and then written as <RSVP:meeting:person>; other signatures
become <FIRMA>. Anything else that changes fails the test.

Regenerate after an intended change (then read `git diff tests/fixtures/mail/` before committing; see its README.md):

    LEGAMI_REGENERATE_MAIL_FIXTURES=1 .venv/bin/pytest -q tests/test_mail_fixtures.py
"""

import difflib
import email
import json
import os
import re
from datetime import date, time
from email import policy
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.groups import notices, points, rsvp, services
from app.groups.models import GroupRole
from app.messages.models import Message
from app.messages.render import render
from app.minutes import attachments
from app.platform.extensions import db
from tests.test_attachments_actions import PDF

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
REGENERATE = os.environ.get("LEGAMI_REGENERATE_MAIL_FIXTURES") == "1"
HELD = date(2026, 11, 10)  # the meeting whose open point is carried over
# The meeting the e-mails are about: a winter Thursday (CET), far enough ahead to stay to come.
DAY = date(2031, 1, 16)
GROUP = "Welfare di Comunità – Crema"


def mime_tree(part, depth: int = 0) -> list[str]:
    """One line per part: its type with charset and method, and how it is shown (inline or file)."""
    line = "  " * depth + part.get_content_type()
    for name in ("charset", "method"):
        if part.get_param(name) is not None:
            line += f"; {name}={part.get_param(name)}"
    if part.get_content_disposition() is not None:
        line += f" [{part.get_content_disposition()}"
        line += f" {part.get_filename()}]" if part.get_filename() else "]"
    lines = [line]
    if part.is_multipart():
        for child in part.iter_parts():
            lines += mime_tree(child, depth + 1)
    return lines


def _params(prop) -> dict:
    return {key.upper(): str(value) for key, value in sorted(prop.params.items())}


def _value(prop):
    """A property as a calendar reads it: its value (dates as ISO with their zone) and parameters."""
    if isinstance(prop, list):
        return [_value(item) for item in prop]
    if hasattr(prop, "dt"):
        found = {"value": prop.dt.isoformat()}
        if getattr(prop.dt, "tzinfo", None) is not None:
            found["tz"] = str(getattr(prop.dt.tzinfo, "key", prop.dt.tzinfo))
        if prop.params:
            found["params"] = _params(prop)
        return found
    params = getattr(prop, "params", None)
    return {"value": str(prop), "params": _params(prop)} if params else str(prop)


def _ical(prop) -> str:
    written = prop.to_ical()
    return written.decode() if isinstance(written, bytes) else written


EVENT_KEYS = ("UID", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS",
              "ORGANIZER", "ATTENDEE")  # fmt: skip


def calendar_view(data: bytes) -> dict:
    """The .ics as icalendar reads it (DTSTAMP and PRODID left out)."""
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    (zone,) = calendar.walk("VTIMEZONE")
    return {
        "METHOD": str(calendar["METHOD"]),
        "VTIMEZONE": {
            "TZID": str(zone["TZID"]),
            "rules": [
                {
                    "kind": rule.name,
                    "TZNAME": str(rule["TZNAME"]),
                    "DTSTART": rule["DTSTART"].dt.isoformat(),
                    "TZOFFSETFROM": _ical(rule["TZOFFSETFROM"]),
                    "TZOFFSETTO": _ical(rule["TZOFFSETTO"]),
                    "RRULE": _ical(rule["RRULE"]),
                }
                for rule in zone.subcomponents
            ],
        },
        "VEVENT": {key: _value(event[key]) for key in EVENT_KEYS if key in event},
    }


def client_view(message: Message) -> dict:
    """What a client shows of the message, from its bytes."""
    built, _subject, _text = render(message)
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    view = {
        "mime": mime_tree(parsed),
        "headers": {
            name: str(parsed[name]) if parsed[name] is not None else None
            for name in ("Subject", "From", "Reply-To", "To")
        },
        # One line per list item: a diff of the stored file then reads as a diff of the text.
        "text": parsed.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n").split("\n"),
    }
    calendars = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    if calendars:
        view["ics"] = calendar_view(calendars[0].get_content().encode("utf-8"))
        files = [
            p.get_content() for p in parsed.iter_attachments() if p.get_content_type() == "application/ics"
        ]
        assert [f.replace(b"\r\n", b"\n") for f in files] == [
            calendars[0].get_content().encode("utf-8").replace(b"\r\n", b"\n")
        ], "the attached .ics is the calendar part"
    return view


class Names:
    """Database ids (different on every run and database) -> stable names."""

    def __init__(self):
        self.ids = {"incontri": {}, "punti": {}, "allegati": {}}
        self.people = {}

    def _token(self, match) -> str:
        found = rsvp.from_token(match.group(1))
        assert found is not None, "a signed answer link that does not verify"
        meeting, user = found
        return f"/rispondi/<RSVP:{self.ids['incontri'][meeting]}:{self.people[user]}>/"

    def __call__(self, text: str) -> str:
        text = re.sub(r"/rispondi/([^/\s\"<>]+)/", self._token, text)
        text = re.sub(
            r"/(disiscrizione[^\s\"<>]*?)/([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-.]+)", r"/\1/<FIRMA>", text
        )

        def path(match):
            return f"/{match.group(1)}/{self.ids[match.group(1)].get(int(match.group(2)), 'ID_SCONOSCIUTO')}"

        text = re.sub(r"/(incontri|punti|allegati)/(\d+)", path, text)
        return re.sub(
            r"incontro-(\d+)@legami",
            lambda m: f"incontro-{self.ids['incontri'].get(int(m.group(1)), 'ID_SCONOSCIUTO')}@legami",
            text,
        )


def normalised(view, names: Names):
    if isinstance(view, dict):
        return {key: normalised(value, names) for key, value in view.items()}
    if isinstance(view, list):
        return [normalised(value, names) for value in view]
    return names(view) if isinstance(view, str) else view


@pytest.fixture
def story(app, make_user):
    """A group, a meeting held on HELD with an open point, the next meeting on DAY."""
    s = Names()
    s.chair = make_user("beretta@example.org", [], "Angela Beretta")
    s.secretary = make_user("bacecchi@example.org", [], "Pietro Bacecchi")
    s.member = make_user("fiorentini@example.org", [], "Silvia Fiorentini")
    s.group = services.create_group(GROUP, "Gruppo di progettazione", None, "Crema")
    for user, role in ((s.chair, GroupRole.CHAIR), (s.secretary, GroupRole.SECRETARY), (s.member, "member")):
        services.add_member(s.group, user.email, role)
    s.people = {s.chair.id: "PRESIDENTE", s.secretary.id: "SEGRETARIO", s.member.id: "MEMBRO"}
    s.held = services.schedule_meeting(s.group, HELD, time(14, 30), time(16, 40), "via Frecavalli 16, Crema",
                                       "Sintesi del lavoro\nPiste di lavoro")  # fmt: skip
    db.session.commit()
    s.ids["incontri"][s.held.id] = "INCONTRO_PRECEDENTE"
    return s


def latest(kind: str, user) -> Message:
    query = select(Message).where(Message.kind == kind, Message.to_email == user.email)
    return db.session.scalars(query.order_by(Message.id.desc()).limit(1)).one()


def expected_messages(s) -> dict[str, dict]:
    """The five messages the member receives, each read (rendered, as the outbox does when it
    sends it) right after the step that queues it."""
    found, views = {}, {}
    agenda = [points.PointValues("Bilancio 2014", "Pietro Bacecchi", 20), points.PointValues("Varie")]
    meeting = services.schedule_meeting(s.group, DAY, time(17, 30), time(19), "Sala «Verdi», via Frecavalli 16",
                                        agenda)  # fmt: skip
    db.session.commit()
    s.ids["incontri"][meeting.id] = "INCONTRO"
    found["convocazione"] = latest("meeting_invitation", s.member)
    views["convocazione"] = client_view(found["convocazione"])

    first = meeting.points[0]
    paper = attachments.add(first, s.secretary, "Bilancio 2014.pdf", PDF)
    kept = [points.PointValues(p.title, p.presenter, p.minutes_planned, p.id) for p in meeting.points]
    services.update_meeting(meeting, DAY, time(18), time(19, 30), "Sala Rossa, piazza Duomo 1", kept)
    db.session.commit()
    s.ids["allegati"][paper.id] = "ALLEGATO_1"
    found["aggiornamento"] = latest("meeting_invitation", s.member)
    views["aggiornamento"] = client_view(found["aggiornamento"])

    assert notices.rsvp_reminder(meeting) == 3
    db.session.commit()
    found["sollecito"] = latest("meeting_rsvp_reminder", s.member)
    views["sollecito"] = client_view(found["sollecito"])

    points.carry_over(s.held.points[1], meeting)  # as the route «Riporta al prossimo incontro»
    services.touch(meeting)
    notices.meeting_changed(meeting)
    db.session.commit()
    found["riporto"] = latest("meeting_invitation", s.member)
    views["riporto"] = client_view(found["riporto"])

    meeting.is_cancelled = True  # as the route «Annulla l'incontro»
    services.touch(meeting)
    notices.meeting_cancelled(meeting)
    db.session.commit()
    found["annullamento"] = latest("meeting_invitation", s.member)
    views["annullamento"] = client_view(found["annullamento"])

    for n, point in enumerate(meeting.points, start=1):
        s.ids["punti"][point.id] = f"PUNTO_{n}"
    for n, point in enumerate(s.held.points, start=1):
        s.ids["punti"][point.id] = f"PUNTO_PRECEDENTE_{n}"
    assert len({m.id for m in found.values()}) == 5
    return views


NAMES = ("convocazione", "aggiornamento", "sollecito", "riporto", "annullamento")


def test_each_message_reads_as_its_stored_expectation(story):
    views = expected_messages(story)
    failures = []
    for name in NAMES:
        view = normalised(views[name], story)
        path = FIXTURES / f"{name}.json"
        written = json.dumps(view, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if REGENERATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(written, encoding="utf-8")
            continue
        assert path.exists(), f"{path} is missing: regenerate (see this file's docstring)"
        stored = path.read_text(encoding="utf-8")
        if stored != written:
            diff = difflib.unified_diff(stored.splitlines(), written.splitlines(), f"{name} (stored)",
                                        f"{name} (now)", lineterm="")  # fmt: skip
            failures.append("\n".join(diff))
    assert not failures, "\n\n".join(failures)


def test_the_fixtures_say_what_each_message_is_for(story):
    """A few facts read from the stored files themselves, so a careless regeneration shows."""
    stored = {name: json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")) for name in NAMES}
    for name in ("convocazione", "aggiornamento", "riporto", "annullamento"):
        ics = stored[name]["ics"]
        assert stored[name]["mime"][:4] == ["multipart/mixed", "  multipart/alternative",
                                            "    text/plain; charset=utf-8", "    text/html; charset=utf-8"]  # fmt: skip
        assert ics["VEVENT"]["UID"] == "incontro-INCONTRO@legami"
        assert ics["VEVENT"]["DTSTART"]["params"] == {"TZID": "Europe/Rome"}
        assert ics["VTIMEZONE"]["TZID"] == "Europe/Rome"
        attendee = ics["VEVENT"]["ATTENDEE"]
        assert attendee["value"] == "mailto:fiorentini@example.org"
        assert attendee["params"]["RSVP"] == "TRUE" and attendee["params"]["PARTSTAT"] == "NEEDS-ACTION"
        assert stored[name]["headers"]["To"] == "Silvia Fiorentini <fiorentini@example.org>"
    sequences = [
        stored[n]["ics"]["VEVENT"]["SEQUENCE"]
        for n in ("convocazione", "aggiornamento", "riporto", "annullamento")
    ]
    assert sequences == sorted(sequences) and len(set(sequences)) == 4
    assert stored["annullamento"]["ics"]["METHOD"] == "CANCEL"
    assert stored["annullamento"]["ics"]["VEVENT"]["STATUS"] == "CANCELLED"
    text = {name: "\n".join(view["text"]) for name, view in stored.items()}
    assert "Allegato: bilancio-2014.pdf" in text["aggiornamento"] and "ripreso" not in text["aggiornamento"]
    assert "3. Piste di lavoro (ripreso dall'incontro del 10 novembre)" in text["riporto"]
    for name in ("convocazione", "aggiornamento", "sollecito", "riporto"):
        assert "/rispondi/<RSVP:INCONTRO:MEMBRO>/si" in text[name]
    assert "rispondi" not in text["annullamento"] and "ANNULLATO" in text["annullamento"]
    assert "ics" not in stored["sollecito"] and stored["sollecito"]["mime"][0] == "multipart/alternative"
