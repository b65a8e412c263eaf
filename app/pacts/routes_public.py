"""The only public page of the register: how many pacts this year, and nothing else."""

from flask import current_app, render_template

from app.common.timeutil import today_in_rome
from app.pacts import bp, figures
from app.reports.period import Period


@bp.route("/in-numeri")
def public_counts():
    """Counts of the current year across every town: no town, no area, no row."""
    today = today_in_rome()
    period = Period(today.replace(month=1, day=1), today)
    result = figures.figures(period, current_app.config["PACT_YEARLY_TARGET"])
    return render_template(
        "pacts/public.html", year=today.year, opened=result.opened, active=result.active,
        concluded=result.concluded, target=result.target,
    )  # fmt: skip
