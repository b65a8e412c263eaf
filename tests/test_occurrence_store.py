"""Stored occurrences: rewritten in the same transaction as every change, extended daily."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.agenda import store
from app.agenda.models import CalendarOccurrence, OccurrenceHorizon
from app.civic_centers import services as centers
from app.common.timeutil import today_in_rome
from app.labs import services as labs
from app.platform.extensions import db
from tests import factories


def rows(**where) -> list[CalendarOccurrence]:
    query = select(CalendarOccurrence).order_by(CalendarOccurrence.starts_at)
    for name, value in where.items():
        query = query.where(getattr(CalendarOccurrence, name) == value)
    db.session.expire_all()
    return list(db.session.scalars(query))


def statuses(activity_id: int) -> dict[date, str]:
    return {r.original_on: r.status for r in rows(activity_id=activity_id) if not r.is_moved}


def test_a_new_activity_has_its_rows_with_its_filters(app):
    center = factories.center()
    activity = factories.activity(center, title="Doposcuola")
    db.session.commit()
    found = rows(activity_id=activity.id)
    # Every Tuesday from 3 February to 26 May 2026.
    assert len(found) == 17 and {r.status for r in found} == {"regular"}
    first = found[0]
    assert (first.day, first.starts_at, first.ends_at) == (
        date(2026, 2, 3), datetime(2026, 2, 3, 16, 30), datetime(2026, 2, 3, 18),
    )  # fmt: skip
    assert (first.town_id, first.center_id, first.audience, first.category) == (
        center.town_id, center.id, "children", "doposcuola",
    )  # fmt: skip
    assert first.is_public and first.title == "Doposcuola" and first.place == "Oratorio San Luigi, Crema"
    assert first.path == f"/centri/oratorio-san-luigi/attivita/{activity.id}"


def test_cancel_move_and_undo_through_the_services(app):
    activity = factories.activity(factories.center())
    db.session.commit()
    centers.cancel_occurrence(activity, date(2026, 3, 10), "Gita")
    centers.move_occurrence(
        activity, date(2026, 3, 17), datetime(2026, 3, 19, 17), datetime(2026, 3, 19, 18, 30), "In palestra"
    )
    db.session.commit()
    assert statuses(activity.id)[date(2026, 3, 10)] == "cancelled"
    assert statuses(activity.id)[date(2026, 3, 17)] == "moved-from"
    (moved,) = [r for r in rows(activity_id=activity.id) if r.is_moved]
    assert (moved.status, moved.day, moved.original_on, moved.reason) == (
        "moved-to", date(2026, 3, 19), date(2026, 3, 17), "In palestra",
    )  # fmt: skip
    cancelled = [r for r in rows(activity_id=activity.id) if r.status == "cancelled"]
    assert [r.reason for r in cancelled] == ["Gita"]
    centers.undo_change(activity, activity.changes[0])
    db.session.commit()
    assert statuses(activity.id)[date(2026, 3, 10)] == "regular"


def test_closures_of_the_center_rewrite_its_activities(app):
    center = factories.center()
    activity = factories.activity(center)
    db.session.commit()
    closure = centers.add_closure(center, date(2026, 3, 30), date(2026, 4, 12), "Pasqua")
    db.session.commit()
    assert statuses(activity.id)[date(2026, 3, 31)] == "closed"
    assert statuses(activity.id)[date(2026, 4, 7)] == "closed"
    centers.remove_closure(closure)
    db.session.commit()
    assert statuses(activity.id)[date(2026, 3, 31)] == "regular"


def test_whole_activity_cancelled_trashed_and_restored(app):
    activity = factories.activity(factories.center())
    db.session.commit()
    centers.cancel_activity(activity, "Manca l'educatore")
    db.session.commit()
    assert {(r.status, r.reason) for r in rows(activity_id=activity.id)} == {
        ("cancelled", "Manca l'educatore")
    }
    centers.trash_activity(activity)
    db.session.commit()
    assert not any(r.is_public for r in rows(activity_id=activity.id))
    centers.restore_activity(activity)
    db.session.commit()
    assert all(r.is_public for r in rows(activity_id=activity.id))


def test_a_center_moved_to_another_town_moves_its_rows(app):
    center = factories.center()
    activity = factories.activity(center)
    db.session.commit()
    other = factories.town("Offanengo")
    center.town = other
    center.name = "Oratorio Nuovo"
    db.session.commit()
    found = rows(activity_id=activity.id)
    assert {r.town_id for r in found} == {other.id} and found[0].place == "Oratorio Nuovo, Offanengo"


def test_a_rolled_back_change_writes_nothing(app):
    activity = factories.activity(factories.center())
    db.session.commit()
    centers.cancel_occurrence(activity, date(2026, 3, 10), "Gita")
    db.session.rollback()
    db.session.commit()
    assert statuses(activity.id)[date(2026, 3, 10)] == "regular"


def test_lab_sessions_are_one_row_each(app):
    lab = factories.lab(status="draft")
    session = factories.session(lab, date(2026, 3, 3))
    db.session.commit()
    (row,) = rows(session_id=session.id)
    assert not row.is_public and row.lab_id == lab.id and row.audience is None and row.center_id is None
    lab.status = "open"
    db.session.commit()
    labs.cancel_session(session, "Pioggia")
    db.session.commit()
    (row,) = rows(session_id=session.id)
    assert row.is_public and (row.status, row.reason) == ("cancelled", "Pioggia")
    assert row.place == "Sala civica, Crema" and row.path == "/laboratori/orto-condiviso"
    db.session.delete(session)
    db.session.commit()
    assert rows(lab_id=lab.id) == []


def test_extend_adds_only_the_new_days(app):
    today = today_in_rome()
    activity = factories.activity(
        factories.center(), start_on=today - timedelta(days=today.weekday()), until_on=None
    )
    db.session.commit()
    assert store.extend(today) > 0  # the first run fills the table and sets the horizon
    db.session.commit()
    last = db.session.get(OccurrenceHorizon, 1).last_day
    assert last == today + store.AHEAD
    before = len(rows(activity_id=activity.id))
    assert store.extend(today) == 0
    assert store.extend(today + timedelta(days=14)) == 2  # two more Tuesdays
    db.session.commit()
    found = rows(activity_id=activity.id)
    assert len(found) == before + 2 and found[-1].day <= today + timedelta(days=14) + store.AHEAD
    assert len({r.original_on for r in found}) == len(found)  # nothing written twice


def test_the_flask_commands(app):
    factories.activity(factories.center(), freq="none", start_on=today_in_rome(), start_time=time(9))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["occurrences", "rebuild"])
    assert result.exit_code == 0 and "1 occurrences written" in result.output
    result = runner.invoke(args=["occurrences", "extend"])
    assert result.exit_code == 0 and "0 occurrences written" in result.output
