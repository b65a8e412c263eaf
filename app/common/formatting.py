"""Template filters: dates and times the Italian way, in Europe/Rome."""

from datetime import date, datetime, time

from flask import Flask
from flask_babel import format_date, format_datetime, format_time

from app.common.markup import render_markdown
from app.common.timeutil import ROME


def _time(value) -> str:
    """HH:mm, as Babel's pattern gives it, without Babel's cost (it ran for every row of a calendar)."""
    if not value:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(ROME).strftime("%H:%M")
    if isinstance(value, time) and value.tzinfo is None:
        return value.strftime("%H:%M")
    return format_time(value, "HH:mm")  # naive datetimes: Flask-Babel's own rule


def init_app(app: Flask) -> None:
    app.jinja_env.tests["date"] = lambda v: isinstance(v, date)
    # "giovedì 9 aprile 2014, 14:30"
    app.add_template_filter(lambda v: format_datetime(v, "EEEE d MMMM y, HH:mm") if v else "", "datetime")
    app.add_template_filter(lambda v: format_date(v, "EEEE d MMMM y") if v else "", "date")
    app.add_template_filter(lambda v: format_date(v, "d MMM y") if v else "", "shortdate")
    app.add_template_filter(_time, "time")
    app.add_template_filter(lambda v: format_date(v, "LLLL y") if v else "", "monthname")
    app.add_template_filter(lambda v: format_date(v, "EEEE d") if v else "", "dayshort")
    # Wall-clock values stored without a zone are already Europe/Rome.
    app.add_template_filter(
        lambda v: format_datetime(v.replace(tzinfo=ROME), "EEEE d MMMM y, HH:mm") if v else "",
        "localdatetime",
    )
    app.add_template_filter(render_markdown, "markdown")
