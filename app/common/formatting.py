"""Template filters: dates and times the Italian way, in Europe/Rome; the templates' `_()`.

Flask-Babel looks the locale and the catalogue up again on every `_()` and
every date it formats (about 0.1 ms each on a busy machine): a month of the
calendar made some 800 such calls. Here a request looks them up once (kept in
`g`) and Babel formats with them: the same words, the same dates.
"""

from datetime import UTC, date, datetime, time
from functools import lru_cache

from babel import dates
from flask import Flask, g
from flask_babel import format_time, get_locale, get_timezone, get_translations

from app.common.markup import render_markdown
from app.common.timeutil import ROME


def clock_time(value) -> str:
    """HH:mm, as Babel's pattern gives it, without Babel's cost (it ran for every row of a calendar)."""
    if not value:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(ROME).strftime("%H:%M")
    if isinstance(value, time) and value.tzinfo is None:
        return value.strftime("%H:%M")
    return format_time(value, "HH:mm")  # naive datetimes: Flask-Babel's own rule


REQUEST_I18N = "legami_i18n"


def _i18n():
    """(translations, locale, time zone) of this request, looked up once."""
    found = g.get(REQUEST_I18N)
    if found is None:
        found = (get_translations(), get_locale(), get_timezone())
        setattr(g, REQUEST_I18N, found)
    return found


_TRANSLATED: dict[tuple[str, str], object] = {}


def per_language(name: str, build):
    """What `build()` gives (labels translated into the request's language), built once per
    language in this process: translating a dozen lazy labels costs as much as a page's row, on
    every request (the catalogues are read once, when the app starts)."""
    key = (name, str(_i18n()[1]))
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = build()
    return found


def format_date(value, pattern: str) -> str:
    """Flask-Babel's format_date, with the locale looked up once: a datetime's day in the request's
    time zone (a naive one is UTC), a date as it is."""
    _, locale, zone = _i18n()
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone).date()
    return _day_words(value, pattern, locale)


@lru_cache(maxsize=8192)
def _day_words(day: date, pattern: str, locale) -> str:
    """A day in words (Babel's, 10 µs a call): the same few hundred days fill every calendar page."""
    return dates.format_date(day, pattern, locale=locale)


def day_short(value) -> str:
    """A day of the current week or month as the calendar's rows name it ("giovedì 9")."""
    return format_date(value, "EEEE d") if value else ""


def format_datetime(value, pattern: str) -> str:
    """Flask-Babel's format_datetime: shown in the request's time zone (a naive value is UTC)."""
    _, locale, zone = _i18n()
    return dates.format_datetime(value, pattern, tzinfo=zone, locale=locale)


def _install_gettext(app: Flask) -> None:
    """The templates' `_()`, `ngettext()`... as Flask-Babel installs them, with the catalogue looked up once."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _i18n()[0].ugettext(s),
        ngettext=lambda s, p, n: _i18n()[0].ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _i18n()[0].upgettext(c, s),
        npgettext=lambda c, s, p, n: _i18n()[0].unpgettext(c, s, p, n),
    )


def init_app(app: Flask) -> None:
    """After Flask-Babel's init_app (its callables are replaced here)."""
    _install_gettext(app)
    app.jinja_env.tests["date"] = lambda v: isinstance(v, date)
    # "giovedì 9 aprile 2014, 14:30"
    app.add_template_filter(lambda v: format_datetime(v, "EEEE d MMMM y, HH:mm") if v else "", "datetime")
    app.add_template_filter(lambda v: format_date(v, "EEEE d MMMM y") if v else "", "date")
    app.add_template_filter(lambda v: format_date(v, "d MMM y") if v else "", "shortdate")
    app.add_template_filter(clock_time, "time")
    app.add_template_filter(lambda v: format_date(v, "LLLL y") if v else "", "monthname")
    app.add_template_filter(day_short, "dayshort")
    # Wall-clock values stored without a zone are already Europe/Rome.
    app.add_template_filter(
        lambda v: format_datetime(v.replace(tzinfo=ROME), "EEEE d MMMM y, HH:mm") if v else "",
        "localdatetime",
    )
    app.add_template_filter(render_markdown, "markdown")
