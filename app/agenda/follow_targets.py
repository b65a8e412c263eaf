"""What a resident can follow by e-mail: a civic center, a lab or a town, found by its slug
(public ones only: a deleted or draft lab is not found)."""

from sqlalchemy import select

from app.civic_centers.models import CivicCenter
from app.labs.models import Lab
from app.messages.models import Follow
from app.platform.extensions import db
from app.towns.models import Town

TARGETS = {"centro": "center", "laboratorio": "lab", "comune": "town"}
MODELS = {"center": CivicCenter, "lab": Lab, "town": Town}


def target_by_slug(kind: str, slug: str):
    """The followed thing, public only: a center or lab that is deleted or a draft is not found."""
    model = MODELS[kind]
    found = db.session.scalar(select(model).where(model.slug == slug))
    if found is None or not _public(kind, found):
        return None
    return found


def _public(kind: str, found) -> bool:
    return found.is_public if kind == "lab" else True


def target_of(follow: Follow):
    found = db.session.get(MODELS[follow.target], follow.target_id)
    return found if found is not None and _public(follow.target, found) else None
