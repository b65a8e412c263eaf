"""Administration of accounts and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/amministrazione")
