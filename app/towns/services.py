"""Rules for towns and zones: unique names, stable slugs. No request, no commit."""

from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.platform.extensions import db
from app.platform.signals import place_changed
from app.towns.models import Town, Zone


def unique_slug(name: str, taken) -> str:
    """A URL slug for name, suffixed -2, -3... until taken(slug) is False."""
    base = slugify(name, max_length=70) or "comune"
    slug, n = base, 2
    while taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


def town_name_taken(name: str, exclude_id: int | None = None) -> bool:
    query = select(Town.id).where(func.lower(Town.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(Town.id != exclude_id)
    return db.session.scalar(query) is not None


def zone_name_taken(town: Town, name: str, exclude_id: int | None = None) -> bool:
    return any(z.name.lower() == name.strip().lower() and z.id != exclude_id for z in town.zones)


def create_town(name: str, province: str, district: str) -> Town:
    """A new town; its slug is chosen once and kept, since feed URLs use it."""
    slug = unique_slug(name, lambda s: db.session.scalar(select(Town.id).where(Town.slug == s)) is not None)
    town = Town(name=name.strip(), slug=slug, province=province.upper(), district=district.strip())
    db.session.add(town)
    db.session.flush()
    return town


def update_town(town: Town, name: str, province: str, district: str) -> None:
    """Rename a town; the slug stays, so subscribed feeds keep working."""
    town.name = name.strip()
    town.province = province.upper()
    town.district = district.strip()
    place_changed.send(town)


def add_zone(town: Town, name: str) -> Zone:
    slugs = {z.slug for z in town.zones}
    zone = Zone(name=name.strip(), slug=unique_slug(name, slugs.__contains__))
    town.zones.append(zone)
    db.session.flush()
    return zone


def delete_town(town: Town) -> None:
    db.session.delete(town)


# --- a place picked in a form (centers, labs) ---------------------------------

PLACE_ERRORS = {
    "town": _l("Scegli un Comune dell'elenco."),
    "zone": _l("Il quartiere scelto non è di questo Comune."),
}


class PlaceError(ValueError):
    """The town is unknown ('town') or the zone is not in it ('zone')."""


def town_choices() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in db.session.scalars(select(Town).order_by(Town.name))]


def zone_choices() -> list[tuple[int, str]]:
    """Every zone, named with its town; 0 means none."""
    zones = db.session.scalars(select(Zone).options(selectinload(Zone.town)).order_by(Zone.name))
    return [(0, "—")] + [(z.id, f"{z.name} ({z.town.name})") for z in zones]


def resolve_place(town_id: int | None, zone_id: int | None) -> tuple[Town, Zone | None]:
    """The town and optional zone chosen in a form, checked together."""
    town = db.session.get(Town, town_id) if town_id else None
    if town is None:
        raise PlaceError("town")
    zone = db.session.get(Zone, zone_id) if zone_id else None
    if zone is not None and zone.town_id != town.id:
        raise PlaceError("zone")
    return town, zone


def place_error(form, error: PlaceError) -> None:
    """Show a PlaceError on the form's town_id or zone_id field."""
    field = form.town_id if str(error) == "town" else form.zone_id
    field.errors = [*field.errors, str(PLACE_ERRORS[str(error)])]
