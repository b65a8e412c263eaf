"""Administration of accounts and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/amministrazione")

from app.admin import routes  # noqa: E402,F401
