"""Forms shared by every feature."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    FormField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    ValidationError,
    widgets,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length

from app.common import widget_params
from app.common.text import clean_line, clean_text

widget_params.install()


def _text_or_empty(value):
    return "" if value is None else value


class CleanMeta(DefaultMeta):
    """Every field of every form gets app/common/text.py's cleaning as its last filter, and a
    text field left out of a post reads as empty (as when sent blank), never None:
    multi-line text keeps its line breaks, passwords are left as typed
    (a FieldList or FormField cleans through the fields it encloses)."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if not issubclass(field_class, (PasswordField, FieldList, FormField)):
            clean = clean_text if issubclass(field_class, TextAreaField) else clean_line
            filters = [*unbound_field.kwargs.get("filters", ()), clean]
            if issubclass(field_class, StringField):
                filters.append(_text_or_empty)  # a text field left out of a post reads as empty
            options = {**options, "filters": filters}
        return super().bind_field(form, unbound_field, options)


class BaseForm(FlaskForm):
    """The app's form: Flask-WTF (CSRF) plus input cleaning. Every form derives from it."""

    class Meta(CleanMeta):
        pass


class EmptyForm(BaseForm):
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


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        # WTForms' Italian catalogue lacks this message.
        allowed = {str(value) for value, _label in self.choices}
        for value in self.data or []:
            if str(value) not in allowed:
                raise ValidationError(_l("«%(value)s» non è una scelta valida.", value=value))


def text_area(label, limit, description=None):
    return TextAreaField(
        label,
        validators=[Length(max=limit, message=_l("Il testo è troppo lungo: al massimo %(max)d caratteri."))],
        description=description,
    )


class NamedExportForm(BaseForm):
    """An export with people's names (pacts, voucher applications, statements): only with a reason,
    which the audit log records beside the export."""

    reason = TextAreaField(
        _l("Motivo dell'esportazione con i nomi"),
        validators=[
            DataRequired(_l("Scrivi il motivo: l'esportazione con i nomi viene registrata.")),
            Length(min=15, max=180, message=_l("Scrivi un motivo tra 15 e 180 caratteri.")),
        ],
    )
    fmt = SelectField(_l("Formato"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")])
    submit = SubmitField(_l("Esporta con i nomi"))
