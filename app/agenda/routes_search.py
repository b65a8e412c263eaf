"""/cerca: public activities, labs and centers found by their words, with the calendar's filters."""

from flask import render_template, request, url_for

from app.agenda import bp, query, search
from app.platform.page_cache import echoed, public_page

MAX_QUERY = 200


def _words(args) -> str:
    """The words as typed (the page shows them so)."""
    return args.get("q", "").strip()[:MAX_QUERY]


def _page_key(args) -> tuple:
    """The page cache's key: whether words were typed, the words as searched for (another case,
    order or punctuation finds the same things: one entry) and the calendar's filters, canonical."""
    typed = _words(args)
    return bool(typed), search.words_of(typed), tuple(query.normal(args).items())


def _segment(args) -> str | None:
    """Pages with words are kept apart, under their own bound: made-up words push out only one another."""
    return "search" if _words(args) else None


@bp.route("/cerca")
@public_page(args=_page_key, segment=_segment, echo=_words)
def search_page():
    """The words typed (q) and the calendar's filters; an unknown town, center or audience is a 404."""
    words = _words(request.args)
    found_query = query.parse(request.args)
    found = search.find(words, found_query.filters)
    params = found_query.params
    return render_template(
        "agenda/search.html", q=echoed(words), found=found, limit=search.LIMIT, params=params,
        calendar_url=url_for("agenda.calendar", **params), searched=bool(search.words_of(words)),
        **query.choices(found_query.town),
    )  # fmt: skip
