"""Messages: the e-mail outbox, its delivery by a job queue, and the Posta inviata page."""

from flask import Blueprint

bp = Blueprint("messages", __name__, template_folder="templates")

from app.messages import (  # noqa: E402,F401
    flows,
    models,
    routes,
    routes_follow,
    routes_profile,
)
