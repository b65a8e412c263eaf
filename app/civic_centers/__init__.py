"""Civic Centers and their activities: public pages and managers' pages."""

from flask import Blueprint

bp = Blueprint("civic_centers", __name__, template_folder="templates")
