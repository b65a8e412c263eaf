"""Public home page, the logged-in dashboard, and /salute for load balancers."""

from flask import render_template
from flask_login import login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.home import bp
from app.platform.extensions import db, limiter


@bp.route("/area-riservata")
@login_required
def dashboard():
    """The logged-in user's starting point, with what their roles allow."""
    return render_template("home/dashboard.html")


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
