"""The register's block on the coordinators' dashboard (app/reports), kept apart to merge easily.

reports/dashboard.html includes pacts/_dashboard_block.html, which calls
pact_dashboard_figures() with the dashboard's own period and town.
"""

from datetime import date

from flask import current_app
from sqlalchemy import select

from app.pacts import bp, figures
from app.platform.extensions import db
from app.towns.models import Town


def dashboard_figures(first: date | None, last: date | None, town_slug: str | None = None):
    """The pacts' figures of a period, or None when the period is incomplete."""
    if not first or not last:
        return None
    town_id = db.session.scalar(select(Town.id).where(Town.slug == town_slug)) if town_slug else None
    return figures.figures(figures.Period(first, last, town_id), current_app.config["PACT_YEARLY_TARGET"])


bp.add_app_template_global(dashboard_figures, "pact_dashboard_figures")
