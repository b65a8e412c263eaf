"""Working groups: members with a group role, meetings, attendance, action items, exports."""

from flask import Blueprint

bp = Blueprint("groups", __name__, template_folder="templates")


def _locked_page(_error):
    """409 for any change to a meeting or verbale once the verbale is approved (access.Locked)."""
    from flask import render_template
    from flask_babel import gettext as _

    return render_template(
        "errors/error.html", code=409, title=_("Verbale già approvato"),
        message=_("Il verbale di questo incontro è approvato: incontro, presenze e testo non cambiano più. "
                  "Le correzioni passano da una rettifica del verbale."),
    ), 409  # fmt: skip


from app.groups import routes_actions, routes_groups, routes_meetings  # noqa: E402,F401
from app.groups.access import Locked  # noqa: E402

bp.app_errorhandler(Locked)(_locked_page)
