"""The marketplace's forms: provider, staff, category, service, alliance company, joining the
alliance, an order, a refusal. Money fields read Italian amounts into cents (money.py)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.common.forms import BaseForm, CheckboxListField, ItalianDateField, ItalianTimeField, text_area
from app.conciliation import taxcodes
from app.conciliation.models import UNIT_LABELS
from app.conciliation.money import MoneyError, cents_to_input, parse_cents
from app.platform.versioning import VersionForm

REQUIRED = _l("Questo campo è obbligatorio.")
EMAIL = Email(_l("Scrivi un indirizzo e-mail valido."), check_deliverability=False)
WEEKDAYS = [("0", _l("lunedì")), ("1", _l("martedì")), ("2", _l("mercoledì")), ("3", _l("giovedì")),
            ("4", _l("venerdì")), ("5", _l("sabato")), ("6", _l("domenica"))]  # fmt: skip


class MoneyField(Field):
    """An amount in euro typed the Italian way; `data` is whole cents (or None when left empty)."""

    widget = widgets.TextInput()

    def process_formdata(self, valuelist):
        self.raw_text = (valuelist or [""])[0]
        if not self.raw_text.strip():
            self.data = None
            return
        try:
            self.data = parse_cents(self.raw_text)
        except MoneyError as error:
            self.data = None
            raise ValueError(
                str(_l("Scrivi un importo in euro, ad esempio 12,50 (non negativo)."))
            ) from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return cents_to_input(self.data) if isinstance(self.data, int) else ""


class WholeNumberField(IntegerField):
    """A whole number whose parse error says, in Italian, what to write."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Scrivi un numero intero, ad esempio 2."))) from error


class ProviderForm(VersionForm, BaseForm):
    submit = SubmitField(_l("Salva"))
    name = StringField(_l("Nome"), validators=[DataRequired(REQUIRED), Length(max=160)])
    tax_code = StringField(
        _l("Partita IVA o codice fiscale"), validators=[DataRequired(REQUIRED), Length(max=20)],
        filters=[taxcodes.normalise],
    )  # fmt: skip
    email = EmailField(
        _l("E-mail per gli ordini"), validators=[DataRequired(REQUIRED), EMAIL, Length(max=254)]
    )
    phone = StringField(_l("Telefono"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Indirizzo"), validators=[Optional(), Length(max=200)])
    description = text_area(_l("Chi siete e cosa fate"), 2000)
    towns = CheckboxListField(
        _l("Comuni serviti"), coerce=int, validators=[DataRequired(_l("Scegli almeno un Comune."))]
    )

    def validate_tax_code(self, field):
        if not taxcodes.is_valid(field.data):
            raise ValidationError(_l("Partita IVA o codice fiscale non valido: controlla le cifre."))


class StateForm(BaseForm):
    submit = SubmitField(_l("Conferma"))
    reason = StringField(_l("Motivo"), validators=[Optional(), Length(max=300)])


class StaffForm(BaseForm):
    submit = SubmitField(_l("Aggiungi al personale"))
    email = EmailField(
        _l("E-mail della persona"), validators=[DataRequired(REQUIRED), EMAIL, Length(max=254)],
        description=_l("Deve avere già un account su Legami."),
    )  # fmt: skip


class CategoryForm(BaseForm):
    submit = SubmitField(_l("Aggiungi la categoria"))
    name = StringField(_l("Nome della categoria"), validators=[DataRequired(REQUIRED), Length(max=80)])


class ServiceForm(VersionForm, BaseForm):
    submit = SubmitField(_l("Salva il servizio"))
    category = SelectField(_l("Categoria"), coerce=int, validators=[InputRequired(REQUIRED)])
    title = StringField(_l("Titolo"), validators=[DataRequired(REQUIRED), Length(max=120)])
    description = text_area(_l("Descrizione"), 3000)
    unit = SelectField(_l("Unità"), choices=[(k.value, v) for k, v in UNIT_LABELS.items()])
    full_cents = MoneyField(_l("Prezzo pieno (€ per unità)"), validators=[InputRequired(REQUIRED)])
    alliance_cents = MoneyField(_l("Prezzo alleanza (€ per unità)"), validators=[InputRequired(REQUIRED)])
    lead_hours = WholeNumberField(
        _l("Preavviso (ore)"),
        validators=[InputRequired(_l("Scrivi un numero di ore.")),
                    NumberRange(0, 720, _l("Il preavviso va da 0 a 720 ore."))],
    )  # fmt: skip
    weekdays = CheckboxListField(_l("Giorni prenotabili"), choices=WEEKDAYS,
                                 validators=[DataRequired(_l("Scegli almeno un giorno."))])  # fmt: skip
    opens_at = ItalianTimeField(_l("Dalle"), validators=[InputRequired(REQUIRED)])
    closes_at = ItalianTimeField(_l("Alle"), validators=[InputRequired(REQUIRED)])
    towns = CheckboxListField(
        _l("Comuni raggiunti"), coerce=int, validators=[DataRequired(_l("Scegli almeno un Comune."))]
    )
    is_active = BooleanField(
        _l("Ordinabile"),
        description=_l(
            "Tolto il segno, il servizio esce dal catalogo e non si ordina più: gli ordini già fatti restano."
        ),
    )

    def validate_alliance_cents(self, field):
        if (
            isinstance(field.data, int)
            and isinstance(self.full_cents.data, int)
            and field.data > self.full_cents.data
        ):
            raise ValidationError(_l("Il prezzo alleanza non può superare il prezzo pieno."))

    def validate_full_cents(self, field):
        if field.data == 0:
            raise ValidationError(_l("Il prezzo pieno deve essere maggiore di zero."))

    def validate_closes_at(self, field):
        if (
            self.opens_at.data
            and field.data
            and field.data.hour * 60 + field.data.minute
            < (self.opens_at.data.hour * 60 + self.opens_at.data.minute + 60)
        ):
            raise ValidationError(_l("L'orario di chiusura deve essere almeno un'ora dopo l'apertura."))


class CompanyForm(VersionForm, BaseForm):
    submit = SubmitField(_l("Salva l'azienda"))
    name = StringField(_l("Nome dell'azienda"), validators=[DataRequired(REQUIRED), Length(max=160)])
    domains = StringField(
        _l("Domini e-mail"), validators=[DataRequired(REQUIRED), Length(max=300)],
        description=_l("Separati da virgole, ad esempio azienda.it, gruppo-azienda.it"),
        filters=[lambda v: ",".join(d.strip().lower().lstrip("@") for d in (v or "").split(",") if d.strip())],
    )  # fmt: skip
    hr_name = StringField(_l("Referente del personale"), validators=[Optional(), Length(max=120)])
    hr_email = EmailField(_l("E-mail del referente"), validators=[Optional(), EMAIL, Length(max=254)])
    joined_on = ItalianDateField(_l("Nell'alleanza dal"), validators=[InputRequired(REQUIRED)])
    left_on = ItalianDateField(_l("Uscita il"), validators=[Optional()])

    def validate_domains(self, field):
        for domain in field.data.split(","):
            if "." not in domain or " " in domain or "@" in domain:
                raise ValidationError(_l("«%(d)s» non è un dominio e-mail.", d=domain))

    def validate_left_on(self, field):
        if field.data and self.joined_on.data and field.data <= self.joined_on.data:
            raise ValidationError(_l("L'uscita deve venire dopo l'ingresso nell'alleanza."))


class JoinForm(BaseForm):
    submit = SubmitField(_l("Invia la richiesta"))
    company = SelectField(_l("Azienda"), coerce=int, validators=[InputRequired(REQUIRED)])
    method = SelectField(_l("Come lo dimostri"), choices=[
        ("domain", _l("Con il mio indirizzo e-mail di lavoro")),
        ("hr", _l("Lo conferma l'ufficio del personale")),
    ])  # fmt: skip
    work_email = EmailField(_l("Indirizzo e-mail di lavoro"), validators=[Optional(), EMAIL, Length(max=254)])


class OrderForm(BaseForm):
    submit = SubmitField(_l("Invia l'ordine"))
    town = SelectField(_l("Comune"), coerce=int, validators=[InputRequired(REQUIRED)])
    day = ItalianDateField(_l("Giorno"), validators=[InputRequired(REQUIRED)])
    start = SelectField(_l("Ora di inizio"), validators=[InputRequired(REQUIRED)])
    quantity = WholeNumberField(
        _l("Quantità"), validators=[InputRequired(_l("Scrivi una quantità.")),
                                    NumberRange(1, 99, _l("La quantità deve essere tra 1 e 99."))],
    )  # fmt: skip
    address = StringField(_l("Indirizzo"), validators=[DataRequired(REQUIRED), Length(max=200)])
    note = text_area(_l("Note per il fornitore"), 500)
    # The resident's vouchers with money left (filled by the view); checked again by orders.place.
    voucher = SelectField(_l("Paga con un voucher"), validate_choice=False, default="")

    def voucher_id(self) -> int | None:
        """The voucher chosen: None for none; -1 for a value that names no voucher."""
        value = (self.voucher.data or "").strip() if "voucher" in self else ""
        if value in ("", "0"):
            return None
        return int(value) if value.isdigit() else -1


class RefuseForm(BaseForm):
    submit = SubmitField(_l("Rifiuta l'ordine"))
    reason = StringField(
        _l("Motivo del rifiuto"),
        validators=[DataRequired(_l("Scrivi il motivo del rifiuto.")), Length(max=300)],
    )


def fill(obj, form, *names: str) -> None:
    """Copy the named fields onto obj (never the form's version, token or button)."""
    for name in names:
        setattr(obj, name, form[name].data)


COMPANY_FIELDS = ("name", "domains", "hr_name", "hr_email", "joined_on", "left_on")
PROVIDER_FIELDS = ("name", "tax_code", "email", "phone", "address", "description")
SERVICE_FIELDS = (
    "is_active",
    "title",
    "description",
    "unit",
    "full_cents",
    "alliance_cents",
    "lead_hours",
    "opens_at",
    "closes_at",
)
