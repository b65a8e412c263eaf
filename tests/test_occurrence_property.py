"""The stored occurrences equal an independent expansion of the feed (recurring-ical-events),
for random rules, closures, cancelled and moved dates (property-based, with hypothesis)."""

import os
from datetime import date, datetime, time, timedelta

import recurring_ical_events
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from sqlalchemy import delete, select

from app.agenda.models import CalendarOccurrence, OccurrenceStatus
from app.agenda.services import feed_event
from app.calendar.ical import assemble, event_fragment
from app.calendar.occurrences import Recurrence
from app.civic_centers.models import Activity, Closure, OccurrenceChange
from app.common.timeutil import ROME, today_in_rome
from app.platform.extensions import db
from tests import factories

WINDOW = 200  # days compared, from the series' first date; well inside the stored horizon

rules = st.one_of(
    st.builds(lambda: {"freq": "none"}),
    st.builds(
        lambda interval, days, until, count: {
            "freq": "weekly",
            "interval": interval,
            "weekdays": ",".join(str(d) for d in sorted(days)),
            "until_days": until,
            "count": None if until else count,  # the form takes one or the other
        },
        st.integers(1, 3),
        st.sets(st.integers(0, 6), min_size=1, max_size=3),
        st.one_of(st.none(), st.integers(10, 300)),
        st.one_of(st.none(), st.integers(1, 40)),
    ),
    st.builds(
        lambda interval, week, weekday, until: {
            "freq": "monthly",
            "interval": interval,
            "month_week": week,
            "month_weekday": weekday,
            "until_days": until,
            "count": None,
        },
        st.integers(1, 2),
        st.sampled_from([1, 2, 3, 4, -1]),
        st.integers(0, 6),
        st.one_of(st.none(), st.integers(30, 300)),
    ),
)
exceptions = st.lists(
    st.tuples(
        st.integers(0, 150), st.sampled_from(["cancel", "move"]), st.integers(-3, 3), st.integers(8, 20)
    ),
    max_size=4,
)
closures = st.lists(st.tuples(st.integers(0, 170), st.integers(0, 12)), max_size=2)


def feed_occurrences(activity: Activity, first: date, last: date) -> tuple[set, set]:
    """(held, cancelled) (start, end) pairs, naive local, from the serialised feed."""
    event = feed_event(activity, "https://legami.test/x")
    calendar = Calendar.from_ical(assemble("prova", [event_fragment(event)], first))
    held, cancelled = set(), set()
    for found in recurring_ical_events.of(calendar).between(first, last + timedelta(days=1)):
        start = found["DTSTART"].dt.astimezone(ROME).replace(tzinfo=None)
        end = found["DTEND"].dt.astimezone(ROME).replace(tzinfo=None)
        (cancelled if str(found.get("STATUS")) == "CANCELLED" else held).add((start, end))
    return held, cancelled


def stored_occurrences(activity: Activity, first: date, last: date) -> tuple[set, set]:
    query = select(CalendarOccurrence).where(
        CalendarOccurrence.activity_id == activity.id,
        CalendarOccurrence.day >= first,
        CalendarOccurrence.day <= last,
    )
    held, cancelled = set(), set()
    for row in db.session.scalars(query):
        if row.status in OccurrenceStatus.HELD:
            held.add((row.starts_at, row.ends_at))
        elif row.status in (OccurrenceStatus.CANCELLED, OccurrenceStatus.CLOSED):  # the feed: CANCELLED
            cancelled.add((row.starts_at, row.ends_at))
    return held, cancelled


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking through the database takes minutes
)  # fmt: skip
@given(rule=rules, offset=st.integers(-60, 60), changes=exceptions, closed=closures, whole=st.booleans())
def test_table_equals_the_feed_expanded_independently(app, rule, offset, changes, closed, whole):
    db.session.execute(delete(Activity))
    db.session.commit()
    center = db.session.scalar(select(factories.CivicCenter)) or factories.center()
    db.session.execute(delete(Closure))
    asked = today_in_rome() + timedelta(days=offset)
    until_days = rule.pop("until_days", None)
    fields = rule | {"until_on": asked + timedelta(days=until_days) if until_days else None}
    fields.setdefault("weekdays", "")
    # DTSTART is itself an occurrence (the service moves it so; RFC 5545 counts it anyway).
    fields["start_on"] = Recurrence(
        freq=fields["freq"], interval=fields.get("interval", 1),
        weekdays=tuple(int(d) for d in fields["weekdays"].split(",") if d),
        month_week=fields.get("month_week"), month_weekday=fields.get("month_weekday"),
    ).first_on_or_after(asked)  # fmt: skip
    activity = factories.activity(center, start_time=time(16, 30), end_time=time(18), **fields)
    for start, length in closed:
        center.closures.append(
            Closure(start_on=asked + timedelta(days=start), end_on=asked + timedelta(days=start + length))
        )
    schedule = activity.schedule()
    from app.calendar.occurrences import original_starts

    starts = original_starts(schedule, activity.start_on, activity.start_on + timedelta(days=160))
    for index, kind, shift, hour in changes:
        if not starts:
            break
        original = starts[index % len(starts)]
        if any(c.original_on == original.date() for c in activity.changes):
            continue
        change = OccurrenceChange(original_on=original.date(), reason="motivo")
        if kind == "cancel":
            change.is_cancelled = True
        else:
            change.new_start = datetime.combine(original.date() + timedelta(days=shift), time(hour))
            change.new_end = change.new_start + timedelta(hours=1)
        activity.changes.append(change)
    if whole:
        activity.status = "cancelled"
        activity.cancel_reason = "chiuso"
    db.session.commit()
    db.session.expire_all()
    activity = db.session.get(Activity, activity.id)
    first, last = activity.start_on, activity.start_on + timedelta(days=WINDOW)
    held, cancelled = stored_occurrences(activity, first, last)
    feed_held, feed_cancelled = feed_occurrences(activity, first, last)
    assert held == feed_held
    assert cancelled == feed_cancelled
