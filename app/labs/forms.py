"""Forms for labs, their sessions, sign-ups and attendance."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.calendar.forms import RecurrenceForm, check_plausible
from app.common.facts import FamilyFactsForm, fact_fields
from app.common.forms import DATE_MESSAGE, TIME_MESSAGE, BaseForm, text_area
from app.common.forms import ItalianDateField as DateField
from app.common.forms import ItalianTimeField as TimeField
from app.common.text import single_line
from app.labs.models import LAB_STATUS_LABELS, THEME_LABELS
from app.messages.forms import MailAddress
from app.platform.versioning import VersionForm

PHONE = re.compile(r"^\+?[0-9 ./-]{6,20}$")


class LabForm(VersionForm, FamilyFactsForm, BaseForm):
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
    theme = SelectField(_l("Tema"), choices=list(THEME_LABELS.items()))
    town_id = SelectField(_l("Comune"), coerce=int, validate_choice=False)
    zone_id = SelectField(_l("Quartiere (facoltativo)"), coerce=int, validate_choice=False)
    center_id = SelectField(_l("Centro Civico che ospita (facoltativo)"), coerce=int, validate_choice=False)
    venue = StringField(
        _l("Oppure: luogo degli incontri"), filters=[single_line], validators=[Length(max=200)],
        description=_l("Per esempio: Sala civica, Via Roma 3."),
    )  # fmt: skip
    partners = text_area(_l("Organizzazioni partner"), 2000)
    capacity = IntegerField(
        _l("Posti"),
        default=20,
        validators=[
            InputRequired(_l("Scrivi quanti posti ci sono.")),
            NumberRange(min=1, max=10000, message=_l("I posti devono essere almeno %(min)s.")),
        ],
    )
    has_waiting_list = BooleanField(_l("Lista d'attesa quando i posti finiscono"), default=True)
    is_for_children = BooleanField(
        _l(
            "Per bambini: i nomi si registrano solo con il consenso di un genitore, altrimenti si contano le presenze"
        )
    )
    is_free, price, age_min, age_max, step_free_access, hearing_loop = fact_fields()
    status = SelectField(_l("Stato"), choices=[(k.value, v) for k, v in LAB_STATUS_LABELS.items()])
    submit = SubmitField(_l("Salva il laboratorio"))

    def validate(self, extra_validators=None):
        """A lab for children says for which ages: the calendar's age filter offers it by them
        (a lab without ages is offered to adults only)."""
        valid = super().validate(extra_validators)
        if self.is_for_children.data and self.age_min.data is None and self.age_max.data is None:
            message = _l("Per un laboratorio per bambini indica le età (almeno una delle due).")
            self.age_min.errors = [*self.age_min.errors, message]
            return False
        return valid


class SessionPlanForm(RecurrenceForm):
    submit = SubmitField(_l("Aggiungi gli incontri"))


class SessionCancelForm(BaseForm):
    reason = StringField(
        _l("Motivo, visibile a tutti"), filters=[single_line],
        validators=[DataRequired(_l("Scrivi il motivo dell'annullamento.")), Length(max=200)],
    )  # fmt: skip
    submit = SubmitField(_l("Annulla l'incontro"))


class SessionMoveForm(VersionForm, BaseForm):
    start_on = DateField(_l("Nuova data"), validators=[InputRequired(DATE_MESSAGE)])
    start_time = TimeField(_l("Ora di inizio"), validators=[InputRequired(TIME_MESSAGE)])
    end_time = TimeField(_l("Ora di fine"), validators=[InputRequired(TIME_MESSAGE)])
    submit = SubmitField(_l("Sposta l'incontro"))

    def validate_start_on(self, field):
        check_plausible(field)

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("L'ora di fine deve essere dopo l'ora di inizio."))


class MakerForm(BaseForm):
    email = EmailField(
        _l("E-mail del co-maker"),
        validators=[
            DataRequired(_l("Scrivi l'indirizzo e-mail.")),
            Length(max=254),
            Email(_l("Scrivi un indirizzo e-mail valido."), check_deliverability=False),
        ],
    )
    submit = SubmitField(_l("Aggiungi"))


class RegistrationForm(BaseForm):
    full_name = StringField(
        _l("Nome e cognome"), filters=[single_line],
        validators=[DataRequired(_l("Scrivi nome e cognome.")), Length(max=120, message=_l("Al massimo %(max)d caratteri."))],
    )  # fmt: skip
    email = EmailField(
        _l("E-mail"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            Optional(),
            Length(max=254),
            Email(message=_l("Questo non è un indirizzo e-mail valido."), check_deliverability=False),
            MailAddress(),
        ],
        description=_l("Ti scriviamo un messaggio: l'iscrizione vale quando la confermi da lì."),
    )
    phone = StringField(_l("Oppure telefono"), filters=[single_line], validators=[Optional(), Length(max=32)])
    note = TextAreaField(
        _l("Nota per chi organizza (facoltativa)"),
        validators=[Length(max=500, message=_l("Al massimo %(max)d caratteri."))],
    )
    guardian_consent = BooleanField(
        _l("Sono il genitore o chi ne fa le veci e acconsento a registrare il nome del bambino")
    )
    submit = SubmitField(_l("Iscriviti"))

    def validate_phone(self, field):
        if field.data and not PHONE.match(field.data):
            raise ValidationError(_l("Scrivi un numero di telefono valido, ad esempio 0373 123456."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            message = _l(
                "Lascia un'e-mail o un numero di telefono, per ricevere un avviso se qualcosa cambia."
            )
            self.email.errors = [*self.email.errors, message]
            return False
        return valid


class HeadcountForm(BaseForm):
    headcount = IntegerField(
        _l("Persone presenti (conteggio)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=10000, message=_l("Scrivi un numero da %(min)s a %(max)s.")),
        ],
    )
    walk_ins = TextAreaField(
        _l("Persone non iscritte, una per riga (facoltativo)"),
        validators=[Length(max=5000, message=_l("Al massimo %(max)d caratteri."))],
    )
    submit = SubmitField(_l("Salva le presenze"))
