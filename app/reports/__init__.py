"""Coordinators' dashboard: the figures funders ask for, the rows behind them, exports."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/coordinamento")
