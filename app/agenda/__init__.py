"""The public calendar (/calendario) and the iCalendar feeds (/ical/...)."""

from flask import Blueprint

bp = Blueprint("agenda", __name__, template_folder="templates")
