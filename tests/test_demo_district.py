"""`flask demo load --scale district` builds the DESIGN scale through the services (here, one town of it)."""

from sqlalchemy import func, select

from app import demo_district
from app.agenda.models import CalendarOccurrence
from app.civic_centers.models import Activity
from app.groups.models import Meeting
from app.minutes.models import Minutes
from app.platform.extensions import db


def count(what) -> int:
    return db.session.scalar(select(func.count()).select_from(what))


def test_one_town_of_the_district(app, monkeypatch):
    monkeypatch.setattr(demo_district, "TOWNS", 1)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--scale", "district", "--years", "1"])
    assert result.exit_code == 0, result.output
    assert "1 towns, 2 centers, 40 activities, 1 labs." in result.output
    assert count(Activity) == 40 and count(Meeting) > 2 * 26
    # Every weekly activity has its stored occurrences, a year back and 18 months ahead.
    assert count(CalendarOccurrence) > 40 * 52
    approved = db.session.scalar(select(func.count()).where(Minutes.status == "approved"))
    assert approved >= 2 and count(Minutes) > approved
    again = runner.invoke(args=["demo", "load", "--scale", "district"])
    assert "already loaded; nothing changed" in again.output


def test_twice_the_district_side_by_side(app, monkeypatch):
    monkeypatch.setattr(demo_district, "TOWNS", 1)
    result = app.test_cli_runner().invoke(
        args=["demo", "load", "--scale", "district", "--years", "1", "--times", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "2 towns, 4 centers, 80 activities, 2 labs." in result.output
    assert "4 working groups" in result.output and count(Activity) == 80
    bad = app.test_cli_runner().invoke(args=["demo", "load", "--scale", "district", "--times", "9"])
    assert bad.exit_code != 0 and "9 is not in the range" in bad.output
