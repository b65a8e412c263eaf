"""Working groups: members with a group role, meetings, attendance, action items, exports."""

from flask import Blueprint

bp = Blueprint("groups", __name__, template_folder="templates")
