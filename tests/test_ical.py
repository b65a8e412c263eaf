"""iCalendar feeds, checked by parsing them back with independent code."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import recurring_ical_events
from icalendar import Calendar

from app.calendar.ical import CANCELLED_PREFIX, CLOSED_PREFIX, FeedEvent, build_feed
from app.calendar.occurrences import Change, Recurrence, Schedule

TUESDAYS = Recurrence(freq="weekly", weekdays=(1,), until=date(2026, 5, 31))
STAMP = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)


def event(schedule=None, **fields) -> FeedEvent:
    values = {
        "uid": "attivita-1@legami", "title": "Doposcuola", "sequence": 3, "stamp": STAMP,
        "schedule": schedule or Schedule(date(2026, 2, 3), time(16, 30), time(18), TUESDAYS),
        "location": "Oratorio San Luigi, Via Bottesini 4, Crema", "url": "https://legami.test/centri/x/attivita/1",
        "categories": ("Bambini", "Doposcuola"),
    }  # fmt: skip
    values.update(fields)
    return FeedEvent(**values)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def occurrences(data: bytes, first: date, last: date):
    return recurring_ical_events.of(parse(data)).between(first, last + timedelta(days=1))


def test_calendar_properties():
    calendar = parse(build_feed("Legami – Crema", [event()], TODAY))
    assert str(calendar["X-WR-CALNAME"]) == "Legami – Crema"
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Rome"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == "attivita-1@legami" and int(vevent["SEQUENCE"]) == 3
    assert vevent["DTSTAMP"].dt == STAMP and vevent["DTSTART"].params["TZID"] == "Europe/Rome"
    assert "RRULE" in vevent and str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["LOCATION"]).startswith("Oratorio San Luigi") and str(vevent["URL"]).startswith(
        "https://"
    )
    assert vevent["CATEGORIES"].cats == ["Bambini", "Doposcuola"]


def test_parsed_back_every_tuesday_stays_at_1630_across_the_clock_change():
    found = occurrences(build_feed("x", [event()], TODAY), date(2026, 2, 1), date(2026, 5, 31))
    assert len(found) == 17
    assert {(e["DTSTART"].dt.hour, e["DTSTART"].dt.minute) for e in found} == {(16, 30)}
    utc_hours = {e["DTSTART"].dt.date(): e["DTSTART"].dt.astimezone(UTC).hour for e in found}
    assert utc_hours[date(2026, 3, 24)] == 15 and utc_hours[date(2026, 3, 31)] == 14


def test_cancelled_occurrence_is_a_cancelled_override_with_a_visible_prefix():
    schedule = Schedule(date(2026, 2, 3), time(16, 30), time(18), TUESDAYS,
                        changes={date(2026, 3, 10): Change(is_cancelled=True, reason="Sciopero")})  # fmt: skip
    data = build_feed("x", [event(schedule)], TODAY)
    overrides = [v for v in parse(data).walk("VEVENT") if "RECURRENCE-ID" in v]
    assert len(overrides) == 1
    (override,) = overrides
    assert override["RECURRENCE-ID"].dt == datetime(
        2026, 3, 10, 16, 30, tzinfo=override["RECURRENCE-ID"].dt.tzinfo
    )
    assert str(override["STATUS"]) == "CANCELLED"
    assert str(override["SUMMARY"]) == CANCELLED_PREFIX + "Doposcuola"
    assert "Sciopero" in str(override["DESCRIPTION"])
    day = occurrences(data, date(2026, 3, 10), date(2026, 3, 10))
    assert len(day) == 1 and str(day[0]["STATUS"]) == "CANCELLED"


def test_moved_occurrence_appears_once_at_its_new_time():
    moved = Change(new_start=datetime(2026, 3, 19, 17), new_end=datetime(2026, 3, 19, 18, 30))
    schedule = Schedule(
        date(2026, 2, 3), time(16, 30), time(18), TUESDAYS, changes={date(2026, 3, 17): moved}
    )
    found = occurrences(build_feed("x", [event(schedule)], TODAY), date(2026, 3, 16), date(2026, 3, 22))
    assert len(found) == 1
    assert found[0]["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 3, 19, 17)


def test_a_closed_day_is_a_cancelled_override_that_says_why():
    schedule = Schedule(
        date(2026, 2, 3), time(16, 30), time(18), TUESDAYS, skipped=frozenset({date(2026, 4, 7)}),
        closed_reasons={date(2026, 4, 7): "Vacanze di Pasqua"},
    )  # fmt: skip
    data = build_feed("x", [event(schedule)], TODAY)
    assert "EXDATE" not in data.decode()
    (day,) = occurrences(data, date(2026, 4, 6), date(2026, 4, 8))
    assert str(day["STATUS"]) == "CANCELLED"
    assert str(day["SUMMARY"]) == CLOSED_PREFIX + "Vacanze di Pasqua (Doposcuola)"
    assert str(day["DESCRIPTION"]).startswith("Chiuso: Vacanze di Pasqua")


def test_a_moved_date_says_from_which_day_and_why():
    moved = Change(new_start=datetime(2026, 3, 19, 17), new_end=datetime(2026, 3, 19, 18, 30), reason="Gita")
    schedule = Schedule(
        date(2026, 2, 3), time(16, 30), time(18), TUESDAYS, changes={date(2026, 3, 17): moved}
    )
    (found,) = occurrences(build_feed("x", [event(schedule)], TODAY), date(2026, 3, 16), date(2026, 3, 22))
    assert str(found["DESCRIPTION"]).startswith("Spostato da martedì 17 marzo 2026. Gita")
    assert str(found["STATUS"]) == "CONFIRMED"


def test_a_closure_on_the_planned_day_of_a_moved_date_keeps_it_and_one_on_its_new_day_closes_it():
    moved = Change(new_start=datetime(2026, 3, 19, 17), new_end=datetime(2026, 3, 19, 18))
    closed_first = Schedule(
        date(2026, 2, 3), time(16, 30), time(18), TUESDAYS, changes={date(2026, 3, 17): moved},
        skipped=frozenset({date(2026, 3, 17)}), closed_reasons={date(2026, 3, 17): "Elezioni"},
    )  # fmt: skip
    (kept,) = occurrences(build_feed("x", [event(closed_first)], TODAY), date(2026, 3, 16), date(2026, 3, 22))
    assert str(kept["STATUS"]) == "CONFIRMED" and kept["DTSTART"].dt.day == 19
    closed_new = replace(closed_first, skipped=frozenset({date(2026, 3, 19)}),
                         closed_reasons={date(2026, 3, 19): "Elezioni"})  # fmt: skip
    (shut,) = occurrences(build_feed("x", [event(closed_new)], TODAY), date(2026, 3, 16), date(2026, 3, 22))
    assert str(shut["STATUS"]) == "CANCELLED" and str(shut["SUMMARY"]).startswith("CHIUSO – Elezioni")
    assert "Spostato da martedì 17 marzo 2026." in str(shut["DESCRIPTION"])


def test_cancelled_activity():
    vevent = parse(build_feed("x", [event(is_cancelled=True)], TODAY)).walk("VEVENT")[0]
    assert str(vevent["STATUS"]) == "CANCELLED" and str(vevent["SUMMARY"]).startswith(CANCELLED_PREFIX)


def test_text_is_escaped_so_nothing_is_injected():
    title = "A\nATTENDEE:mailto:x@y; b, c \\ d"
    calendar = parse(
        build_feed("x", [event(title=title, description="riga 1\nEND:VEVENT\nBEGIN:VEVENT")], TODAY)
    )
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == title
    assert "ATTENDEE" not in events[0]
    assert str(events[0]["DESCRIPTION"]) == "riga 1\nEND:VEVENT\nBEGIN:VEVENT"


def test_feed_covers_a_bounded_horizon():
    old = event(uid="old@legami", schedule=Schedule(date(2025, 1, 7), time(16), time(17),
                Recurrence(freq="weekly", weekdays=(1,), until=date(2025, 6, 30))))  # fmt: skip
    future = event(uid="future@legami", schedule=Schedule(date(2028, 1, 4), time(16), time(17)))
    endless = event(uid="endless@legami", schedule=Schedule(date(2020, 1, 7), time(16), time(17),
                    Recurrence(freq="weekly", weekdays=(1,))))  # fmt: skip
    uids = {str(v["UID"]) for v in parse(build_feed("x", [old, future, endless], TODAY)).walk("VEVENT")}
    assert uids == {"endless@legami"}


def test_single_event_with_a_change_is_changed_itself():
    one = Schedule(
        date(2026, 3, 5),
        time(10),
        time(12),
        changes={date(2026, 3, 5): Change(is_cancelled=True, reason="Pioggia")},
    )
    (vevent,) = parse(build_feed("x", [event(schedule=one)], TODAY)).walk("VEVENT")
    assert "RRULE" not in vevent and "RECURRENCE-ID" not in vevent
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_a_typed_backslash_n_is_not_a_line_break():
    title, description = r"Corso C:\Nuovi; base, avanzato", "Porta il PC\\Notebook.\nSeconda riga"
    (vevent,) = parse(build_feed("x", [event(title=title, description=description)], TODAY)).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["DESCRIPTION"]) == description
