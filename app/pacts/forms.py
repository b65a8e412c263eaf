"""Forms of the register. Rules that need the database live in services.py."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.common.forms import BaseForm, CheckboxListField
from app.common.forms import ItalianDateField as DateField
from app.pacts.models import AGE_BANDS, OUTCOME_LABELS, PARTY_LABELS, REVIEW_RESULT_LABELS
from app.platform.versioning import VersionForm

MAX = _l("Al massimo %(max)d caratteri.")


class OperatorsField(CheckboxListField):
    """Checked by the service, which says which town the followers must work in."""

    def pre_validate(self, form):
        pass


def _choices(labels, blank=None):
    options = [(key.value, label) for key, label in labels.items()]
    return ([("", blank)] if blank else []) + options


class PactForm(VersionForm, BaseForm):
    town = SelectField(_l("Comune"), coerce=str, validate_choice=False,
                       validators=[DataRequired(_l("Scegli il Comune del patto."))])  # fmt: skip
    areas = CheckboxListField(_l("Aree di vulnerabilità"))
    start_on = DateField(_l("Data di avvio"), validators=[InputRequired(_l("Indica la data di avvio."))])
    goal = TextAreaField(_l("Obiettivo del patto"), validators=[Length(max=2000, message=MAX)])
    beneficiary_name = StringField(
        _l("Beneficiario: nome e cognome (o nucleo familiare)"),
        validators=[DataRequired(_l("Scrivi il nome del beneficiario.")), Length(max=120, message=MAX)],
    )
    beneficiary_contact = StringField(
        _l("Contatto (telefono o e-mail)"), validators=[Length(max=200, message=MAX)]
    )
    age_band = SelectField(
        _l("Fascia d'età"),
        choices=[("", _l("Scegli la fascia"))] + [(code, label) for code, label, _lo, _hi in AGE_BANDS],
        validators=[DataRequired(_l("Scegli la fascia d'età."))],
    )
    beneficiary_age = IntegerField(
        _l("Età (facoltativa)"),
        validators=[Optional(), NumberRange(0, 120, message=_l("Scrivi un'età tra 0 e 120 anni."))],
    )
    household_size = IntegerField(
        _l("Persone nel nucleo familiare"),
        default=1,
        validators=[
            InputRequired(_l("Indica quante persone compongono il nucleo.")),
            NumberRange(1, 20, message=_l("Il nucleo va da 1 a 20 persone.")),
        ],
    )
    followers = OperatorsField(
        _l("Altri operatori che seguono il patto"),
        description=_l("Solo operatori che lavorano nel Comune del patto."),
    )
    submit = SubmitField(_l("Salva il patto"))

    def validate_beneficiary_age(self, field):
        if field.data is None or not self.age_band.data:
            return
        for code, label, low, high in AGE_BANDS:
            if code == self.age_band.data and (field.data < low or (high is not None and field.data > high)):
                raise ValidationError(
                    _l(
                        "L'età indicata (%(age)s anni) non è nella fascia scelta (%(band)s).",
                        age=field.data,
                        band=label,
                    )
                )


class CommitmentForm(BaseForm):
    party = SelectField(
        _l("Chi si impegna"),
        choices=_choices(PARTY_LABELS, blank=_l("Scegli la parte")),
        validators=[
            DataRequired(_l("Indica chi si impegna: il servizio, la persona o un partner della comunità."))
        ],
    )
    who = StringField(_l("Nome (servizio, persona o partner)"), validators=[Length(max=120, message=MAX)])
    what = TextAreaField(
        _l("Impegno"),
        validators=[DataRequired(_l("Scrivi in cosa consiste l'impegno.")), Length(max=2000, message=MAX)],
    )
    frequency = StringField(_l("Quanto spesso"), validators=[Length(max=80, message=MAX)])
    until_on = DateField(_l("Fino a"), validators=[Optional()])
    submit = SubmitField(_l("Aggiungi l'impegno"))

    def validate_who(self, field):
        if self.party.data == "comunita" and not (field.data or "").strip():
            raise ValidationError(_l("Scrivi il nome del partner della comunità."))


class NoteForm(BaseForm):
    written_on = DateField(_l("Data"), validators=[InputRequired(_l("Indica la data della nota."))])
    body = TextAreaField(
        _l("Nota"),
        validators=[DataRequired(_l("Scrivi il testo della nota.")), Length(max=4000, message=MAX)],
    )
    submit = SubmitField(_l("Aggiungi al diario"))


class ReviewPlanForm(BaseForm):
    planned_on = DateField(
        _l("Data della verifica"), validators=[InputRequired(_l("Indica la data della verifica."))]
    )
    submit = SubmitField(_l("Programma la verifica"))


class ReviewRecordForm(BaseForm):
    held_on = DateField(
        _l("Svolta il"), validators=[InputRequired(_l("Indica quando si è svolta la verifica."))]
    )
    result = SelectField(
        _l("Esito della verifica"),
        choices=_choices(REVIEW_RESULT_LABELS, blank=_l("Scegli l'esito")),
        validators=[DataRequired(_l("Indica l'esito della verifica."))],
    )
    notes = TextAreaField(_l("Cosa è emerso"), validators=[Length(max=4000, message=MAX)])
    submit = SubmitField(_l("Registra la verifica"))


class ActivateForm(BaseForm):
    consent_on = DateField(
        _l("Data in cui il beneficiario ha dato il consenso"),
        validators=[InputRequired(_l("Indica la data del consenso."))],
    )
    submit = SubmitField(_l("Attiva il patto"))


class ConcludeForm(BaseForm):
    outcome = SelectField(
        _l("Esito del patto"),
        choices=_choices(OUTCOME_LABELS, blank=_l("Scegli l'esito")),
        validators=[DataRequired(_l("Indica l'esito del patto."))],
    )
    closed_on = DateField(
        _l("Data di conclusione"), validators=[InputRequired(_l("Indica la data di conclusione."))]
    )
    submit = SubmitField(_l("Concludi il patto"))


class InterruptForm(BaseForm):
    reason = TextAreaField(
        _l("Motivo dell'interruzione"),
        validators=[DataRequired(_l("Scrivi il motivo dell'interruzione.")), Length(max=2000, message=MAX)],
    )
    closed_on = DateField(
        _l("Data dell'interruzione"), validators=[InputRequired(_l("Indica la data dell'interruzione."))]
    )
    submit = SubmitField(_l("Interrompi il patto"))


class LinksForm(BaseForm):
    labs = CheckboxListField(_l("Laboratori di Comunità"))
    activities = CheckboxListField(_l("Attività dei Centri Civici"))
    groups = CheckboxListField(_l("Gruppi di lavoro"))
    submit = SubmitField(_l("Salva i collegamenti"))


class AreaForm(BaseForm):
    name = StringField(
        _l("Nuova area"),
        validators=[DataRequired(_l("Scrivi il nome dell'area.")), Length(max=80, message=MAX)],
    )
    submit = SubmitField(_l("Aggiungi l'area"))


class OperatorTownsForm(BaseForm):
    towns = CheckboxListField(_l("Comuni in cui lavora"))
    submit = SubmitField(_l("Salva i Comuni"))
