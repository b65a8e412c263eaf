"""Patti Gener-Attivi: the confidential register of support pacts.

Only the operators of a pact and the coordinators see it; every read of its
personal data is logged (see access.py). Nothing of a pact is public except
the counts of the year.
"""

from flask import Blueprint

bp = Blueprint("pacts", __name__, template_folder="templates", static_folder="static", url_prefix="/patti")


@bp.after_request
def never_cache(response):
    """No browser, proxy or shared cache keeps a page of the register."""
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Pragma"] = "no-cache"
    return response
