"""Forms shared by every feature."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SubmitField, TimeField


class EmptyForm(FlaskForm):
    """Only the CSRF token: for buttons that change state (logout, deactivate...)."""

    submit = SubmitField(_l("Conferma"))


DATE_MESSAGE = _l("Scrivi una data valida (giorno, mese, anno).")
TIME_MESSAGE = _l("Scrivi un orario valido, ad esempio 16:30.")


class ItalianDateField(DateField):
    """A date field whose parse error says, in Italian, what to write."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(DATE_MESSAGE)) from error


class ItalianTimeField(TimeField):
    """A time field whose parse error says, in Italian, what to write."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(TIME_MESSAGE)) from error
