"""The detail pages' statements built once with bound parameters answer as the ones they replaced:
a lab's places, a group's next meeting, the loaders of a group and a verbale, and a
lab's sessions as calendar entries."""

from datetime import datetime, time, timedelta

import pytest

from app.agenda import services as agenda
from app.common.timeutil import ROME, today_in_rome, utcnow
from app.groups import services as group_services
from app.groups.access import get_group_or_404
from app.labs import registrations
from app.labs.models import Registration, RegistrationStatus
from app.minutes.access import get_minutes_or_404
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.groups_support import team_fixture  # noqa: F401


def _signup(lab, n: int, status: str, minutes_ago: int = 0) -> None:
    db.session.add(
        Registration(
            lab=lab, full_name=f"Persona {n}", email=f"p{n}@example.org", contact_key=f"p{n}@example.org",
            status=status, withdraw_token_hash=f"{n:064d}", created_at=utcnow() - timedelta(minutes=minutes_ago),
        )
    )  # fmt: skip


def test_places_taken_counts_the_confirmed_and_the_pending_within_their_hold(app, browser):
    with app.app_context():
        lab = factories.lab(capacity=6)
        _signup(lab, 1, RegistrationStatus.CONFIRMED, minutes_ago=600)
        _signup(lab, 2, RegistrationStatus.CONFIRMED)
        _signup(lab, 3, RegistrationStatus.PENDING, minutes_ago=5)  # held
        _signup(lab, 4, RegistrationStatus.PENDING, minutes_ago=121)  # its hold ran out
        _signup(lab, 5, RegistrationStatus.WAITING)
        _signup(lab, 6, RegistrationStatus.WITHDRAWN)
        _signup(lab, 7, RegistrationStatus.PENDING_WAITING)
        other = factories.lab(title="Altro", slug="altro", capacity=3)
        _signup(other, 8, RegistrationStatus.CONFIRMED)
        db.session.commit()
        assert registrations.places_taken(lab) == (3, 1)
        assert registrations.places_taken(other) == (1, 0)
        assert registrations.places_taken(lab)[0] == registrations.taken_count(lab)
    assert "3 posti liberi" in text(browser.get("/laboratori/orto-condiviso"))


def test_a_labs_sessions_are_entries_with_its_own_title_place_and_page(app):
    with app.test_request_context():
        day = today_in_rome() + timedelta(days=3)
        garden = factories.lab(venue="Sala civica")
        reading = factories.lab(
            title="Leggere insieme", slug="leggere-insieme", where_town="Offanengo", venue="Biblioteca"
        )
        factories.session(garden, day, start=time(18))
        factories.session(reading, day, start=time(17), is_cancelled=True, cancel_reason="Maltempo")
        db.session.commit()
        found = agenda.entries([], day, day, sessions=[*garden.sessions, *reading.sessions])
        assert [(e.title, e.place, e.url, e.label) for e in found] == [
            (
                "Leggere insieme",
                "Biblioteca, Offanengo",
                "/laboratori/leggere-insieme",
                "Laboratorio di Comunità",
            ),
            ("Orto condiviso", "Sala civica, Crema", "/laboratori/orto-condiviso", "Laboratorio di Comunità"),
        ]
        first, second = found[0].occurrence, found[1].occurrence
        assert (first.start, first.is_cancelled, first.reason) == (
            datetime.combine(day, time(17), ROME),
            True,
            "Maltempo",
        )
        assert (second.start, second.is_cancelled, second.is_moved) == (
            datetime.combine(day, time(18), ROME),
            False,
            False,
        )


def test_next_meeting_from_today_and_after_a_meeting(team):
    group, today = team.group, today_in_rome()

    def meeting(days: int, hour: int):
        return group_services.schedule_meeting(
            group, today + timedelta(days=days), time(hour), time(hour + 1), "Sala", ""
        )

    past = meeting(-7, 14)
    meeting(2, 9).is_cancelled = True
    first, same_day, later = meeting(2, 14), meeting(2, 17), meeting(30, 14)
    db.session.commit()
    assert group_services.next_meeting(group, today) == first  # not the cancelled one at 9
    assert group_services.next_meeting(group, today + timedelta(days=3)) == later
    assert group_services.next_meeting(group, today, after=past) == first
    # After a meeting: a later day's (its "prossimo incontro"), never another of its own day.
    assert group_services.next_meeting(group, today, after=first) == later
    assert group_services.next_meeting(group, today, after=same_day) == later
    assert group_services.next_meeting(group, today, after=later) is None


def test_the_loaders_find_by_slug_and_id_and_refuse_the_missing(app, team):
    from werkzeug.exceptions import NotFound

    with app.test_request_context():
        assert get_group_or_404(team.group.slug).id == team.group.id
        with pytest.raises(NotFound):
            get_group_or_404("nessun-gruppo")
        with pytest.raises(NotFound):
            get_minutes_or_404(987654)


def test_a_missing_group_and_verbale_are_not_found_pages(browser, team):
    assert browser.get("/gruppi/nessun-gruppo").status_code == 404
    assert browser.get(f"/gruppi/{team.group.slug}/verbali/987654").status_code == 404
    assert "Welfare in azione" in text(browser.get(f"/gruppi/{team.group.slug}"))
