"""The dashboard's totals per day and town equal a direct count of the stored occurrences after
every kind of change, counted again in the change's own transaction (app/agenda/store.py)."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import and_, func, select

from app.agenda import store
from app.agenda.models import ActivityDayTotal, CalendarOccurrence, OccurrenceStatus
from app.civic_centers.models import ActivityHeadcount, ActivityStatus, Closure, OccurrenceChange
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories


def stored() -> dict:
    rows = db.session.execute(
        select(ActivityDayTotal.day, ActivityDayTotal.town_id, ActivityDayTotal.held, ActivityDayTotal.seconds,
               ActivityDayTotal.headcount, ActivityDayTotal.counted)
    )  # fmt: skip
    return {(r[0], r[1]): tuple(r[2:]) for r in rows if r[2]}


def direct() -> dict:
    """The same figures counted from the occurrences and headcounts, in Python."""
    occ, heads = CalendarOccurrence, ActivityHeadcount
    rows = db.session.execute(
        select(occ.day, occ.town_id, occ.starts_at, occ.ends_at, heads.headcount)
        .outerjoin(heads, and_(heads.activity_id == occ.activity_id, heads.original_on == occ.original_on))
        .where(occ.activity_id.is_not(None), occ.is_public.is_(True), occ.status.in_(OccurrenceStatus.HELD))
    )
    found: dict = {}
    for day, town, start, end, headcount in rows:
        held, seconds, people, counted = found.get((day, town), (0, 0, 0, 0))
        found[day, town] = (
            held + 1, seconds + int((end - start).total_seconds()), people + (headcount or 0),
            counted + (headcount is not None),
        )  # fmt: skip
    return found


@pytest.fixture
def weekly(app):
    """A weekly activity from five weeks ago to five weeks ahead, in Crema."""
    center = factories.center()
    today = today_in_rome()
    activity = factories.activity(
        center, start_on=today - timedelta(weeks=5), until_on=today + timedelta(weeks=5),
        weekdays=str(today.weekday()),
    )  # fmt: skip
    db.session.commit()
    return activity


def check() -> None:
    db.session.commit()
    totals = stored()
    assert totals == direct() and totals


def test_a_new_activity_is_counted(weekly):
    check()
    assert sum(held for held, *_ in stored().values()) == 11  # today and five weeks either side


def test_moves_cancellations_closures_and_headcounts_are_counted_again(weekly):
    today = today_in_rome()
    past = today - timedelta(weeks=2)
    db.session.add(
        OccurrenceChange(
            activity_id=weekly.id, original_on=past, new_start=datetime.combine(past + timedelta(days=1), time(10)),
            new_end=datetime.combine(past + timedelta(days=1), time(13)),
        )
    )  # fmt: skip
    check()
    db.session.add(
        OccurrenceChange(activity_id=weekly.id, original_on=today - timedelta(weeks=3), is_cancelled=True)
    )
    check()
    db.session.add(
        Closure(
            center_id=weekly.center_id, start_on=today - timedelta(weeks=4), end_on=today - timedelta(weeks=4)
        )
    )
    check()
    headcount = ActivityHeadcount(activity_id=weekly.id, original_on=today - timedelta(weeks=1), headcount=14)
    db.session.add(headcount)
    check()
    assert sum(people for _, _, people, _ in stored().values()) == 14
    headcount.headcount = 9
    check()
    db.session.add(ActivityHeadcount(activity_id=weekly.id, original_on=past, headcount=5))  # the moved date
    check()
    assert sum(people for _, _, people, _ in stored().values()) == 14
    db.session.delete(headcount)
    check()
    weekly.end_time = time(19, 0)  # longer dates
    check()


def test_a_town_change_and_an_unpublished_activity_move_and_empty_the_totals(weekly):
    other = factories.town("Offanengo")
    weekly.center.town = other
    check()
    assert {town for _, town in stored()} == {other.id}
    weekly.status = ActivityStatus.DRAFT
    db.session.commit()
    assert stored() == direct() == {}


def test_a_rolled_back_change_leaves_the_totals(weekly):
    before = stored()
    weekly.end_time = time(20, 0)
    db.session.flush()
    db.session.rollback()
    db.session.add(ActivityHeadcount(activity_id=weekly.id, original_on=today_in_rome(), headcount=3))
    db.session.rollback()
    check()
    assert stored() == before


def test_extend_and_rebuild_count_again(weekly):
    db.session.execute(ActivityDayTotal.__table__.delete())  # as after a restore made outside the app
    db.session.commit()
    store.rebuild()
    check()
    weekly.until_on = None  # open-ended: extend adds new days
    db.session.commit()
    store.extend(today_in_rome() + timedelta(days=40))
    check()
    assert db.session.scalar(select(func.max(ActivityDayTotal.day))) > today_in_rome() + timedelta(days=500)
