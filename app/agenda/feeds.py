"""Public iCalendar feeds: stable URLs that calendar apps poll every few hours."""

from urllib.parse import urlsplit

from flask import abort, make_response, redirect, request, url_for
from flask_babel import gettext as _

from app.agenda import bp, query, services
from app.agenda.services import Filters
from app.civic_centers.models import AUDIENCE_LABELS, AUDIENCE_SLUGS
from app.extensions import limiter
from app.timeutil import today_in_rome

AUDIENCE_BY_SLUG = {slug: audience for audience, slug in AUDIENCE_SLUGS.items()}


def _activity_url(activity) -> str:
    return url_for(
        "civic_centers.activity_detail", slug=activity.center.slug, activity_id=activity.id, _external=True
    )


def _lab_url(lab) -> str:
    return url_for("labs.detail", slug=lab.slug, _external=True)


def _serve(key: str, filters: Filters, name: str):
    """The feed with ETag and Last-Modified; 304 when the client's copy is current."""
    today = today_in_rome()
    # Event URLs carry the host name: each host has its own cached bytes.
    cache_key = f"{key}@{request.host}"
    built = services.cached_feed(cache_key, filters, name, today, _activity_url, _lab_url)
    response = make_response(built.body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{key.replace(":", "-")}.ics"'
    response.headers["Cache-Control"] = "public, max-age=900"
    response.set_etag(built.etag)
    response.last_modified = built.last_modified
    return response.make_conditional(request)


@bp.route("/ical/tutto.ics")
@limiter.exempt
def feed_all():
    """Every public event."""
    return _serve("tutto", Filters(), _("Legami – tutti gli eventi"))


@bp.route("/ical/centri/<slug>.ics")
@limiter.exempt
def feed_center(slug: str):
    """One civic center."""
    center = services.center_by_slug(slug) or abort(404)
    return _serve(
        f"centro:{center.id}", Filters(center_id=center.id), _("Legami – %(name)s", name=center.name)
    )


@bp.route("/ical/laboratori/<slug>.ics")
@limiter.exempt
def feed_lab(slug: str):
    """One lab's sessions."""
    lab = services.lab_by_slug(slug) or abort(404)
    return _serve(f"laboratorio:{lab.id}", Filters(lab_id=lab.id), _("Legami – %(name)s", name=lab.title))


@bp.route("/ical/comuni/<slug>.ics")
@limiter.exempt
def feed_town(slug: str):
    """One town."""
    town = services.town_by_slug(slug) or abort(404)
    return _serve(f"comune:{town.id}", Filters(town_id=town.id), _("Legami – %(name)s", name=town.name))


@bp.route("/ical/pubblico/<audience>.ics")
@limiter.exempt
def feed_audience(audience: str):
    """One audience: bambini, ragazzi, adulti, anziani, tutti."""
    value = AUDIENCE_BY_SLUG.get(audience) or abort(404)
    label = AUDIENCE_LABELS[value]
    return _serve(
        f"pubblico:{audience}", Filters(audience=value), _("Legami – per %(who)s", who=str(label).lower())
    )


@bp.route("/ical/calendario.ics")
@limiter.exempt
def feed_filtered():
    """Any combination of the calendar's filters; one canonical URL per combination (others redirect)."""
    found = query.parse(request.args)
    canonical = found.feed_url
    asked = request.path + ("?" + request.query_string.decode() if request.query_string else "")
    if urlsplit(canonical)._replace(scheme="", netloc="").geturl() != asked:
        return redirect(canonical, 301)
    key = "filtro:" + "&".join(f"{k}={v}" for k, v in found.params.items())
    return _serve(key, found.filters, found.name)
