"""Forms for centers, their activities, closures and one-off changes."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.calendar.forms import RecurrenceForm, check_plausible
from app.civic_centers.models import AUDIENCE_LABELS, CATEGORY_LABELS, CENTER_KIND_LABELS
from app.common.facts import FamilyFactsForm, fact_fields
from app.common.forms import DATE_MESSAGE, TIME_MESSAGE, BaseForm, text_area
from app.common.forms import ItalianDateField as DateField
from app.common.forms import ItalianTimeField as TimeField
from app.common.text import single_line
from app.platform.versioning import VersionForm


class CenterForm(VersionForm, BaseForm):
    name = StringField(
        _l("Nome del centro"),
        filters=[single_line],
        validators=[
            DataRequired(_l("Scrivi il nome.")),
            Length(max=120, message=_l("Al massimo %(max)d caratteri.")),
        ],
    )
    kind = SelectField(_l("Tipo"), choices=[(k.value, label) for k, label in CENTER_KIND_LABELS.items()])
    town_id = SelectField(_l("Comune"), coerce=int, validate_choice=False)
    zone_id = SelectField(_l("Quartiere (facoltativo)"), coerce=int, validate_choice=False)
    address = StringField(
        _l("Indirizzo"),
        filters=[single_line],
        validators=[
            DataRequired(_l("Scrivi l'indirizzo.")),
            Length(max=200, message=_l("Al massimo %(max)d caratteri.")),
        ],
    )
    description = text_area(_l("Descrizione"), 5000, _l("Puoi usare Markdown: **grassetto**, elenchi, link."))
    accessibility = text_area(
        _l("Accessibilità"), 2000, _l("Per esempio: ingresso senza gradini, bagno accessibile.")
    )
    contact = StringField(
        _l("Contatti"),
        filters=[single_line],
        validators=[Length(max=200, message=_l("Al massimo %(max)d caratteri."))],
    )
    submit = SubmitField(_l("Salva"))


class ManagerForm(BaseForm):
    email = EmailField(
        _l("E-mail della persona da nominare gestore"),
        validators=[
            DataRequired(_l("Scrivi l'indirizzo e-mail.")),
            Length(max=254),
            Email(_l("Scrivi un indirizzo e-mail valido."), check_deliverability=False),
        ],
    )
    submit = SubmitField(_l("Nomina gestore"))


class ActivityForm(VersionForm, FamilyFactsForm, RecurrenceForm):
    title = StringField(
        _l("Titolo"),
        filters=[single_line],
        validators=[
            DataRequired(_l("Scrivi il titolo.")),
            Length(max=120, message=_l("Al massimo %(max)d caratteri.")),
        ],
    )
    description = text_area(
        _l("Descrizione"), 10000, _l("Puoi usare Markdown: **grassetto**, elenchi, link.")
    )
    audience = SelectField(_l("Per chi"), choices=[(a.value, label) for a, label in AUDIENCE_LABELS.items()])
    category = SelectField(_l("Categoria"), choices=list(CATEGORY_LABELS.items()))
    is_free, price, age_min, age_max, step_free_access, hearing_loop = fact_fields()
    registration_required = BooleanField(_l("Serve l'iscrizione"))
    capacity = IntegerField(
        _l("Posti disponibili (facoltativo)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10000, message=_l("I posti devono essere almeno %(min)s.")),
        ],
    )
    accompanying_adult_required = BooleanField(_l("I bambini devono essere accompagnati da un adulto"))
    publish = BooleanField(_l("Pubblica: visibile nel calendario e nei feed"))
    submit = SubmitField(_l("Salva l'attività"))


class ClosureForm(BaseForm):
    start_on = DateField(_l("Chiuso dal"), validators=[InputRequired(DATE_MESSAGE)])
    end_on = DateField(_l("al (compreso)"), validators=[InputRequired(DATE_MESSAGE)])
    reason = StringField(
        _l("Motivo"),
        filters=[single_line],
        validators=[DataRequired(_l("Scrivi il motivo, ad esempio «Vacanze di Natale».")), Length(max=200)],
    )
    submit = SubmitField(_l("Aggiungi la chiusura"))

    def validate_start_on(self, field):
        check_plausible(field)

    def validate_end_on(self, field):
        check_plausible(field)
        if self.start_on.data and field.data:
            if field.data < self.start_on.data:
                raise ValidationError(_l("La fine della chiusura non può essere prima dell'inizio."))
            if (field.data - self.start_on.data).days > 366:
                raise ValidationError(_l("Una chiusura può durare al massimo un anno."))


class CancelOccurrenceForm(BaseForm):
    original_on = DateField(_l("Data da annullare"), validators=[InputRequired(DATE_MESSAGE)])
    reason = StringField(
        _l("Motivo, visibile a tutti"),
        filters=[single_line],
        validators=[DataRequired(_l("Scrivi il motivo dell'annullamento.")), Length(max=200)],
    )
    submit = SubmitField(_l("Annulla questa data"))


class MoveOccurrenceForm(BaseForm):
    original_on = DateField(_l("Data da spostare"), validators=[InputRequired(DATE_MESSAGE)])
    new_on = DateField(_l("Nuova data"), validators=[InputRequired(DATE_MESSAGE)])
    new_start = TimeField(_l("Nuova ora di inizio"), validators=[InputRequired(TIME_MESSAGE)])
    new_end = TimeField(_l("Nuova ora di fine"), validators=[InputRequired(TIME_MESSAGE)])
    reason = StringField(_l("Nota (facoltativa)"), filters=[single_line], validators=[Length(max=200)])
    submit = SubmitField(_l("Sposta questa data"))

    def validate_original_on(self, field):
        check_plausible(field)

    def validate_new_on(self, field):
        check_plausible(field)

    def validate_new_end(self, field):
        if self.new_start.data and field.data and field.data <= self.new_start.data:
            raise ValidationError(_l("L'ora di fine deve essere dopo l'ora di inizio."))


class CancelActivityForm(BaseForm):
    reason = StringField(
        _l("Motivo, visibile a tutti"),
        filters=[single_line],
        validators=[DataRequired(_l("Scrivi il motivo dell'annullamento.")), Length(max=200)],
    )
    submit = SubmitField(_l("Annulla tutta l'attività"))
