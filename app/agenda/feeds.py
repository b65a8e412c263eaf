"""Public iCalendar feeds: stable URLs that calendar apps poll every few hours."""

from urllib.parse import urlsplit

from flask import Response, abort, current_app, make_response, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.http import is_resource_modified

from app.agenda import bp, query, services
from app.agenda.feed_build import build_feed
from app.agenda.feed_memory import memory
from app.agenda.services import Filters
from app.civic_centers.models import AUDIENCE_LABELS, AUDIENCE_SLUGS
from app.common.timeutil import today_in_rome
from app.platform.extensions import limiter

AUDIENCE_BY_SLUG = {slug: audience for audience, slug in AUDIENCE_SLUGS.items()}


# An activity id no page has: the activity URL is built once per center and this replaced.
PLACEHOLDER_ID = 987654321


def public_origin() -> str:
    """Scheme and host (with its port, if any) of PUBLIC_URL: the feeds' event URLs point there,
    whatever Host header the request came with, so one feed is one cached row, not one per Host
    or port a client chooses to send."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _url_builders():
    """The events' external URLs by (center slug, activity id) and by lab slug.

    url_for once per center and per lab, not once per event: a feed lists
    thousands of events from a hundred centers.
    """
    centers, labs = {}, {}
    origin = public_origin()

    def activity_url(slug: str, activity_id: int) -> str:
        if slug not in centers:
            url = origin + url_for("civic_centers.activity_detail", slug=slug, activity_id=PLACEHOLDER_ID)
            centers[slug] = url.split(str(PLACEHOLDER_ID))
        parts = centers[slug]
        if len(parts) != 2:  # the placeholder is also in the center's slug
            return origin + url_for("civic_centers.activity_detail", slug=slug, activity_id=activity_id)
        return f"{parts[0]}{activity_id}{parts[1]}"

    def lab_url(slug: str) -> str:
        if slug not in labs:
            labs[slug] = origin + url_for("labs.detail", slug=slug)
        return labs[slug]

    return activity_url, lab_url


def _built(cache_key: str, filters: Filters, name):
    """(bytes or None when the client's copy is current, ETag, Last-Modified).

    The fingerprint (two aggregate queries) and the stored head (one small
    query) decide, or the head this process checked in the last seconds (no
    query); a 304 reads no body at all, a warm feed comes from this process's
    memory, and only a change rebuilds.
    """
    today = today_in_rome()
    head = memory().head(cache_key)
    # `name` may be a lazy string: translated only when the feed must be checked or built.
    print_ = head.fingerprint if head is not None else services.fingerprint(filters, str(name), today)
    head = head or services.stored_head(cache_key)
    if head is not None and head.fingerprint == print_:
        memory().keep_head(cache_key, head)
        if not is_resource_modified(request.environ, etag=head.etag, last_modified=head.last_modified):
            return None, head.etag, head.last_modified
        body = memory().get(cache_key, head.etag) or services.stored_body(cache_key, head.etag)
        if body is not None:
            memory().put(cache_key, head.etag, body)
            return body, head.etag, head.last_modified
    built = build_feed(cache_key, filters, str(name), today, print_, head, *_url_builders())
    memory().put(cache_key, built.etag, built.body)
    memory().keep_head(cache_key, services.FeedHead(print_, built.etag, built.last_modified))
    return built.body, built.etag, built.last_modified


def _serve(key: str, filters: Filters, name):
    """The feed with ETag and Last-Modified; 304 when the client's copy is current."""
    # Event URLs carry the public address (never the request's Host): one cached feed for all.
    body, etag, last_modified = _built(f"{key}@{urlsplit(public_origin()).netloc}", filters, name)
    if body is None:  # _built compared the client's validators already
        response = Response(status=304)
    else:
        response = make_response(body)
        response.headers["Content-Type"] = "text/calendar; charset=utf-8"
        response.headers["Content-Disposition"] = f'inline; filename="{key.replace(":", "-")}.ics"'
    response.headers["Cache-Control"] = "public, max-age=900"
    response.set_etag(etag)
    response.last_modified = last_modified
    return response if body is None else response.make_conditional(request)


@bp.route("/ical/tutto.ics")
@limiter.exempt
def feed_all():
    """Every public event."""
    return _serve("tutto", Filters(), _l("Legami – tutti gli eventi"))


@bp.route("/ical/centri/<slug>.ics")
@limiter.exempt
def feed_center(slug: str):
    """One civic center."""
    center = services.center_by_slug(slug) or abort(404)
    return _serve(
        f"centro:{center.id}", Filters(center_id=center.id), _l("Legami – %(name)s", name=center.name)
    )


@bp.route("/ical/laboratori/<slug>.ics")
@limiter.exempt
def feed_lab(slug: str):
    """One lab's sessions."""
    lab = services.lab_by_slug(slug) or abort(404)
    return _serve(f"laboratorio:{lab.id}", Filters(lab_id=lab.id), _l("Legami – %(name)s", name=lab.title))


@bp.route("/ical/comuni/<slug>.ics")
@limiter.exempt
def feed_town(slug: str):
    """One town."""
    town = services.town_by_slug(slug) or abort(404)
    return _serve(f"comune:{town.id}", Filters(town_id=town.id), _l("Legami – %(name)s", name=town.name))


@bp.route("/ical/pubblico/<audience>.ics")
@limiter.exempt
def feed_audience(audience: str):
    """One audience: bambini, ragazzi, adulti, anziani, tutti."""
    value = AUDIENCE_BY_SLUG.get(audience) or abort(404)
    label = AUDIENCE_LABELS[value]
    return _serve(
        f"pubblico:{audience}", Filters(audience=value), _l("Legami – per %(who)s", who=str(label).lower())
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
