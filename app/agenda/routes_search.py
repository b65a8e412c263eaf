"""/cerca: public activities, labs and centers found by their words, with the calendar's filters."""

from flask import render_template, request, url_for

from app.agenda import bp, query, search
from app.platform.page_cache import keep_not, public_page

MAX_QUERY = 200


def _words(args) -> str:
    return args.get("q", "").strip()[:MAX_QUERY]


def _page_key(args) -> tuple:
    """The words and the calendar's filters in canonical form (the page cache's key)."""
    return _words(args), tuple(query.normal(args).items())


@bp.route("/cerca")
@public_page(args=_page_key)
def search_page():
    """The words typed (q) and the calendar's filters; an unknown town, center or audience is a 404.

    Only the page without words is kept: every visitor's words would be an entry of their own,
    pushing the pages many people read out of the cache."""
    words = _words(request.args)
    if words:
        keep_not()
    found_query = query.parse(request.args)
    found = search.find(words, found_query.filters)
    params = found_query.params
    return render_template(
        "agenda/search.html", q=words, found=found, limit=search.LIMIT, params=params,
        calendar_url=url_for("agenda.calendar", **params), searched=bool(search.words_of(words)),
        **query.choices(found_query.town),
    )  # fmt: skip
