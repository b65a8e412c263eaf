"""A day's entries as list items, the calendar's most printed lines (every calendar page, the home,
a center's, an activity's and a lab's page), written in Python: as a Jinja macro each row cost
about 25 µs of attribute lookups, filters and translations, more than the rest of its page's
work for it. The same HTML as the macro it replaces, escaped the same way (Markup's `%` and
`escape`); the words translated once per language.
"""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.common.formatting import clock_time, day_short, format_date, per_language

WORDS = {
    "all_day": _l("Tutto il giorno"),
    "closed": _l("Chiuso"),
    "closed_because": _l("Chiuso – %(reason)s"),
    "moved": _l("Spostato"),
    "moved_to": _l("Spostato a %(day)s, %(time)s."),
    "moved_elsewhere": _l("Spostato ad altra data."),
    "moved_from": _l("Spostato da %(day)s."),
    "cancelled": _l("Annullato"),
    "reason": _l("Motivo:"),
    "add": _l("Aggiungi al mio calendario"),
}


def _words() -> dict[str, Markup]:
    """Translated, taken as markup (as Jinja takes a template's translations)."""
    return {name: Markup(str(text)) for name, text in WORDS.items()}  # noqa: S704 - our catalogue's words


def entry_items(entries, show_center: bool = True, add_url=None) -> Markup:
    """The `<li>` of each entry (services.Entry); `add_url(entry)`: each date's "add to my
    calendar" page (None: no such link)."""
    words = per_language("entry rows", _words)
    items = "".join(_item(entry, show_center, add_url, words) for entry in entries)
    return Markup(items)  # noqa: S704 - every value in it escaped above


def _item(entry, show_center: bool, add_url, w: dict[str, Markup]) -> str:
    occ = entry.occurrence
    title, url = escape(entry.title), escape(entry.url)
    if entry.kind == "closed":
        reason = w["closed_because"] % {"reason": entry.reason} if entry.reason else w["closed"]
        return (
            f'\n  <li class="legami-entry legami-entry-closed">\n'
            f'    <span class="legami-entry-time">{w["all_day"]}</span>\n'
            f'    <a href="{url}">{title}</a> <span class="badge bg-secondary">{w["closed"]}</span>\n'
            f'    <span class="legami-entry-reason">{reason}</span>\n'
            f"  </li>\n  "
        )
    meta = f"{escape(entry.place)} · {escape(entry.label)}" if show_center else escape(entry.label)
    hours = f"{clock_time(occ.start)}–{clock_time(occ.end)}"
    if entry.kind == "moved-from":
        if entry.moved_to:
            where = w["moved_to"] % {"day": day_short(entry.moved_to), "time": clock_time(entry.moved_to)}
        else:
            where = w["moved_elsewhere"]
        if entry.reason:
            where = f"{where} {escape(entry.reason)}"
        return (
            f'\n  <li class="legami-entry legami-entry-moved-from">\n'
            f'    <span class="legami-entry-time"><s>{hours}</s></span>\n'
            f'    <a href="{url}">{title}</a> <span class="badge bg-warning text-dark">{w["moved"]}</span>\n'
            f'    <span class="legami-entry-meta">{meta}</span>\n'
            f'    <span class="legami-entry-reason">{where}</span>\n'
            f"  </li>\n  "
        )
    badge = reason = add = ""
    if occ.is_cancelled:
        badge = f'<span class="badge bg-danger">{w["cancelled"]}</span>'
    elif occ.is_moved:
        badge = f'<span class="badge bg-warning text-dark">{w["moved"]}</span>'
    if occ.is_cancelled and entry.reason:
        reason = f'<span class="legami-entry-reason">{w["reason"]} {escape(entry.reason)}</span>'
    elif occ.is_moved:
        moved = w["moved_from"] % {"day": day_short(occ.original_on)}
        if entry.reason:
            moved = f"{moved} {escape(entry.reason)}"
        reason = f'<span class="legami-entry-reason">{moved}</span>'
    if add_url and not occ.is_cancelled:
        hidden = f"{title}, {escape(format_date(occ.start, 'd MMM y'))}"
        add = (
            f'<a class="legami-entry-add" href="{escape(add_url(entry))}">{w["add"]}'
            f'<span class="visually-hidden">: {hidden}</span></a>'
        )
    cancelled = " legami-entry-cancelled" if occ.is_cancelled else ""
    return (
        f'\n  <li class="legami-entry{cancelled}">\n'
        f'    <span class="legami-entry-time">{hours}</span>\n'
        f'    <a href="{url}">{title}</a>\n'
        f"    {badge}\n"
        f'    <span class="legami-entry-meta">{meta}</span>\n'
        f"    {reason}\n"
        f"    {add}\n"
        f"  </li>\n  "
    )
