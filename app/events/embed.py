"""Pages made to be framed by a Comune's own website: one center, one town, or any calendar filter.

Only these pages may be framed (CSP frame-ancestors widened here alone, from
EMBED_FRAME_ANCESTORS); they are read-only, carry no form and no session, so
framing them exposes nothing a visitor could be tricked into doing.
"""

from datetime import timedelta

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select

from app.agenda import services as agenda
from app.agenda.subscribe import subscription
from app.civic_centers.models import AUDIENCE_LABELS, AUDIENCE_SLUGS, CATEGORY_LABELS, CivicCenter
from app.events import bp
from app.extensions import db
from app.timeutil import today_in_rome
from app.towns.models import Town

EMBED_WEEKS = 4
FILTER_KEYS = ("comune", "centro", "pubblico", "categoria")
AUDIENCE_BY_SLUG = {slug: audience for audience, slug in AUDIENCE_SLUGS.items()}


def _filters(args):
    """The page's filters from its query; an unknown town, center or audience is a 404."""
    town = agenda.town_by_slug(args["comune"]) or abort(404) if args.get("comune") else None
    center = agenda.center_by_slug(args["centro"]) or abort(404) if args.get("centro") else None
    audience = AUDIENCE_BY_SLUG.get(args["pubblico"]) or abort(404) if args.get("pubblico") else None
    category = args.get("categoria") if args.get("categoria") in CATEGORY_LABELS else None
    filters = agenda.Filters(
        town_id=town.id if town else None, center_id=center.id if center else None,
        audience=audience, category=category,
    )  # fmt: skip
    return filters, town, center, audience, category


def _title(town, center, audience, category) -> str:
    parts = [center.name if center else town.name if town else "Legami"]
    if audience:
        parts.append(str(AUDIENCE_LABELS[audience]))
    if category:
        parts.append(str(CATEGORY_LABELS[category]))
    return " – ".join(parts)


def _render(args):
    filters, town, center, audience, category = _filters(args)
    first = today_in_rome()
    last = first + timedelta(weeks=EMBED_WEEKS) - timedelta(days=1)
    found = agenda.entries(
        agenda.public_activities(filters), first, last, agenda.public_sessions(filters, first, last)
    )
    params = {k: args[k] for k in FILTER_KEYS if args.get(k)}
    page = render_template(
        "events/embed.html", entries=found, title=_title(town, center, audience, category),
        full_url=url_for("agenda.calendar", _external=True, **params),
        subscription=subscription(town=town, center=center, audience=params.get("pubblico")),
    )  # fmt: skip
    response = current_app.make_response(page)
    ancestors = current_app.config["EMBED_FRAME_ANCESTORS"]
    response.headers["Content-Security-Policy"] = embed_policy(ancestors)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def embed_policy(ancestors: str) -> str:
    from app.security import CONTENT_SECURITY_POLICY

    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors 'self' {ancestors}")


@bp.route("/incorpora/calendario")
def embed_calendar():
    """The next four weeks for any calendar filter (comune, centro, pubblico, categoria), to be framed."""
    return _render(request.args)


@bp.route("/incorpora/centri/<slug>")
def embed_center(slug: str):
    """One center's next four weeks, to be framed."""
    return _render({"centro": slug})


@bp.route("/incorpora/comuni/<slug>")
def embed_town(slug: str):
    """One town's next four weeks, to be framed."""
    return _render({"comune": slug})


@bp.route("/calendario/incorpora")
def embed_builder():
    """For a Comune's web editor: choose a town or a center, copy the snippet."""
    towns = db.session.scalars(select(Town).order_by(Town.name)).all()
    centers = db.session.scalars(select(CivicCenter).order_by(CivicCenter.name)).all()
    town = center = None
    if request.args.get("centro"):
        center = agenda.center_by_slug(request.args["centro"]) or abort(404)
        url = url_for("events.embed_center", slug=center.slug, _external=True)
    elif request.args.get("comune"):
        town = agenda.town_by_slug(request.args["comune"]) or abort(404)
        url = url_for("events.embed_town", slug=town.slug, _external=True)
    else:
        url = url_for("events.embed_calendar", _external=True)
    title = _title(town, center, None, None)
    return render_template(
        "events/embed_builder.html", towns=towns, centers=centers, town=town, center=center,
        embed_url=url, snippet=embed_snippet(url, _("Calendario %(name)s", name=title)),
    )  # fmt: skip


@bp.app_template_global()
def embed_snippet(url: str, title: str) -> str:
    """The HTML a Comune pastes into its site (shown as text): an iframe with a title, lazy, borderless."""
    return (
        f'<iframe src="{escape(url)}" title="{escape(title)}" width="100%" height="640" '
        'loading="lazy" style="border:0"></iframe>'
    )
