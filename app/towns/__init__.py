"""Towns (Comuni) and zones (quartieri), managed by administrators."""

from flask import Blueprint

bp = Blueprint("towns", __name__, template_folder="templates", url_prefix="/amministrazione")
