"""Who may see and change what in a working group; the loaders reuse these rules."""

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from app.groups import rsvp
from app.groups.models import ActionItem, AgendaPoint, GroupMembership, GroupRole, Meeting, WorkingGroup
from app.minutes.models import Minutes, MinutesStatus
from app.platform.extensions import db


class Locked(Exception):
    """The meeting's verbale is approved: the meeting, its attendance and the verbale are closed.

    Answered with 409 and an Italian explanation (handler in app/groups/__init__.py)."""


def _user(user):
    return user if user is not None and user.is_authenticated else None


def is_member(user, group: WorkingGroup) -> bool:
    return _user(user) is not None and group.role_of(user) is not None


def can_see_private(user, group: WorkingGroup) -> bool:
    """Members, attendance and drafts: the group's members and coordinators only."""
    user = _user(user)
    return user is not None and (user.is_coordinator or is_member(user, group))


def can_work_in(user, group: WorkingGroup) -> bool:
    """Schedule meetings, take attendance, write, review and trash drafts, keep action items: the
    group's own members only. Coordinators oversee every group (they read everything private,
    manage members and export) but do not write a group's record: a coordinator who should
    take part is added to the group as a member."""
    return is_member(user, group)


def can_publish(user, group: WorkingGroup) -> bool:
    """Only the chair or the secretary approve and correct a verbale."""
    return _user(user) is not None and group.role_of(user) in (GroupRole.CHAIR, GroupRole.SECRETARY)


def can_manage_members(user, group: WorkingGroup) -> bool:
    user = _user(user)
    return user is not None and (user.is_coordinator or can_publish(user, group))


def role_refusal(user, group: WorkingGroup, link: GroupMembership | None, role: str | None) -> str | None:
    """Why `user` may not give `link` (None: a new member) the role `role` (None: remove them),
    or None. Nobody changes or ends their own membership; only the chair or a coordinator
    names, changes or removes the chair (a secretary cannot make themselves chair, which
    would also give them the chair's rights, nor demote the chair)."""
    if link is not None and link.user_id is not None and link.user_id == getattr(user, "id", None):
        return _("Non puoi cambiare il tuo ruolo nel gruppo: chiedi a chi lo presiede o al coordinamento.")
    touches_chair = role == GroupRole.CHAIR.value or (link is not None and link.role == GroupRole.CHAIR.value)
    if touches_chair and not (user.is_coordinator or group.role_of(user) == GroupRole.CHAIR):
        return _(
            "Solo chi presiede il gruppo o il coordinamento può nominare, cambiare o togliere la presidenza."
        )
    return None


def can_export(user, group: WorkingGroup) -> bool:
    """Coordinators export every group; its chair and secretary export their own (audited)."""
    user = _user(user)
    return user is not None and (user.is_coordinator or can_publish(user, group))


# Built once: a statement built anew costs SQLAlchemy its cache key again (0.3 ms, most of a lookup).
GROUP_BY_SLUG = select(WorkingGroup).where(WorkingGroup.slug == bindparam("slug"))
# A visitor is no member: the rules below never read the memberships.
GROUP_WITH_MEMBERSHIPS = GROUP_BY_SLUG.options(selectinload(WorkingGroup.memberships))


def get_group_or_404(slug: str) -> WorkingGroup:
    query = GROUP_WITH_MEMBERSHIPS if current_user.is_authenticated else GROUP_BY_SLUG
    return db.session.scalar(query, {"slug": slug}) or abort(404)


def get_meeting_or_404(meeting_id: int, edit: bool = False, work: bool = False) -> Meeting:
    """404 when missing or not yours to see (attendance is private); edit needs the same,
    and a meeting whose verbale is approved is closed (Locked, 409): it changes only by rettifica.
    work: the group's members act *from* the meeting without changing it (schedule the next
    one), so an approved verbale does not stop them."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    if not can_see_private(current_user, meeting.group):
        abort(404)
    if (edit or work) and not can_work_in(current_user, meeting.group):
        abort(403)
    if edit and meeting_is_locked(meeting):
        raise Locked
    return meeting


def get_meeting_to_answer_or_404(meeting_id: int) -> tuple[Meeting, GroupMembership]:
    """A meeting the signed-in person answers (sì, no, forse) from its page: 404 when missing
    or not theirs to see, 403 when they are not on its roster (the group on that day)."""
    meeting = get_meeting_or_404(meeting_id)
    membership = rsvp.membership_of(meeting, current_user.id)
    if membership is None:
        abort(403)
    return meeting, membership


def get_meeting_by_rsvp_token_or_404(token: str) -> tuple[Meeting, GroupMembership]:
    """The meeting and the member of a signed answer link (no login needed): 404 when the link
    is forged, the meeting is gone, or the person is no longer on its roster or active."""
    found = rsvp.from_token(token)
    if found is None:
        abort(404)
    meeting = db.session.get(Meeting, found[0]) or abort(404)
    membership = rsvp.membership_of(meeting, found[1])
    if membership is None or membership.user is None or not membership.user.is_active:
        abort(404)
    return meeting, membership


def get_point_or_404(point_id: int) -> AgendaPoint:
    """A point of the ordine del giorno: 404 for whoever may not see its meeting."""
    point = db.session.get(AgendaPoint, point_id) or abort(404)
    if not can_see_private(current_user, point.meeting.group):
        abort(404)
    return point


def get_action_or_404(action_id: int) -> ActionItem:
    item = db.session.get(ActionItem, action_id) or abort(404)
    if not can_see_private(current_user, item.group):
        abort(404)
    if not can_work_in(current_user, item.group):
        abort(403)
    return item


def meeting_is_locked(meeting: Meeting) -> bool:
    """Once its verbale is approved, a meeting and its attendance change only by rettifica."""
    query = select(Minutes.id).where(
        Minutes.meeting_id == meeting.id,
        Minutes.status == MinutesStatus.APPROVED,
        Minutes.deleted_at.is_(None),
    )
    return db.session.scalar(query) is not None
