"""The period and town a report covers."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, ValidationError

from app.common.forms import BaseForm
from app.common.forms import ItalianDateField as DateField

MAX_DAYS = 5 * 366


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
