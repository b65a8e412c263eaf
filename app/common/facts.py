"""What a family asks before going, shared by activities and labs: cost, ages, access.

Accessibility has three states (yes, no, not said): an unticked box must never
be published as "with steps", so `None` means the organiser said nothing.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import BooleanField, IntegerField, SelectField, StringField, ValidationError
from wtforms.validators import Length, NumberRange, Optional

MAX_AGE = 99
ACCESS_CHOICES = [("", _l("Non indicato")), ("si", _l("Sì")), ("no", _l("No"))]


class FamilyFacts:
    """Columns of an activity or a lab that families read before going."""

    is_free: Mapped[bool] = mapped_column(default=True, server_default=true())
    price: Mapped[str] = mapped_column(String(80), default="", server_default="")
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    # None: not said. Never read as False.
    step_free_access: Mapped[bool | None]
    hearing_loop: Mapped[bool | None]

    @property
    def age_label(self) -> str:
        return age_label(self.age_min, self.age_max)

    @property
    def cost_label(self) -> str:
        return _("Gratuito") if self.is_free else self.price

    @property
    def access_labels(self) -> list[str]:
        """What was said about access, in words; nothing is claimed that was not said."""
        labels = []
        if self.step_free_access is True:
            labels.append(_("Accesso senza gradini"))
        elif self.step_free_access is False:
            labels.append(_("Accesso con gradini"))
        if self.hearing_loop is True:
            labels.append(_("anello a induzione"))
        elif self.hearing_loop is False:
            labels.append(_("senza anello a induzione"))
        return labels or [_("Non indicata: chiedi a chi organizza")]

    def fits_age(self, age: int) -> bool:
        """A child of this age may come (no range given: anyone may)."""
        return (self.age_min is None or self.age_min <= age) and (self.age_max is None or age <= self.age_max)


# Italian articles before a number: "dai 6", "dagli 8", "dagli 11".
_VOWEL_NUMBER = re.compile(r"\b(da|a)i (8|11|8\d)\b")


def age_label(age_min: int | None, age_max: int | None) -> str:
    """'dai 6 ai 10 anni', 'dai 14 anni', 'fino a 5 anni', or '' when no range is given."""
    if age_min is not None and age_max is not None:
        text = _("dai %(min)s ai %(max)s anni", min=age_min, max=age_max)
    elif age_min is not None:
        text = _("dai %(min)s anni in su", min=age_min)
    elif age_max is not None:
        text = _("fino a %(max)s anni", max=age_max)
    else:
        return ""
    return _VOWEL_NUMBER.sub(r"\1gli \2", text).replace("dai 1 ", "da 1 ").replace("ai 1 anni", "a 1 anno")


def _access(value):
    """The select's value as a tri-state: '' → None (not said)."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, bool):
        return value
    return value == "si"


def _access_field(label):
    return SelectField(label, choices=ACCESS_CHOICES, coerce=_access, validate_choice=False)


def _age_field(label):
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_AGE, message=_l("Scrivi un'età da %(min)s a %(max)s anni.")),
        ],
    )


def fact_fields():
    """Fresh form fields for FamilyFacts, declared where a form wants them (field order)."""
    return (
        BooleanField(_l("Gratuito"), default=True),
        StringField(
            _l("Costo, se a pagamento"),
            filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
            validators=[Length(max=80, message=_l("Al massimo %(max)d caratteri."))],
            description=_l("Per esempio: 5 € a incontro."),
        ),
        _age_field(_l("Età minima (facoltativa)")),
        _age_field(_l("Età massima (facoltativa)")),
        _access_field(_l("Accesso senza gradini")),
        _access_field(_l("Anello a induzione per chi usa apparecchi acustici")),
    )


class FamilyFactsForm:
    """The rules of fact_fields(); mix into a FlaskForm that declares
    `is_free, price, age_min, age_max, step_free_access, hearing_loop = fact_fields()`."""

    def validate_price(self, field):
        if not self.is_free.data and not field.data:
            raise ValidationError(_l("Indica il costo, oppure segna che è gratuito."))

    def validate_age_max(self, field):
        if field.data is not None and self.age_min.data is not None and field.data < self.age_min.data:
            raise ValidationError(_l("L'età massima non può essere minore dell'età minima."))


def apply_facts(target: FamilyFacts, form) -> None:
    """Copy validated FamilyFactsForm fields onto an activity or a lab."""
    target.is_free = form.is_free.data
    target.price = "" if form.is_free.data else form.price.data
    target.age_min = form.age_min.data
    target.age_max = form.age_max.data
    target.step_free_access = _access(form.step_free_access.data)
    target.hearing_loop = _access(form.hearing_loop.data)
