"""Who may see, edit, review and approve a verbale; one loader that authorises."""

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.groups import access as group_access
from app.minutes.models import Minutes, MinutesStatus
from app.platform.extensions import db


def can_view(user, minutes: Minutes) -> bool:
    """Public approved verbali for all; anything else for members and coordinators."""
    if minutes.deleted_at is None and minutes.is_public:
        return True
    return group_access.can_see_private(user, minutes.group)


def can_edit(user, minutes: Minutes) -> bool:
    """Members edit drafts; in review only the chair and the secretary; approved: only by rettifica."""
    if minutes.deleted_at is not None or minutes.status == MinutesStatus.APPROVED:
        return False
    if minutes.status == MinutesStatus.REVIEW:
        return group_access.can_publish(user, minutes.group)
    return group_access.can_work_in(user, minutes.group)


def can_attach(user, minutes: Minutes) -> bool:
    """Attachments are part of the verbale: added or removed while it can be edited."""
    return can_edit(user, minutes)


def can_approve(user, minutes: Minutes) -> bool:
    return (
        minutes.deleted_at is None
        and minutes.status == MinutesStatus.REVIEW
        and group_access.can_publish(user, minutes.group)
    )


def can_correct(user, minutes: Minutes) -> bool:
    return (
        minutes.deleted_at is None
        and minutes.status == MinutesStatus.APPROVED
        and group_access.can_publish(user, minutes.group)
    )


def was_present(user, minutes: Minutes) -> bool:
    uid = getattr(user, "id", None)
    return any(a.user_id == uid and a.status == "present" for a in minutes.meeting.attendances)


def can_review(user, minutes: Minutes) -> bool:
    """Those present comment on or approve a verbale in review."""
    return (
        minutes.deleted_at is None
        and minutes.status == MinutesStatus.REVIEW
        and user.is_authenticated
        and was_present(user, minutes)
        and group_access.is_member(user, minutes.group)
    )


def can_delete(user, minutes: Minutes) -> bool:
    """A draft: any member; in review: the chair or the secretary; an approved verbale stays."""
    if minutes.status == MinutesStatus.APPROVED:
        return False
    if minutes.status == MinutesStatus.REVIEW:
        return group_access.can_publish(user, minutes.group)
    return group_access.can_work_in(user, minutes.group)


# Built once: a statement built anew costs SQLAlchemy its cache key again (0.3 ms, most of a lookup).
BY_ID = (
    select(Minutes)
    .where(Minutes.id == bindparam("id"))
    .options(joinedload(Minutes.group), joinedload(Minutes.meeting))
)


def get_minutes_or_404(minutes_id: int, edit: bool = False, slug: str | None = None, trashed: bool = False):
    """404 when missing, in the trash (unless trashed) or not visible; 403 when visible but not editable."""
    minutes = db.session.scalar(BY_ID, {"id": minutes_id}) or abort(404)
    if slug is not None and minutes.group.slug != slug:
        abort(404)
    if (minutes.deleted_at is not None) != trashed:
        abort(404)
    if trashed:
        if not group_access.can_see_private(current_user, minutes.group):
            abort(404)
        if not can_delete(current_user, minutes):
            abort(403)
        return minutes
    if not can_view(current_user, minutes):
        abort(404)
    if edit and not can_edit(current_user, minutes):
        abort(403)
    return minutes
