"""Per il tuo tempo's block on the coordinators' dashboard (app/reports), as the pacts do it.

reports/dashboard.html includes conciliation/_dashboard_block.html, which calls
conciliation_dashboard_figures() with the dashboard's own period and town.
"""

from datetime import date

from app.conciliation import bp, figures
from app.reports import period as periods


def dashboard_figures(first: date | None, last: date | None, town_slug: str | None = None):
    """The figures of a period, or None when the period is incomplete."""
    period = periods.of(first, last, town_slug)
    return figures.figures(period) if period else None


bp.add_app_template_global(dashboard_figures, "conciliation_dashboard_figures")
