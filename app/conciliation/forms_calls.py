"""Forms of voucher calls: a call (coordinators), an application (residents), the named export.

The applicant's own identity (codice fiscale, name, date of birth) is in APPLICANT_FIELDS and
rendered by one block of the template (conciliation/call_applicant_block.html): with an identity
proved by SPID or CIE, `lock_identity` fills those three and makes them read-only."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.common.forms import BaseForm, CheckboxListField, CleanMeta, ItalianDateField
from app.conciliation.eligibility import valid_fiscal_code
from app.conciliation.money import MoneyError, parse_cents
from app.conciliation.voucher_models import EMPLOYMENT_LABELS, FUND_LABELS, TOWN_LINK_LABELS

APPLICANT_FIELDS = ("fiscal_code", "full_name", "birth_date")


def lock_identity(form, identity) -> None:
    """The applicant's identity from SPID or CIE: shown read-only, and any posted value ignored
    (a date of birth the identity provider did not assert stays for the person to write)."""
    values = {"fiscal_code": identity.fiscal_number, "full_name": identity.full_name,
              "birth_date": identity.date_of_birth}  # fmt: skip
    for name in APPLICANT_FIELDS:
        value, field = values[name], form[name]
        if value is None:
            continue
        field.data, field.process_errors = value, []
        field.raw_data = [value.strftime(field.format[0]) if isinstance(value, date) else value]
        field.render_kw = {**(field.render_kw or {}), "readonly": True}


MEMBER_ROWS = 6  # blank rows shown for the other members of the household
MEMBER_CAP = 60  # rows read from a post at most; above MAX_MEMBERS the application is refused
MAX = _l("Testo troppo lungo.")


def money_field(label, message):
    def check(_form, field):
        try:
            field.cents = parse_cents(field.data)
        except MoneyError as error:
            raise ValidationError(message) from error
        if field.cents <= 0:
            raise ValidationError(message)

    return StringField(label, validators=[DataRequired(message), check])


def fiscal_code_check(_form, field):
    field.data = (field.data or "").replace(" ", "").upper()
    if field.data and not valid_fiscal_code(field.data):
        raise ValidationError(_l("Il codice fiscale non è valido: controlla le 16 lettere e cifre."))


def parse_bands(text: str) -> list[list[int]]:
    """ "15.000 = 10" a line: an ISEE ceiling in euro and its points; ValueError when malformed."""
    bands = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        ceiling, _sep, points = line.partition("=")
        if not _sep:
            raise ValueError(line)
        try:
            bands.append([parse_cents(ceiling), int(points.strip())])
        except MoneyError as error:
            raise ValueError(line) from error
        if bands[-1][1] < 0:
            raise ValueError(line)
    return sorted(bands)


class CallForm(BaseForm):
    title = StringField(_l("Titolo del bando"), validators=[DataRequired(_l("Scrivi il titolo del bando.")),
                                                          Length(max=160, message=MAX)])  # fmt: skip
    budget = money_field(_l("Budget (euro)"), _l("Scrivi il budget in euro, ad esempio 20.000."))
    voucher = money_field(
        _l("Valore di un voucher (euro)"), _l("Scrivi il valore del voucher, ad esempio 200.")
    )
    opens_on = ItalianDateField(_l("Domande dal"), validators=[InputRequired(_l("Indica da quando."))])
    closes_on = ItalianDateField(
        _l("Domande fino al"), validators=[InputRequired(_l("Indica fino a quando."))]
    )
    towns = CheckboxListField(
        _l("Comuni del bando"), validators=[DataRequired(_l("Scegli almeno un Comune."))]
    )
    min_weekly_hours = IntegerField(
        _l("Ore settimanali minime del contratto"), default=25,
        validators=[InputRequired(_l("Indica le ore minime.")), NumberRange(1, 60, _l("Tra 1 e 60 ore."))],
    )  # fmt: skip
    validity_days = IntegerField(
        _l("Validità del voucher (giorni dall'assegnazione)"), default=180,
        validators=[InputRequired(_l("Indica la validità.")), NumberRange(1, 730, _l("Tra 1 e 730 giorni."))],
    )  # fmt: skip
    points_per_member = IntegerField(
        _l("Punti per ogni componente del nucleo"), default=1,
        validators=[InputRequired(_l("Indica i punti.")), NumberRange(0, 100, _l("Tra 0 e 100 punti."))],
    )  # fmt: skip
    points_per_care_need = IntegerField(
        _l("Punti per ogni persona con bisogni di cura"), default=3,
        validators=[InputRequired(_l("Indica i punti.")), NumberRange(0, 100, _l("Tra 0 e 100 punti."))],
    )  # fmt: skip
    isee_bands = TextAreaField(
        _l("Fasce ISEE e punti"), default="10.000 = 10\n20.000 = 5\n30.000 = 2",
        description=_l("Una fascia per riga: il tetto ISEE in euro, «=», i punti. Sopra l'ultima fascia: 0 punti."),
    )  # fmt: skip
    incompatibilities = TextAreaField(
        _l("Misure non cumulabili"), validators=[Length(max=2000, message=MAX)],
        description=_l("Una per riga: chi fa domanda dichiara di non riceverle."),
    )  # fmt: skip
    submit = SubmitField(_l("Apri il bando"))

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("La chiusura non può precedere l'apertura."))

    def validate_isee_bands(self, field):
        try:
            field.bands = parse_bands(field.data)
        except ValueError as error:
            raise ValidationError(
                _l("Riga non valida: «%(line)s». Scrivi ad esempio «15.000 = 10».", line=str(error))
            ) from error


class MemberForm(Form):
    class Meta(CleanMeta):
        csrf = False

    fiscal_code = StringField(_l("Codice fiscale"), validators=[Optional(), fiscal_code_check])
    age = IntegerField(
        _l("Età"), validators=[Optional(), NumberRange(0, 120, _l("Un'età tra 0 e 120 anni."))]
    )
    care_needs = BooleanField(_l("Ha bisogni di cura"))

    def is_blank(self) -> bool:
        return not self.fiscal_code.data and self.age.data is None and not self.care_needs.data


class ApplicationForm(BaseForm):
    fiscal_code = StringField(
        _l("Il tuo codice fiscale"),
        validators=[DataRequired(_l("Scrivi il tuo codice fiscale.")), fiscal_code_check],
    )
    full_name = StringField(
        _l("Nome e cognome"),
        validators=[DataRequired(_l("Scrivi nome e cognome.")), Length(max=160, message=MAX)],
    )
    birth_date = ItalianDateField(
        _l("Data di nascita"), validators=[InputRequired(_l("Indica la data di nascita."))]
    )
    applicant_care_needs = BooleanField(_l("Ho bisogni di cura"))
    employment = RadioField(
        _l("Lavoro"),
        choices=list(EMPLOYMENT_LABELS.items()),
        validators=[InputRequired(_l("Indica se lavori come dipendente o autonomo."))],
    )
    weekly_hours = IntegerField(
        _l("Ore settimanali del contratto"),
        validators=[Optional(), NumberRange(1, 80, _l("Tra 1 e 80 ore."))],
    )
    employer = StringField(_l("Datore di lavoro"), validators=[Length(max=160, message=MAX)])
    fund = RadioField(_l("Cassa previdenziale"), choices=list(FUND_LABELS.items()), validators=[Optional()])
    town = SelectField(_l("Comune"), validators=[DataRequired(_l("Scegli il Comune."))])
    town_link = RadioField(
        _l("Il Comune è quello di"),
        choices=list(TOWN_LINK_LABELS.items()),
        validators=[InputRequired(_l("Indica se è il Comune di residenza o di lavoro."))],
    )
    isee = StringField(_l("Valore ISEE (euro)"), validators=[DataRequired(_l("Scrivi il valore ISEE."))])
    isee_issued_on = ItalianDateField(
        _l("Data dell'attestazione ISEE"),
        validators=[InputRequired(_l("Indica la data dell'attestazione ISEE."))],
    )
    members = FieldList(FormField(MemberForm), min_entries=MEMBER_ROWS, max_entries=MEMBER_CAP)
    declarations = CheckboxListField(_l("Dichiarazioni"))
    submit = SubmitField(_l("Invia la domanda"))  # fmt: skip

    def validate_isee(self, field):
        try:
            field.cents = parse_cents(field.data)
        except MoneyError as error:
            raise ValidationError(_l("Scrivi il valore ISEE in euro, ad esempio 12.500,00.")) from error

    def validate(self, extra_validators=None) -> bool:
        """The fields that depend on the kind of work (their own validators stop when empty)."""
        valid = super().validate(extra_validators)
        required = {"employee": [(self.weekly_hours, _l("Indica le ore settimanali del contratto.")),
                                 (self.employer, _l("Scrivi il datore di lavoro."))],
                    "self_employed": [(self.fund, _l("Indica la cassa previdenziale."))]}  # fmt: skip
        for field, message in required.get(self.employment.data, []):
            if field.data in (None, "") and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def validate_members(self, field):
        for row in field.entries:
            member = row.form
            if member.is_blank():
                continue
            if not member.fiscal_code.data or member.age.data is None:
                raise ValidationError(_l("Per ogni componente scrivi codice fiscale ed età."))

    def filled_members(self) -> list:
        return [row.form for row in self.members.entries if not row.form.is_blank()]
