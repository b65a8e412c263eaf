"""The public calendar (/calendario) and the iCalendar feeds (/ical/...)."""

from flask import Blueprint

bp = Blueprint("agenda", __name__, template_folder="templates")


@bp.record_once
def _setup(state) -> None:
    from app.agenda import feed_memory
    from app.agenda.cli import occurrences_cli

    feed_memory.init_app(state.app)
    state.app.cli.add_command(occurrences_cli)


from app.agenda import feeds, personal, routes, store  # noqa: E402,F401
