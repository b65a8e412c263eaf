"""The filters' `<option>`s (agenda/_filter_fields.html), written in Python: the calendar's and the
search's pages list every town and center of the district (150 options), and as a Jinja loop they
cost about as much as the rest of the filters' form. The same HTML the loop printed; each list is
escaped once (the lists are kept per generation of the data: query.choices), not on every page."""

from functools import lru_cache

from markupsafe import Markup, escape


def option_tags(items: tuple, chosen: str | None) -> Markup:
    """`<option>` for each of `items`, rows of (value, label) or (value, label, town's slug: a
    center's, printed as data-comune for legami.js), the `chosen` value selected."""
    tags = "".join(
        f"{start} selected{end}" if value == chosen else start + end for value, start, end in _escaped(items)
    )
    return Markup(tags)  # noqa: S704 - every value in it escaped by _escaped


@lru_cache(maxsize=64)
def _escaped(items: tuple) -> tuple[tuple[str, str, str], ...]:
    """Each item's value and its tag's two halves, around where " selected" goes."""
    found = []
    for value, label, *town in items:
        extra = f' data-comune="{escape(town[0])}"' if town else ""
        found.append((value, f'<option value="{escape(value)}"{extra}', f">{escape(label)}</option>"))
    return tuple(found)
