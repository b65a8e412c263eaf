"""The home page, the personal dashboard and the health check."""

from flask import Blueprint

bp = Blueprint("core", __name__, template_folder="templates")

from app.core import home, routes  # noqa: E402,F401
