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

from app.agenda import listing, query
from app.agenda import services as agenda
from app.agenda.subscribe import Subscription
from app.civic_centers.models import CivicCenter
from app.common.timeutil import today_in_rome
from app.events import bp
from app.platform.extensions import db
from app.platform.security import CONTENT_SECURITY_POLICY
from app.towns.models import Town

EMBED_WEEKS = 4
EMBED_PER_DAY = 10


def _render(args):
    found_query = query.parse(args)
    first = today_in_rome()
    last = first + timedelta(weeks=EMBED_WEEKS) - timedelta(days=1)
    filters = found_query.filters
    found = listing.per_day(filters, first, last, EMBED_PER_DAY, with_changes=True).entries
    title = found_query.name.removeprefix("Legami – ") if found_query.params else "Legami"
    page = render_template(
        "events/embed.html", entries=found, title=title,
        full_url=url_for("agenda.calendar", _external=True, **found_query.params),
        subscription=Subscription(found_query.name, found_query.feed_url),
    )  # fmt: skip
    response = current_app.make_response(page)
    ancestors = current_app.config["EMBED_FRAME_ANCESTORS"]
    response.headers["Content-Security-Policy"] = embed_policy(ancestors)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def embed_policy(ancestors: str) -> str:
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
    title = center.name if center else town.name if town else "Legami"
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
