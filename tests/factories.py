"""Factories for civic centers and activities (plain functions; callers commit)."""

from datetime import date, time

from app.civic_centers.models import Activity, ActivityStatus, CivicCenter
from app.platform.extensions import db
from app.towns import services as towns
from app.towns.models import Town


def town(name="Crema") -> Town:
    existing = db.session.query(Town).filter_by(name=name).one_or_none()
    return existing or towns.create_town(name, "CR", "Crema")


def center(name="Oratorio San Luigi", town_name="Crema", managers=(), slug=None) -> CivicCenter:
    found = CivicCenter(
        name=name, slug=slug or name.lower().replace(" ", "-"), kind="oratorio", town=town(town_name),
        address="Via Bottesini 4", managers=list(managers),
    )  # fmt: skip
    db.session.add(found)
    db.session.flush()
    return found


def activity(where: CivicCenter, **fields) -> Activity:
    """A published weekly Tuesday 16:30–18:00 activity, February to May 2026, unless told otherwise."""
    values = {
        "title": "Doposcuola", "audience": "children", "category": "doposcuola",
        "status": ActivityStatus.PUBLISHED, "start_on": date(2026, 2, 3), "start_time": time(16, 30),
        "end_time": time(18, 0), "freq": "weekly", "interval": 1, "weekdays": "1", "until_on": date(2026, 5, 26),
    }  # fmt: skip
    values.update(fields)
    found = Activity(center=where, **values)
    db.session.add(found)
    db.session.flush()
    return found


def lab(where_town="Crema", makers=(), **fields):
    """An open lab with 2 places and a waiting list, unless told otherwise."""
    from app.labs.models import Lab

    values = {"title": "Orto condiviso", "slug": "orto-condiviso", "status": "open", "capacity": 2,
              "has_waiting_list": True, "theme": "animazione", "venue": "Sala civica"}  # fmt: skip
    values.update(fields)
    found = Lab(town=town(where_town), makers=list(makers), **values)
    db.session.add(found)
    db.session.flush()
    return found


def session(of, day, start=time(18, 0), end=time(20, 0), **fields):
    from app.labs.models import LabSession

    found = LabSession(lab=of, start_on=day, start_time=start, end_time=end, **fields)
    db.session.add(found)
    db.session.flush()
    return found
