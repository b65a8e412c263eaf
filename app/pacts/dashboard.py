"""The register's block on the coordinators' dashboard (app/reports), kept apart to merge easily.

reports/dashboard.html includes pacts/_dashboard_block.html, which calls
pact_dashboard_figures() with the dashboard's own period and town.
"""

from datetime import date

from flask import current_app

from app.pacts import bp, figures
from app.reports import period as periods


def dashboard_figures(first: date | None, last: date | None, town_slug: str | None = None):
    """The pacts' figures of a period, or None when the period is incomplete."""
    period = periods.of(first, last, town_slug)
    return figures.figures(period, current_app.config["PACT_YEARLY_TARGET"]) if period else None


bp.add_app_template_global(dashboard_figures, "pact_dashboard_figures")
