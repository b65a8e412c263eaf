"""Rules for centers and activities. No request, no commit."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.auth.services import find_or_invite
from app.calendar.occurrences import Schedule, original_starts, start_on_day
from app.civic_centers.models import Activity, ActivityStatus, CivicCenter, Closure, OccurrenceChange
from app.common.facts import apply_facts
from app.common.timeutil import utcnow
from app.platform.extensions import db
from app.platform.signals import place_changed
from app.towns.services import resolve_place, unique_slug


class RuleError(ValueError):
    """A request that breaks a rule; its message is shown to the user."""


# --- who may do what -------------------------------------------------------


def can_create_centers(user) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN, Role.COORDINATOR)


def can_manage(user, center: CivicCenter) -> bool:
    """Administrators and coordinators manage every center; managers their own."""
    if not user.is_authenticated:
        return False
    return can_create_centers(user) or any(m.id == user.id for m in center.managers)


def managed_centers_query(user):
    query = select(CivicCenter).options(selectinload(CivicCenter.town)).order_by(CivicCenter.name)
    if not can_create_centers(user):
        query = query.where(CivicCenter.managers.any(User.id == user.id))
    return query


# --- centers ---------------------------------------------------------------


def apply_center_form(center: CivicCenter, form) -> CivicCenter:
    """Copy a validated CenterForm onto a center; PlaceError for a bad town or zone."""
    town, zone = resolve_place(form.town_id.data, form.zone_id.data)
    center.name = form.name.data
    center.kind = form.kind.data
    center.town = town
    center.zone = zone
    center.address = form.address.data
    center.description = form.description.data or ""
    center.accessibility = form.accessibility.data or ""
    center.contact = form.contact.data or ""
    if center.slug is None:
        taken = lambda s: db.session.scalar(select(CivicCenter.id).where(CivicCenter.slug == s)) is not None  # noqa: E731
        center.slug = unique_slug(f"{form.name.data} {town.name}", taken)
        db.session.add(center)
    center.updated_at = utcnow()
    db.session.flush()
    place_changed.send(center)
    return center


def touch_activities(center: CivicCenter) -> None:
    """Center details (address, closures) appear in every activity's events."""
    for activity in db.session.scalars(select(Activity).where(Activity.center_id == center.id)):
        activity.touch()


@place_changed.connect
def _place_changed(place, **_) -> None:
    """A renamed town or a center's new address is in the LOCATION of every activity held there."""
    if isinstance(place, CivicCenter):
        touch_activities(place)
        return
    query = select(Activity).join(Activity.center).where(CivicCenter.town_id == place.id)
    for activity in db.session.scalars(query):
        activity.touch()


def add_manager(center: CivicCenter, email: str) -> User:
    """The person with this e-mail manages the center; an address without an account is invited."""
    user = find_or_invite(email)
    if user not in center.managers:
        center.managers.append(user)
    return user


# --- activities ------------------------------------------------------------


def newly_orphaned(activity: Activity, form) -> list[OccurrenceChange]:
    """Cancelled or moved dates of the current rule that the form's new rule no longer has.

    Left alone they would show on the web and vanish from the feeds (a moved
    date needs its original occurrence there): the manager decides first.
    """
    if activity.id is None or not activity.changes:
        return []
    rule = form.recurrence()
    old = activity.schedule()
    new = Schedule(rule.first_on_or_after(form.start_on.data), form.start_time.data, form.end_time.data, rule)
    return [
        c for c in activity.changes
        if start_on_day(old, c.original_on) is not None and start_on_day(new, c.original_on) is None
    ]  # fmt: skip


def apply_activity_form(activity: Activity, form, drop: frozenset[int] = frozenset()) -> Activity:
    """Copy a validated ActivityForm onto an activity and bump its SEQUENCE.

    drop: ids of changes to delete (dates the new rule no longer has); a
    moved date that is kept stays as an extra date, in the feeds too.
    """
    for change in [c for c in activity.changes if c.id in drop]:
        activity.changes.remove(change)
    activity.title = form.title.data
    activity.description = form.description.data or ""
    activity.audience = form.audience.data
    activity.category = form.category.data
    activity.start_time = form.start_time.data
    activity.end_time = form.end_time.data
    rule = form.recurrence()
    activity.freq = rule.freq
    activity.interval = rule.interval
    activity.weekdays = ",".join(str(d) for d in rule.weekdays)
    activity.month_week = rule.month_week
    activity.month_weekday = rule.month_weekday
    activity.until_on = rule.until
    activity.count = rule.count
    # DTSTART must itself be an occurrence (RFC 5545), so the first date is
    # moved to the first day the rule matches.
    activity.start_on = activity.recurrence.first_on_or_after(form.start_on.data)
    apply_facts(activity, form)
    activity.registration_required = form.registration_required.data
    activity.capacity = form.capacity.data
    activity.accompanying_adult_required = form.accompanying_adult_required.data
    if activity.status != ActivityStatus.CANCELLED:
        activity.status = ActivityStatus.PUBLISHED if form.publish.data else ActivityStatus.DRAFT
    if activity.id is None:
        db.session.add(activity)
    activity.touch()
    db.session.flush()
    return activity


def _require_occurrence(activity: Activity, day: date) -> datetime:
    starts = original_starts(activity.schedule(), day, day)
    if not starts:
        raise RuleError("not-an-occurrence")
    return starts[0]


def _change_for(activity: Activity, day: date) -> OccurrenceChange:
    for change in activity.changes:
        if change.original_on == day:
            return change
    change = OccurrenceChange(original_on=day)
    activity.changes.append(change)
    return change


def cancel_occurrence(activity: Activity, day: date, reason: str, keep_move: bool = True) -> None:
    """Cancel one date (keep_move=False: on its planned day, forgetting a move)."""
    _require_occurrence(activity, day)
    change = _change_for(activity, day)
    change.is_cancelled = True
    if not keep_move:
        change.new_start = change.new_end = None
    change.reason = reason
    activity.touch()


def move_occurrence(activity: Activity, day: date, new_start: datetime, new_end: datetime, note: str) -> None:
    _require_occurrence(activity, day)
    change = _change_for(activity, day)
    change.is_cancelled = False
    change.new_start = new_start
    change.new_end = new_end
    change.reason = note
    activity.touch()


def undo_change(activity: Activity, change: OccurrenceChange) -> None:
    activity.changes.remove(change)
    activity.touch()


def cancel_activity(activity: Activity, reason: str) -> None:
    """A published activity stays visible, marked cancelled; a draft is not public, so it cannot be."""
    if activity.status == ActivityStatus.DRAFT:
        raise RuleError("draft")
    activity.status = ActivityStatus.CANCELLED
    activity.cancel_reason = reason
    activity.touch()


def reinstate_activity(activity: Activity) -> None:
    activity.status = ActivityStatus.PUBLISHED
    activity.cancel_reason = ""
    activity.touch()


def trash_activity(activity: Activity) -> None:
    """Deleting is reversible: the activity goes to the trash."""
    activity.deleted_at = utcnow()
    activity.touch()


def restore_activity(activity: Activity) -> None:
    activity.deleted_at = None
    activity.touch()


def add_closure(center: CivicCenter, start_on: date, end_on: date, reason: str) -> Closure:
    closure = Closure(start_on=start_on, end_on=end_on, reason=reason)
    center.closures.append(closure)
    center.updated_at = utcnow()
    touch_activities(center)
    db.session.flush()
    return closure


def remove_closure(closure: Closure) -> None:
    center = closure.center
    center.closures.remove(closure)
    center.updated_at = utcnow()
    touch_activities(center)
