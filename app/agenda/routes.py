"""The combined public calendar: list (default), week and month views, with filters."""

from datetime import date, timedelta

from flask import render_template, request, url_for

from app.agenda import bp, entry_rows, filter_options, listing, query, services
from app.agenda.subscribe import Subscription, subscription
from app.civic_centers.models import AUDIENCE_SLUGS
from app.common.timeutil import today_in_rome
from app.platform.page_cache import public_page
from app.platform.urls import FILL, url_filler

VIEWS = ("lista", "settimana", "mese", "giorno")
LIST_DAYS = 14
# At district scale a day holds hundreds of occurrences: each view shows at
# most this many a day and links the rest ("altri N eventi") to the day view,
# which pages through them.
PER_DAY = {"lista": 10, "settimana": 10, "mese": 3}
DAY_PAGE = 50
MAX_YEARS_AWAY = 20  # a "dal" further away than this shows today
AUDIENCE_BY_SLUG = {slug: audience for audience, slug in AUDIENCE_SLUGS.items()}


def _window(view: str, start: date) -> tuple[date, date, date, date]:
    """(first, last, previous start, next start) of the view around start."""
    if view == "settimana":
        first = start - timedelta(days=start.weekday())
        return first, first + timedelta(days=6), first - timedelta(days=7), first + timedelta(days=7)
    if view == "giorno":
        return start, start, start - timedelta(days=1), start + timedelta(days=1)
    if view == "mese":
        first = start.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        return first, following - timedelta(days=1), previous, following
    return (
        start,
        start + timedelta(days=LIST_DAYS - 1),
        start - timedelta(days=LIST_DAYS),
        start + timedelta(days=LIST_DAYS),
    )


def _view_and_start(args) -> tuple[str, date]:
    view = args.get("vista", "lista") if args.get("vista") in VIEWS else "lista"
    today = today_in_rome()
    try:
        start = date.fromisoformat(args["dal"]) if args.get("dal") else today
    except ValueError:
        start = today
    if abs((start - today).days) > MAX_YEARS_AWAY * 366:
        start = today  # nothing is planned that far away, and dates near year 1 or 9999 cannot be paged
    return view, start


def _page_number(args) -> int:
    number = args.get("pagina", "1")
    return min(int(number), 10_000) if number.isdigit() and int(number) > 0 else 1


def _page_key(args) -> tuple:
    """What the calendar page reads from its address, canonical and with no query (the page cache's key)."""
    view, start = _view_and_start(args)
    return view, start, _page_number(args) if view == "giorno" else 1, tuple(query.normal(args).items())


def _parse_args():
    """The filters in the URL; an unknown town, center or audience is a 404."""
    view, start = _view_and_start(request.args)
    return view, start, query.parse(request.args)


bp.add_app_template_filter(services.by_day, "by_day")
bp.add_app_template_global(entry_rows.entry_items, "entry_items")
bp.add_app_template_global(filter_options.option_tags, "option_tags")


@bp.route("/calendario")
@public_page(args=_page_key)
def calendar():
    """All public occurrences, filtered by town, center, audience and category."""
    view, start, found_query = _parse_args()
    filters, town, center = found_query.filters, found_query.town, found_query.center
    first, last, previous, following = _window(view, start)
    params = found_query.params
    page = more = closed = None
    if view == "giorno":
        page = listing.one_day(filters, first, _page_number(request.args), DAY_PAGE)
        found = page.entries
    else:
        # A day's closed centers past the entries a day the view shows (at Christmas, about a
        # hundred) are one line, a count: the day view names each of them.
        shown = listing.per_day(filters, first, last, PER_DAY[view], with_changes=True, fold_closed=True)
        found = shown.entries
        day_url = url_filler("agenda.calendar", vista="giorno", dal=FILL, **params)
        more = {day: (n, day_url(day.isoformat())) for day, n in shown.more.items()}
        closed = {day: (n, day_url(day.isoformat())) for day, n in shown.closed.items()}
    return render_template(
        "agenda/calendar.html",
        view=view, first=first, last=last, entries=found, today=today_in_rome(), page=page, more=more, closed=closed,
        page_url=lambda n: url_for("agenda.calendar", vista="giorno", dal=first.isoformat(), pagina=n, **params),
        days=[first + timedelta(days=n) for n in range((last - first).days + 1)],
        previous_url=url_for("agenda.calendar", vista=view, dal=previous.isoformat(), **params),
        next_url=url_for("agenda.calendar", vista=view, dal=following.isoformat(), **params),
        view_urls={v: url_for("agenda.calendar", vista=v, dal=start.isoformat(), **params) for v in VIEWS},
        params=params, town=town, center=center,
        **query.choices(town),
        subscription=Subscription(found_query.name, found_query.feed_url), family=found_query.filters,
    )  # fmt: skip


@bp.route("/calendario/come-iscriversi")
def subscribe_help():
    """How to subscribe to a feed in each common calendar app."""
    return render_template("agenda/subscribe_help.html", subscription=subscription())
