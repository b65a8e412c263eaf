"""Public pages: the list of centers, one center with its calendar, one activity."""

from datetime import timedelta

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from app.agenda import listing
from app.agenda import services as agenda
from app.agenda.subscribe import subscription
from app.calendar import words
from app.calendar.occurrences import Schedule
from app.civic_centers import bp
from app.civic_centers.jsonld import activity_events, center_place
from app.civic_centers.loaders import get_activity_or_404, get_center_or_404
from app.civic_centers.models import CivicCenter
from app.civic_centers.services import can_create_centers, can_manage
from app.civic_centers.upcoming_changes import WINDOW_DAYS, upcoming_changes
from app.common.timeutil import today_in_rome
from app.events.urls import activity_add_url
from app.platform import paging
from app.platform.extensions import db
from app.platform.page_cache import keep_not, page_number, public_page
from app.platform.urls import FILL, url_filler
from app.towns.models import Town

CENTER_WEEKS = 4
CENTER_PER_DAY = 10  # a busier day links to the calendar's day view
ACTIVITY_DATES = 8 * 7 * 2  # an activity's next 8 weeks: a date a day, and a move's both ends
PER_PAGE = 30  # centers on a page of the index, as groups and labs


def _index_key(args) -> tuple:
    return (args.get("comune", ""), *page_number(args))


@bp.route("/centri/")
@public_page(args=_index_key)
def index():
    """Civic centers, optionally of one town, 30 a page."""
    query = (
        select(CivicCenter)
        .join(CivicCenter.town)
        .options(contains_eager(CivicCenter.town), selectinload(CivicCenter.zone))
    )
    town = None
    if request.args.get("comune"):
        town = agenda.town_by_slug(request.args["comune"])
        query = query.where(CivicCenter.town_id == (town.id if town else -1))
        if town is None:
            keep_not()  # a made-up town: an empty list, not kept once per spelling
    page = paging.paginate(query.order_by(Town.name, CivicCenter.name, CivicCenter.id), PER_PAGE)
    towns = db.session.scalars(
        select(Town).where(Town.id.in_(select(CivicCenter.town_id))).order_by(Town.name)
    ).all()
    return render_template(
        "civic_centers/index.html",
        page=page,
        towns=towns,
        town=town,
        can_create=can_create_centers(current_user),
    )


def _activity_url(activity) -> str:
    return url_for("civic_centers.activity_detail", slug=activity.center.slug, activity_id=activity.id)


@bp.route("/centri/<slug>")
@public_page()
def detail(slug: str):
    """One center: its next weeks of activities and its feed."""
    center = get_center_or_404(slug)
    first = today_in_rome()
    shown = listing.per_day(
        agenda.Filters(center_id=center.id),
        first,
        first + timedelta(weeks=CENTER_WEEKS),
        CENTER_PER_DAY,
        with_changes=True,
    )
    day_url = url_filler("agenda.calendar", vista="giorno", dal=FILL, centro=center.slug)
    more = {day: (n, day_url(day.isoformat())) for day, n in shown.more.items()}
    # The box of changes reads the rules of the center's activities with something to announce in
    # its days (bounded by the center and the window, not the district nor its history); loading
    # any loads the center's closures too, read next with no query of their own.
    window = (first, first + timedelta(days=WINDOW_DAYS - 1))
    activities = agenda.center_announcing(center.id, *window)
    closures = [c for c in center.closures if c.end_on >= first]
    notices = upcoming_changes(center, activities, first, _activity_url)
    return render_template(
        "civic_centers/detail.html", center=center, entries=shown.entries, more=more, closures=closures,
        subscription=subscription(center=center), can_manage=can_manage(current_user, center),
        jsonld=center_place(center, context=True), notices=notices, notice_days=WINDOW_DAYS,
    )  # fmt: skip


@bp.route("/centri/<slug>/attivita/<int:activity_id>")
@public_page()
def activity_detail(slug: str, activity_id: int):
    """One activity: what a family asks before going, and its next dates."""
    activity = get_activity_or_404(activity_id, slug=slug, rules=False)
    first = today_in_rome()
    last = first + timedelta(weeks=8)
    if activity.is_public:  # the stored occurrences, with closed days and both ends of a move
        occurrences = listing.upcoming(
            agenda.Filters(activity_id=activity.id), first, last, ACTIVITY_DATES, with_changes=True
        )
    else:  # a draft its managers look at: not stored as public
        occurrences = agenda.entries([activity], first, last)
    dated = [e.occurrence for e in occurrences if not e.kind]
    rule = Schedule(activity.start_on, activity.start_time, activity.end_time, activity.recurrence)
    return render_template(
        "civic_centers/activity.html", activity=activity, center=activity.center, entries=occurrences,
        jsonld=activity_events(activity, dated[:10]), add_url=activity_add_url(activity),
        rule_words=words.describe(rule),
        subscription=subscription(center=activity.center), can_manage=can_manage(current_user, activity.center),
    )  # fmt: skip
