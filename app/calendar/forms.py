"""The recurrence fields shared by activity and lab-session forms, with their rules."""

from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, ValidationError
from wtforms.validators import InputRequired, NumberRange, Optional

from app.calendar.occurrences import MAX_COUNT, Frequency, Recurrence
from app.common.forms import DATE_MESSAGE, TIME_MESSAGE, BaseForm, CheckboxListField
from app.common.forms import ItalianDateField as DateField
from app.common.forms import ItalianTimeField as TimeField
from app.common.timeutil import today_in_rome

MAX_SERIES_DAYS = 2 * 366
# Dates a center or a lab may plan: a year typed wrong (1900, 2200) is refused,
# so it reaches neither the calendar nor the coordinators' figures.
PLAUSIBLE_YEARS_BACK = 2
PLAUSIBLE_YEARS_AHEAD = 3


def plausible_range(today: date) -> tuple[date, date]:
    return date(today.year - PLAUSIBLE_YEARS_BACK, 1, 1), date(today.year + PLAUSIBLE_YEARS_AHEAD, 12, 31)


def check_plausible(field) -> None:
    """Refuse, with the accepted range in the message, a date far from today."""
    if field.data is None:
        return
    first, last = plausible_range(today_in_rome())
    if not first <= field.data <= last:
        raise ValidationError(
            _("Scegli una data tra il %(first)s e il %(last)s.", first=format_date(first, "d MMMM y"),
              last=format_date(last, "d MMMM y"))
        )  # fmt: skip


WEEKDAY_LABELS = [_l("lunedì"), _l("martedì"), _l("mercoledì"), _l("giovedì"), _l("venerdì"), _l("sabato"), _l("domenica")]  # fmt: skip
MONTH_WEEK_LABELS = [(1, _l("il primo")), (2, _l("il secondo")), (3, _l("il terzo")), (4, _l("il quarto")), (-1, _l("l'ultimo"))]  # fmt: skip


class RecurrenceForm(BaseForm):
    """When something happens: a date and times, and how it repeats (bounded)."""

    start_on = DateField(_l("Data del primo incontro"), validators=[InputRequired(DATE_MESSAGE)])
    start_time = TimeField(_l("Ora di inizio"), validators=[InputRequired(TIME_MESSAGE)])
    end_time = TimeField(_l("Ora di fine"), validators=[InputRequired(TIME_MESSAGE)])
    freq = SelectField(
        _l("Si ripete"),
        choices=[
            (Frequency.NONE, _l("Non si ripete")),
            (Frequency.WEEKLY, _l("Ogni settimana, nei giorni scelti")),
            (
                Frequency.MONTHLY,
                _l("Ogni mese, in un giorno della settimana (per esempio il secondo martedì)"),
            ),
        ],
    )
    interval = IntegerField(
        _l("Ogni quante settimane (o mesi)"),
        default=1,
        validators=[
            InputRequired(_l("Scrivi ogni quante settimane si ripete.")),
            NumberRange(min=1, max=12, message=_l("Scegli un numero da %(min)s a %(max)s.")),
        ],
    )
    weekdays = CheckboxListField(
        _l("Giorni della settimana"), coerce=int, choices=list(enumerate(WEEKDAY_LABELS))
    )
    month_week = SelectField(_l("Quale settimana del mese"), coerce=int, choices=MONTH_WEEK_LABELS)
    month_weekday = SelectField(_l("Quale giorno"), coerce=int, choices=list(enumerate(WEEKDAY_LABELS)))
    until_on = DateField(_l("Ultima data (facoltativa)"), validators=[Optional()])
    count = IntegerField(
        _l("Oppure: numero di incontri"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_COUNT, message=_l("Scegli un numero da %(min)s a %(max)s.")),
        ],
    )

    def validate_start_on(self, field):
        check_plausible(field)

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("L'ora di fine deve essere dopo l'ora di inizio."))

    def validate_weekdays(self, field):
        if self.freq.data == Frequency.WEEKLY and not field.data:
            raise ValidationError(_l("Scegli almeno un giorno della settimana."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        message = self._series_end_error()
        if message:
            self.until_on.errors = [*self.until_on.errors, message]
            return False
        return valid

    def _series_end_error(self):
        """A repeating series must end: by a last date (within two years) or a count."""
        until, start = self.until_on.data, self.start_on.data
        if self.freq.data == Frequency.NONE or not start or self.until_on.errors or self.count.errors:
            return None
        if until and until < start:
            return _l("L'ultima data non può essere prima della data di inizio.")
        if until and until > start + timedelta(days=MAX_SERIES_DAYS):
            return _l("Una serie può durare al massimo due anni: scegli un'ultima data più vicina.")
        if not until and not self.count.data:
            return _l("Indica quando finisce: un'ultima data o un numero di incontri.")
        if until and self.count.data:
            return _l("Indica l'ultima data oppure il numero di incontri, non entrambi.")
        return None

    def recurrence(self) -> Recurrence:
        """The validated rule as plain data."""
        freq = self.freq.data
        return Recurrence(
            freq=freq,
            interval=self.interval.data if freq != Frequency.NONE else 1,
            weekdays=tuple(sorted(self.weekdays.data or [])) if freq == Frequency.WEEKLY else (),
            month_week=self.month_week.data if freq == Frequency.MONTHLY else None,
            month_weekday=self.month_weekday.data if freq == Frequency.MONTHLY else None,
            until=self.until_on.data if freq != Frequency.NONE else None,
            count=self.count.data if freq != Frequency.NONE and not self.until_on.data else None,
        )
