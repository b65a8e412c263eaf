"""Messages: the e-mail outbox, its delivery by a job queue, and the Posta inviata page.

Importing this package loads nothing else (the worker imports app.messages.queue first);
init_app() loads the routes and the kinds of message, after every other feature."""

from flask import Blueprint

bp = Blueprint("messages", __name__, template_folder="templates")


def init_app(app) -> None:
    from app.messages import flows, models, routes, routes_follow, routes_profile, services  # noqa: F401

    app.register_blueprint(bp)
    services.init_app(app)
