"""The home page, the personal dashboard and the health check."""

from flask import Blueprint

bp = Blueprint("home", __name__, template_folder="templates")
