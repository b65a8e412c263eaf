"""Public home page, the logged-in dashboard, and /salute for load balancers."""

from datetime import timedelta

from flask import render_template
from flask_login import login_required
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from app.agenda import services as agenda
from app.core import bp
from app.extensions import db, limiter
from app.timeutil import today_in_rome
from app.towns.models import Town

HOME_DAYS = 7


@bp.route("/")
def index():
    """What is on today and this week, and the towns Legami covers."""
    towns = db.session.scalars(select(Town).options(selectinload(Town.zones)).order_by(Town.name)).all()
    first = today_in_rome()
    last = first + timedelta(days=HOME_DAYS - 1)
    everything = agenda.Filters()
    week = agenda.entries(
        agenda.public_activities(everything), first, last, agenda.public_sessions(everything, first, last)
    )
    return render_template(
        "core/index.html",
        towns=towns,
        today=[e for e in week if e.occurrence.start.date() == first],
        later=[e for e in week if e.occurrence.start.date() != first],
    )


@bp.route("/area-riservata")
@login_required
def dashboard():
    """The logged-in user's starting point, with what their roles allow."""
    return render_template("core/dashboard.html")


@bp.route("/salute")
@limiter.exempt
def health():
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:  # any failure to reach the database means "unhealthy"
        db.session.rollback()
        return {"stato": "errore", "database": "non raggiungibile"}, 503
    return {"stato": "ok", "database": "ok"}, 200
