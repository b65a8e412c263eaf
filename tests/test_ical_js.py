"""The feeds read by ical.js (Thunderbird's parser), run by node: hours survive both clock changes.

ical.js uses only the feed's own VTIMEZONE, so a block it misreads shows up
here as an hour's shift after the change. Skipped where node or the npm
package is missing, except in CI, where that is a failure.
"""

import json
import os
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from app.calendar.ical import FeedEvent, build_feed
from app.calendar.occurrences import Change, Recurrence, Schedule
from app.common.timeutil import ROME

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "ical" / "expand.mjs"
STAMP = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def expand(feed: bytes, first: date, last: date) -> list[dict]:
    node = shutil.which("node")
    if not node or not (ROOT / "node_modules" / "ical.js").exists():
        message = "ical.js check skipped: missing node or `npm ci` (ical.js)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        [node, str(SCRIPT), first.isoformat(), last.isoformat()],
        input=feed, capture_output=True, cwd=ROOT, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def weekly(weekday: int, changes=None) -> FeedEvent:
    rule = Recurrence(freq="weekly", weekdays=(weekday,), until=date(2027, 11, 30))
    schedule = Schedule(date(2026, 10, 5), time(18), time(19, 30), rule, changes=changes or {})
    return FeedEvent(uid="attivita-7@legami", title="Coro", schedule=schedule, sequence=1, stamp=STAMP)


def rome(found: dict) -> datetime:
    return datetime.fromisoformat(found["start_utc"].replace("Z", "+00:00")).astimezone(ROME)


def test_weekly_1800_stays_at_1800_in_ical_js_across_both_clock_changes():
    feed = build_feed("Legami", [weekly(0)], date(2026, 11, 1))
    found = expand(feed, date(2026, 10, 1), date(2027, 11, 30))
    starts = [rome(f) for f in found]
    # Every Monday from October 2026 to November 2027: October 2026's change,
    # March 2027's and October 2027's all lie inside.
    assert len(starts) == 61
    assert {(s.hour, s.minute) for s in starts} == {(18, 0)}
    utc_hours = {s.date(): s.astimezone(UTC).hour for s in starts}
    assert utc_hours[date(2026, 10, 19)] == 16 and utc_hours[date(2026, 10, 26)] == 17
    assert utc_hours[date(2027, 3, 22)] == 17 and utc_hours[date(2027, 3, 29)] == 16
    assert utc_hours[date(2027, 10, 25)] == 16 and utc_hours[date(2027, 11, 1)] == 17


def test_moved_date_across_a_change_keeps_its_wall_clock_hour_in_ical_js():
    moved = Change(new_start=datetime(2027, 4, 1, 18), new_end=datetime(2027, 4, 1, 19, 30))
    feed = build_feed("Legami", [weekly(0, {date(2027, 3, 22): moved})], date(2026, 11, 1))
    starts = {rome(f).date(): rome(f) for f in expand(feed, date(2027, 3, 1), date(2027, 4, 30))}
    assert date(2027, 3, 22) not in starts
    assert starts[date(2027, 4, 1)].hour == 18 and starts[date(2027, 3, 29)].hour == 18


def test_a_typed_backslash_n_stays_literal_in_ical_js():
    title = r"Corso C:\Nuovi utenti; base, avanzato"
    item = FeedEvent(
        uid="attivita-9@legami", title=title, sequence=0, stamp=STAMP,
        schedule=Schedule(date(2026, 11, 10), time(18), time(19)),
    )  # fmt: skip
    (found,) = expand(build_feed("Legami", [item], date(2026, 11, 1)), date(2026, 11, 1), date(2026, 11, 30))
    assert found["summary"] == title


def test_a_closed_day_and_a_moved_date_explain_themselves_in_ical_js():
    """Monday 22 March 2027 moved to Thursday 1 April (closed: Easter), Monday 29 March closed too."""
    moved = Change(new_start=datetime(2027, 3, 25, 18), new_end=datetime(2027, 3, 25, 19), reason="Gita")
    item = weekly(0, {date(2027, 3, 22): moved})
    closed = {date(2027, 3, 29): "Vacanze di Pasqua"}
    schedule = replace(item.schedule, skipped=frozenset(closed), closed_reasons=closed)
    found = expand(build_feed("Legami", [replace(item, schedule=schedule)], date(2026, 11, 1)),
                   date(2027, 3, 20), date(2027, 4, 3))  # fmt: skip
    by_day = {rome(f).date(): f for f in found}
    assert set(by_day) == {date(2027, 3, 25), date(2027, 3, 29)}
    assert by_day[date(2027, 3, 25)]["status"] == "CONFIRMED" and rome(by_day[date(2027, 3, 25)]).hour == 18
    assert by_day[date(2027, 3, 25)]["description"].startswith("Spostato da lunedì 22 marzo 2027. Gita")
    assert by_day[date(2027, 3, 29)]["status"] == "CANCELLED"
    assert by_day[date(2027, 3, 29)]["summary"] == "CHIUSO – Vacanze di Pasqua (Coro)"


def test_a_feed_filtered_by_time_of_day_keeps_each_date_by_its_own_start_in_ical_js():
    """An 18:00 series: the afternoon feed has only the date moved to 15:00, the evening feed the rest."""
    moved = Change(new_start=datetime(2027, 3, 23, 15), new_end=datetime(2027, 3, 23, 16))
    item = weekly(0, {date(2027, 3, 22): moved})
    afternoon = replace(item, starts_within=(time(12), time(18)))
    evening = replace(item, starts_within=(time(18), None))
    first, last = date(2027, 3, 15), date(2027, 3, 31)
    found = expand(build_feed("Legami", [afternoon], date(2026, 11, 1)), first, last)
    assert [rome(f).replace(tzinfo=None) for f in found] == [datetime(2027, 3, 23, 15)]
    found = expand(build_feed("Legami", [evening], date(2026, 11, 1)), first, last)
    assert sorted(rome(f).date() for f in found) == [date(2027, 3, 15), date(2027, 3, 29)]
