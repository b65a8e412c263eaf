"""The period and town a report covers."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, ValidationError

from app.forms import ItalianDateField as DateField

MAX_DAYS = 5 * 366


class PeriodForm(FlaskForm):
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


def default_period(today: date) -> dict:
    return {"dal": date(today.year, 1, 1), "al": today}
