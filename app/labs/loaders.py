"""One authorising loader per object."""

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from app.labs import services  # the module, not the name: labs.services and events import each other
from app.labs.models import Lab, LabSession, Registration
from app.platform.extensions import db

# Built once: a statement built anew costs SQLAlchemy its cache key again (0.3 ms, most of a lookup).
BY_SLUG = (
    select(Lab).where(Lab.slug == bindparam("slug")).options(joinedload(Lab.town), joinedload(Lab.center))
)
# Only someone signed in may be one of its makers.
BY_SLUG_WITH_MAKERS = BY_SLUG.options(selectinload(Lab.makers))


def get_lab_or_404(slug: str, manage: bool = False) -> Lab:
    """404 when missing or a draft you cannot manage; 403 when managing a lab that is not yours."""
    query = BY_SLUG_WITH_MAKERS if current_user.is_authenticated else BY_SLUG
    lab = db.session.scalar(query, {"slug": slug}) or abort(404)
    allowed = services.can_manage(current_user, lab)
    if not lab.is_public and not allowed:
        abort(404)
    if manage and not allowed:
        abort(403)
    return lab


def get_public_session_or_404(slug: str, session_id: int) -> LabSession:
    """A session of a lab the reader may see (as get_lab_or_404), found by both."""
    lab = get_lab_or_404(slug)
    session = db.session.get(LabSession, session_id)
    # `session.lab` is the lab just loaded (held from here on: no second load of it and its town)
    if session is None or session.lab is not lab:
        abort(404)
    return session


def get_session_or_404(session_id: int) -> LabSession:
    session = db.session.get(LabSession, session_id) or abort(404)
    if not services.can_manage(current_user, session.lab):
        abort(403)
    return session


def get_registration_or_404(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id) or abort(404)
    if not services.can_manage(current_user, registration.lab):
        abort(403)
    return registration
