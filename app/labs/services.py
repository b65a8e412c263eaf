"""Rules for labs, their sessions and attendance. No request, no commit."""

from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select

from app.accounts.models import Role, User
from app.calendar.occurrences import MAX_COUNT, Recurrence, Schedule, expand
from app.civic_centers.models import CivicCenter
from app.common.facts import apply_facts
from app.common.timeutil import utcnow
from app.labs import notices
from app.labs.models import Lab, LabAttendance, LabSession, Registration, RegistrationStatus
from app.labs.registrations import holds_place
from app.platform.extensions import db
from app.platform.signals import place_changed
from app.towns.services import resolve_place, unique_slug


class RuleError(ValueError):
    """A request that breaks a rule; the view turns it into a message."""


def can_create_labs(user) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN, Role.COORDINATOR, Role.COMMUNITY_MAKER)


def sees_everything(user) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN, Role.COORDINATOR)


def can_manage(user, lab: Lab) -> bool:
    """Coordinators manage every lab; a Community Maker only the labs they make."""
    return sees_everything(user) or (user.is_authenticated and any(m.id == user.id for m in lab.makers))


UPCOMING_SESSIONS = (  # built once (see labs/loaders.py)
    select(LabSession)
    .where(LabSession.lab_id == bindparam("lab_id"), LabSession.start_on >= bindparam("today"))
    .order_by(LabSession.start_on, LabSession.start_time, LabSession.id)
)


def upcoming_sessions(lab: Lab, today: date) -> list[LabSession]:
    """The lab's sessions from today on, in order (a lab of many years reads only these)."""
    return list(db.session.scalars(UPCOMING_SESSIONS, {"lab_id": lab.id, "today": today}))


def managed_labs_query(user):
    query = select(Lab).order_by(Lab.deleted_at.is_not(None), Lab.title)
    if not sees_everything(user):
        query = query.where(Lab.makers.any(User.id == user.id))
    return query


def center_choices() -> list[tuple[int, str]]:
    centers = db.session.scalars(select(CivicCenter).order_by(CivicCenter.name))
    return [(0, "—")] + [(c.id, c.name) for c in centers]


@place_changed.connect
def _place_changed(place, **_) -> None:
    """A renamed town or a host center's new address is in the place of every session held there."""
    if isinstance(place, CivicCenter):
        held_there = Lab.center_id == place.id
    else:
        held_there = (Lab.town_id == place.id) | Lab.center.has(CivicCenter.town_id == place.id)
    for session in db.session.scalars(select(LabSession).join(LabSession.lab).where(held_there)):
        session.touch()


def apply_lab_form(lab: Lab, form, maker: User | None = None) -> Lab:
    """Copy a validated LabForm; the slug is chosen once (the feed URL uses it)."""
    town, zone = resolve_place(form.town_id.data, form.zone_id.data)
    center = db.session.get(CivicCenter, form.center_id.data) if form.center_id.data else None
    lab.title, lab.description, lab.theme = form.title.data, form.description.data or "", form.theme.data
    lab.town, lab.zone, lab.center = town, zone, center
    lab.venue, lab.partners = form.venue.data or "", form.partners.data or ""
    lab.capacity, lab.has_waiting_list = form.capacity.data, form.has_waiting_list.data
    lab.is_for_children, lab.status = form.is_for_children.data, form.status.data
    apply_facts(lab, form)
    lab.updated_at = utcnow()
    if lab.slug is None:
        taken = lambda s: db.session.scalar(select(Lab.id).where(Lab.slug == s)) is not None  # noqa: E731
        lab.slug = unique_slug(f"{lab.title} {town.name}", taken)
        if maker is not None:
            lab.makers.append(maker)
        db.session.add(lab)
    for session in lab.sessions:
        session.touch()  # title and place are in every session's event
    db.session.flush()
    return lab


def plan_sessions(lab: Lab, start_on: date, start_time, end_time, rule: Recurrence) -> list[LabSession]:
    """Add the sessions of a series (or one session), as separate rows."""
    first = rule.first_on_or_after(start_on)
    schedule = Schedule(first, start_time, end_time, rule)
    occurrences = expand(schedule, first, first + timedelta(days=2 * 366))[:MAX_COUNT]
    existing = {(s.start_on, s.start_time) for s in lab.sessions}
    added = []
    for occurrence in occurrences:
        day = occurrence.start.date()
        if (day, start_time) in existing:
            continue
        session = LabSession(start_on=day, start_time=start_time, end_time=end_time)
        lab.sessions.append(session)
        added.append(session)
    db.session.flush()
    return added


def cancel_session(session: LabSession, reason: str) -> None:
    session.is_cancelled = True
    session.cancel_reason = reason
    session.touch()
    notices.session_cancelled(session)


def move_session(session: LabSession, start_on: date, start_time, end_time) -> None:
    """Move one session to another day or time; calendar apps get the change (SEQUENCE)."""
    before = (session.start_on, session.start_time, session.end_time)
    session.start_on, session.start_time, session.end_time = start_on, start_time, end_time
    session.touch()
    if before != (start_on, start_time, end_time):
        notices.session_moved(session, before)


def restore_session(session: LabSession) -> None:
    session.is_cancelled = False
    session.cancel_reason = ""
    session.touch()


def names_allowed(lab: Lab, registration: Registration) -> bool:
    """Minors' names are recorded only with a guardian's consent."""
    return not lab.is_for_children or registration.guardian_consent


def record_attendance(
    session: LabSession, present_ids: set[int], walk_ins: list[str], headcount: int | None, now: datetime
) -> None:
    """Replace the session's attendance: ticked registrants, walk-ins, a headcount."""
    if not session.has_started(now):
        raise RuleError("future")
    lab = session.lab
    allowed = {
        r.id
        for r in db.session.scalars(
            select(Registration).where(
                Registration.lab_id == lab.id, Registration.status == RegistrationStatus.CONFIRMED
            )
        )
        if names_allowed(lab, r)
    }
    session.attendances.clear()
    db.session.flush()
    for registration_id in sorted(present_ids & allowed):
        session.attendances.append(LabAttendance(registration_id=registration_id))
    if not lab.is_for_children:
        for name in walk_ins:
            session.attendances.append(LabAttendance(walk_in_name=name[:120]))
    session.headcount = headcount
    db.session.flush()


def attendance_total(session: LabSession) -> int:
    """People at a session: the headcount when taken, else the names recorded."""
    named = len(session.attendances)
    return max(session.headcount or 0, named)


def counts_by_lab(lab_ids: list[int]) -> dict[int, int]:
    """Places taken per lab (confirmed, or pending within their hold), in one query."""
    rows = db.session.execute(
        select(Registration.lab_id, func.count(Registration.id))
        .where(Registration.lab_id.in_(lab_ids), holds_place())
        .group_by(Registration.lab_id)
    )
    return dict(rows.all())
