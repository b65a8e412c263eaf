"""/cerca: public activities, labs and centers found by their words, with the calendar's filters."""

from flask import render_template, request, url_for

from app.agenda import bp, query, search
from app.platform.page_cache import public_page

MAX_QUERY = 200


@bp.route("/cerca")
@public_page()
def search_page():
    """The words typed (q) and the calendar's filters; an unknown town, center or audience is a 404."""
    words = request.args.get("q", "").strip()[:MAX_QUERY]
    found_query = query.parse(request.args)
    found = search.find(words, found_query.filters)
    params = found_query.params
    return render_template(
        "agenda/search.html", q=words, found=found, limit=search.LIMIT, params=params,
        calendar_url=url_for("agenda.calendar", **params), searched=bool(search.words_of(words)),
        **query.choices(found_query.town),
    )  # fmt: skip
