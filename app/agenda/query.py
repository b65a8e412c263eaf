"""A calendar's filters as they appear in a URL (Italian words), parsed once for pages, embeds and feeds.

The canonical form lists the filters in a fixed order with their normal
values, so that one set of filters always has one feed URL.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import abort, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.agenda import services
from app.agenda.family_filters import MAX_AGE, TIME_SLOTS
from app.agenda.services import Filters
from app.civic_centers.models import AUDIENCE_LABELS, AUDIENCE_SLUGS, CATEGORY_LABELS, CivicCenter
from app.common.formatting import per_language
from app.platform.extensions import db
from app.platform.page_cache import kept_for_generation
from app.towns.models import Town

KEYS = ("comune", "centro", "pubblico", "categoria", "eta", "gratuito", "senza-iscrizione", "momento")
AUDIENCE_BY_SLUG = {slug: audience for audience, slug in AUDIENCE_SLUGS.items()}
YES = "1"


@dataclass(frozen=True)
class Query:
    filters: Filters = field(default_factory=Filters)
    town: Town | None = None
    center: CivicCenter | None = None
    params: dict[str, str] = field(default_factory=dict)  # canonical: KEYS order, normal values

    @property
    def feed_url(self) -> str:
        """The feed with exactly these filters: the named feeds where one exists, else the filtered one."""
        keys = set(self.params)
        if not keys:
            return url_for("agenda.feed_all", _external=True)
        if keys == {"comune"}:
            return url_for("agenda.feed_town", slug=self.params["comune"], _external=True)
        if keys == {"centro"}:
            return url_for("agenda.feed_center", slug=self.params["centro"], _external=True)
        if keys == {"pubblico"}:
            return url_for("agenda.feed_audience", audience=self.params["pubblico"], _external=True)
        return url_for("agenda.feed_filtered", _external=True) + "?" + urlencode(self.params)

    @property
    def name(self) -> str:
        """'Legami – Crema, bambini, 7 anni, gratuito' for the calendar app's list."""
        parts = []
        if self.center:
            parts.append(self.center.name)
        elif self.town:
            parts.append(self.town.name)
        if self.filters.audience:
            parts.append(str(AUDIENCE_LABELS[self.filters.audience]).lower())
        if self.filters.category:
            parts.append(str(CATEGORY_LABELS[self.filters.category]).lower())
        if self.filters.age is not None:
            parts.append(_("%(n)s anni", n=self.filters.age))
        if self.filters.free_only:
            parts.append(_("gratuito"))
        if self.filters.no_registration:
            parts.append(_("senza iscrizione"))
        if self.filters.time_of_day:
            parts.append(_("pomeriggio") if self.filters.time_of_day == "pomeriggio" else _("sera"))
        return _("Legami – %(what)s", what=", ".join(parts)) if parts else _("Legami – tutti gli eventi")


def choices(town: Town | None) -> dict:
    """What the filters offer (agenda/_filter_fields.html): a chosen town's centers only, so the
    page works without JavaScript (legami.js narrows the list at once when the town changes).
    Rows of (slug, name) and (slug, name, town), in that order: the template unpacks them."""
    towns, centers = kept_for_generation(
        "filter choices", (town.id if town else None,), lambda: _places(town)
    )
    return {
        "towns": towns,
        "centers": centers,
        # Translated here, once: a lazy label is translated again each time the template prints it.
        "audiences": per_language("audiences", _audiences),
        "categories": per_language("categories", _categories),
    }


def _audiences() -> tuple:
    return tuple((AUDIENCE_SLUGS[a], str(label)) for a, label in AUDIENCE_LABELS.items())


def _categories() -> tuple:
    return tuple((value, str(label)) for value, label in CATEGORY_LABELS.items())


def _places(town: Town | None) -> tuple[tuple, tuple]:
    """Every town's (slug, name), and every center's (slug, name, town's slug), or the town's only."""
    centers = select(CivicCenter.slug, CivicCenter.name, Town.slug.label("town")).join(CivicCenter.town)
    if town:
        centers = centers.where(CivicCenter.town_id == town.id)
    towns = db.session.execute(select(Town.slug, Town.name).order_by(Town.name))
    return tuple(map(tuple, towns)), tuple(map(tuple, db.session.execute(centers.order_by(CivicCenter.name))))


def _age(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and int(value) <= MAX_AGE else None


def normal(args) -> dict[str, str]:
    """The filters of a query string in canonical form (KEYS order, normal values), read with no
    query: a town's, center's or audience's slug is not looked up here (`parse` does)."""
    age = _age(args.get("eta"))
    values = {
        "comune": args.get("comune") or None, "centro": args.get("centro") or None,
        "pubblico": args.get("pubblico") or None,
        "categoria": args.get("categoria") if args.get("categoria") in CATEGORY_LABELS else None,
        "eta": str(age) if age is not None else None, "gratuito": YES if args.get("gratuito") else None,
        "senza-iscrizione": YES if args.get("senza-iscrizione") else None,
        "momento": args.get("momento") if args.get("momento") in TIME_SLOTS else None,
    }  # fmt: skip
    return {k: values[k] for k in KEYS if values[k] is not None}


def parse(args) -> Query:
    """The filters of a query string; an unknown town, center or audience is a 404, other bad values are ignored."""
    params = normal(args)
    town = services.town_by_slug(params["comune"]) or abort(404) if "comune" in params else None
    center = services.center_by_slug(params["centro"]) or abort(404) if "centro" in params else None
    audience = AUDIENCE_BY_SLUG.get(params["pubblico"]) or abort(404) if "pubblico" in params else None
    filters = Filters(
        town_id=town.id if town else None, center_id=center.id if center else None, audience=audience,
        category=params.get("categoria"), age=int(params["eta"]) if "eta" in params else None,
        free_only="gratuito" in params, no_registration="senza-iscrizione" in params,
        time_of_day=params.get("momento"),
    )  # fmt: skip
    return Query(filters, town, center, params)
