"""The filters a family uses beyond place and audience: a child's age, free, no sign-up, time of day.

Plain SQL conditions over whichever columns hold the facts (activities, labs,
or stored occurrence rows), so pages and feeds filter the same way.
"""

from datetime import time

from sqlalchemy import and_, false, or_, true

from app.civic_centers.models import Audience

# Time of day of the start: "pomeriggio" from 12 to 18, "sera" from 18 on.
TIME_SLOTS = {"pomeriggio": (time(12), time(18)), "sera": (time(18), None)}
MAX_AGE = 99
ADULT_AGE = 18


def audiences_for(age: int) -> set[str]:
    """Which audiences a person of this age belongs to, when an activity gives no age range."""
    found = {Audience.EVERYONE.value}
    if age <= 10:
        found.add(Audience.CHILDREN.value)
    elif age < ADULT_AGE:
        found.add(Audience.TEENAGERS.value)
    else:
        found.add(Audience.ADULTS.value)
        if age >= 65:
            found.add(Audience.ELDERLY.value)
    return found


def age_clause(age: int, age_min, age_max, audience=None):
    """The age range fits; without a range the audience decides, and a series with no audience
    (a lab: its form asks for the ages when it is for children) is offered to adults only."""
    has_range = or_(age_min.is_not(None), age_max.is_not(None))
    fits = and_(or_(age_min.is_(None), age_min <= age), or_(age_max.is_(None), age_max >= age))
    adults_only = true() if age >= ADULT_AGE else false()
    if audience is None:
        without_range = adults_only
    else:
        without_range = or_(audience.in_(sorted(audiences_for(age))), and_(audience.is_(None), adults_only))
    return or_(and_(has_range, fits), and_(~has_range, without_range))


def time_clause(slot: str, start_time):
    """Starts within the slot's hours (a column of local wall-clock times)."""
    if slot not in TIME_SLOTS:
        return true()
    first, last = TIME_SLOTS[slot]
    return and_(start_time >= first, start_time < last) if last else start_time >= first


def conditions(
    filters, *, age_min, age_max, is_free, needs_registration, start_time, audience=None, moved=None
) -> list:
    """Every family filter set in `filters`, over the given columns (needs_registration may be a constant).

    moved: a condition true for a series with a date moved elsewhere; with a time
    of day, such a series is kept, and its feed judges each date by its own start.
    """
    found = []
    if filters.age is not None:
        found.append(age_clause(filters.age, age_min, age_max, audience))
    if filters.free_only:
        found.append(is_free.is_(True))
    if filters.no_registration:
        found.append(false() if needs_registration is True else needs_registration.is_(False))
    if filters.time_of_day:
        in_slot = time_clause(filters.time_of_day, start_time)
        found.append(in_slot if moved is None else or_(in_slot, moved))
    return found
