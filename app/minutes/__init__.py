"""Verbali (minutes) of working-group meetings: review, approval, revisions, trash, search."""

from flask import Blueprint

bp = Blueprint(
    "minutes",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/verbali",
)
