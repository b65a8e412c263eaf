"""The period and town a coordinators' page covers: one home for the dashboard's figures and for
the pacts' figures (app/pacts/routes_figures.py, app/pacts/dashboard.py), read from the query string."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField, ValidationError

from app.common.forms import BaseForm
from app.common.forms import ItalianDateField as DateField
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from app.towns.models import Town

MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    town_id: int | None = None


class PeriodForm(BaseForm):
    class Meta:
        csrf = False  # a GET form: it only reads

    dal = DateField(_l("Dal"))
    al = DateField(_l("Al"))
    comune = SelectField(_l("Comune"), validate_choice=False)

    def validate_al(self, field):
        if self.dal.data and field.data:
            if field.data < self.dal.data:
                raise ValidationError(_l("La data finale non può essere prima di quella iniziale."))
            if field.data - self.dal.data > timedelta(days=MAX_DAYS):
                raise ValidationError(_l("Scegli un periodo di al massimo cinque anni."))


PERIOD_FIELDS = ("dal", "al", "comune")


def period_args(args) -> dict:
    """The period's own values of a query string, for the links of a page: nothing
    else (no `_method`, `endpoint`, `_anchor` or `_external`) reaches url_for."""
    return {name: args[name] for name in PERIOD_FIELDS if isinstance(args.get(name), str)}


def default_period(today: date) -> dict:
    return {"dal": date(today.year, 1, 1), "al": today}


def from_request(args) -> tuple[PeriodForm, Period | None]:
    """The period and town of a query string (this year so far by default), or None with the
    form's errors; an unknown town is a 404."""
    # A missing date (e.g. an export link with only "tipo") takes the default.
    form = PeriodForm(args, data=default_period(today_in_rome()))
    towns = db.session.scalars(select(Town).order_by(Town.name)).all()
    form.comune.choices = [("", _("Tutti i Comuni"))] + [(t.slug, t.name) for t in towns]
    if not form.validate() or not form.dal.data or not form.al.data:
        return form, None
    town = next((t for t in towns if t.slug == form.comune.data), None)
    if form.comune.data and town is None:
        abort(404)
    return form, Period(form.dal.data, form.al.data, town.id if town else None)


def of(first: date | None, last: date | None, town_slug: str | None = None) -> Period | None:
    """The period of a page that already read its dates (the dashboard's blocks), or None when incomplete."""
    if not first or not last:
        return None
    town_id = db.session.scalar(select(Town.id).where(Town.slug == town_slug)) if town_slug else None
    return Period(first, last, town_id)


def subject(period: Period, town_slug: str = "") -> str:
    """How an export's audit entry names the period."""
    return f"{period.first.isoformat()}–{period.last.isoformat()}" + (f" {town_slug}" if town_slug else "")
