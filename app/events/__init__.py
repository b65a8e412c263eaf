"""Each event on its own: one occurrence or session to add to a calendar, and pages to embed."""

from flask import Blueprint

bp = Blueprint("events", __name__, template_folder="templates")
