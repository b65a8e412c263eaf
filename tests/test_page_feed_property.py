"""For any filter, the feed lists exactly the page's dates (property-based, with hypothesis).

Random series with moves (across days and times of day) and closures (on
planned days, on new days), random facts (ages, audience, free, sign-up), and
random filters: what the calendar page shows for a month (`listing.per_day`,
which the page calls) equals what the filtered feed says once expanded by an
independent parser (recurring-ical-events): held dates, cancelled dates
(«ANNULLATO – »), and closed days («CHIUSO – <reason>»).
"""

import os
from datetime import date, datetime, time, timedelta

import recurring_ical_events
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from sqlalchemy import delete, select

from app.agenda import listing, query
from app.agenda.models import EventFragment, FeedCache
from app.calendar.ical import CANCELLED_PREFIX, CLOSED_PREFIX
from app.calendar.occurrences import original_starts
from app.civic_centers.models import Activity, Closure, OccurrenceChange
from app.common.timeutil import ROME, today_in_rome
from app.platform.extensions import db
from tests import factories

WINDOW = 35  # days compared: about the month view

series = st.fixed_dictionaries(
    {
        "freq": st.sampled_from(["none", "weekly", "weekly"]),
        "weekdays": st.sets(st.integers(0, 6), min_size=1, max_size=3),
        "offset": st.integers(-10, 20),
        "hour": st.sampled_from([10, 16, 17, 18, 20]),
        "audience": st.sampled_from(["children", "adults", "everyone"]),
        "ages": st.sampled_from([(None, None), (3, 10), (18, None)]),
        "is_free": st.booleans(),
        "registration_required": st.booleans(),
        # (which date, days shifted, new hour) and (which date, cancelled)
        "moves": st.lists(
            st.tuples(st.integers(0, 20), st.integers(-2, 2), st.sampled_from([11, 15, 18, 19])), max_size=3
        ),
        "cancels": st.lists(st.integers(0, 20), max_size=2),
    }
)
closures = st.lists(st.tuples(st.integers(0, WINDOW), st.integers(0, 3)), max_size=2)
filters = st.fixed_dictionaries(
    {
        "momento": st.sampled_from([None, "pomeriggio", "sera"]),
        "eta": st.sampled_from([None, 5, 30]),
        "gratuito": st.booleans(),
        "senza-iscrizione": st.booleans(),
    }
)


def _make(center, n: int, spec: dict, today: date) -> None:
    first = today + timedelta(days=spec["offset"])
    weekly = spec["freq"] == "weekly"
    activity = factories.activity(
        center, title=f"Attività {n}", start_on=first, start_time=time(spec["hour"]),
        end_time=time(spec["hour"] + 1), freq=spec["freq"],
        weekdays=",".join(str(d) for d in sorted(spec["weekdays"])) if weekly else "",
        until_on=today + timedelta(days=60) if weekly else None, audience=spec["audience"],
        age_min=spec["ages"][0], age_max=spec["ages"][1], is_free=spec["is_free"],
        registration_required=spec["registration_required"],
    )  # fmt: skip
    activity.start_on = activity.recurrence.first_on_or_after(first)
    starts = original_starts(activity.schedule(), activity.start_on, activity.start_on + timedelta(days=50))
    taken = set()
    for index, shift, hour in spec["moves"]:
        if starts and (day := starts[index % len(starts)].date()) not in taken:
            taken.add(day)
            new_start = datetime.combine(day + timedelta(days=shift), time(hour))
            activity.changes.append(OccurrenceChange(original_on=day, new_start=new_start,
                                                     new_end=new_start + timedelta(hours=1), reason="Gita"))  # fmt: skip
    for index in spec["cancels"]:
        if starts and (day := starts[index % len(starts)].date()) not in taken:
            taken.add(day)
            activity.changes.append(OccurrenceChange(original_on=day, is_cancelled=True, reason="Sciopero"))


def page_dates(client, args: dict, first: date, last: date) -> tuple[set, set, set]:
    with client.application.test_request_context("/calendario", query_string=args):
        found = query.parse(args)
        entries = listing.per_day(found.filters, first, last, 100, with_changes=True).entries
    held, cancelled, closed = set(), set(), set()
    for entry in entries:
        start = entry.occurrence.start.replace(tzinfo=None)
        if entry.kind == "closed":
            closed.add(start.date())
        elif entry.kind == "":
            (cancelled if entry.is_cancelled else held).add((entry.title, start))
    return held, cancelled, closed


def feed_dates(client, args: dict, first: date, last: date) -> tuple[set, set, set]:
    with client.application.test_request_context("/calendario", query_string=args):
        url = query.parse(args).feed_url
    response = client.get(url.replace("http://localhost", ""), follow_redirects=True)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    held, cancelled, closed = set(), set(), set()
    for event in recurring_ical_events.of(calendar).between(first, last + timedelta(days=1)):
        start = event["DTSTART"].dt.astimezone(ROME).replace(tzinfo=None)
        title = str(event["SUMMARY"])
        if title.startswith(CLOSED_PREFIX):
            assert str(event["STATUS"]) == "CANCELLED"
            closed.add(start.date())
        elif title.startswith(CANCELLED_PREFIX):
            assert str(event["STATUS"]) == "CANCELLED"
            cancelled.add((title.removeprefix(CANCELLED_PREFIX), start))
        else:
            held.add((title, start))
    return held, cancelled, closed


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "20")), deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking through the database takes minutes
)  # fmt: skip
@given(specs=st.lists(series, min_size=1, max_size=2), closed=closures, args=filters)
# The case: a 16:00 series with one date moved to 18:00 (evening feed), the next to 11:00.
@example(
    specs=[{"freq": "weekly", "weekdays": {0, 2, 4}, "offset": 0, "hour": 16, "audience": "everyone",
            "ages": (None, None), "is_free": True, "registration_required": False,
            "moves": [(1, 0, 18), (2, 0, 11)], "cancels": []}],
    closed=[], args={"momento": "sera", "eta": None, "gratuito": False, "senza-iscrizione": False},
)  # fmt: skip
def test_for_any_filter_the_feed_lists_exactly_the_pages_dates(app, specs, closed, args):
    client = app.test_client()
    for model in (Activity, Closure, EventFragment, FeedCache):
        db.session.execute(delete(model))
    db.session.commit()
    center = db.session.scalar(select(factories.CivicCenter)) or factories.center()
    today = today_in_rome()
    for n, spec in enumerate(specs):
        _make(center, n, spec, today)
    for start, length in closed:
        day = today + timedelta(days=start)
        center.closures.append(Closure(start_on=day, end_on=day + timedelta(days=length), reason="Ponte"))
    db.session.commit()
    args = {k: str(v) for k, v in args.items() if v} | {"centro": center.slug}
    first, last = today, today + timedelta(days=WINDOW)
    assert page_dates(client, args, first, last) == feed_dates(client, args, first, last)
