"""One authorising loader per object."""

from functools import lru_cache

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from app.civic_centers.models import Activity, CivicCenter, Closure
from app.civic_centers.services import can_manage
from app.platform.extensions import db

# Built once: a statement built anew costs SQLAlchemy its cache key again (0.3 ms, most of a lookup).
CENTER_BY_SLUG = (
    select(CivicCenter).where(CivicCenter.slug == bindparam("slug")).options(joinedload(CivicCenter.town))
)
# Only who is signed in may manage: a visitor's page needs no list.
CENTER_WITH_MANAGERS = CENTER_BY_SLUG.options(selectinload(CivicCenter.managers))


def get_center_or_404(slug: str, manage: bool = False) -> CivicCenter:
    """404 when missing; 403 when managing a center that is not yours."""
    query = CENTER_WITH_MANAGERS if current_user.is_authenticated else CENTER_BY_SLUG
    center = db.session.scalar(query, {"slug": slug}) or abort(404)
    if manage and not can_manage(current_user, center):
        abort(403)
    return center


def get_activity_or_404(
    activity_id: int, manage: bool = False, slug: str | None = None, rules: bool = True
) -> Activity:
    """404 when missing, in another center's URL, or not public and not yours; 403 when not yours to manage.

    `rules`: load the center's closures and the activity's changes with it (the pages that show
    them or compute dates from them); the public page of a published activity reads its stored
    dates instead, and a draft's loads them when it computes its dates."""
    activity = db.session.scalar(_activity_query(rules, current_user.is_authenticated), {"id": activity_id})
    activity = activity or abort(404)
    if slug is not None and activity.center.slug != slug:
        abort(404)
    allowed = can_manage(current_user, activity.center)
    if not activity.is_public and not allowed:
        abort(404)
    if manage and not allowed:
        abort(403)
    return activity


def get_closure_or_404(closure_id: int) -> Closure:
    closure = db.session.get(Closure, closure_id) or abort(404)
    if not can_manage(current_user, closure.center):
        abort(403)
    return closure


@lru_cache(maxsize=4)
def _activity_query(rules: bool, signed_in: bool):
    """One query for the activity, its center and town; the center's closures and the activity's
    changes in one more each; its managers for who is signed in. Built once per variant."""
    options = [joinedload(Activity.center).joinedload(CivicCenter.town)]
    if rules:
        options += [
            joinedload(Activity.center).selectinload(CivicCenter.closures),
            selectinload(Activity.changes),
        ]
    if signed_in:
        options.append(joinedload(Activity.center).selectinload(CivicCenter.managers))
    return select(Activity).where(Activity.id == bindparam("id")).options(*options)
