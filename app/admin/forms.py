"""Forms for managing accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from app.accounts.models import ROLE_LABELS
from app.common.forms import BaseForm, CheckboxListField
from app.messages.forms import MailAddress
from app.platform.versioning import VersionForm


def role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserEditForm(VersionForm, BaseForm):
    full_name = StringField(
        _l("Nome e cognome"),
        validators=[
            DataRequired(_l("Scrivi nome e cognome.")),
            Length(max=120, message=_l("Al massimo %(max)d caratteri.")),
        ],
    )
    roles = CheckboxListField(
        _l("Ruoli"),
        choices=role_choices,
        description=_l(
            "I ruoli nei gruppi, nei centri e nei laboratori si assegnano nelle rispettive pagine."
        ),
    )
    submit = SubmitField(_l("Salva"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Unknown values are refused by SelectMultipleField's own check.
        self.roles.choices = role_choices()


class UserCreateForm(UserEditForm):
    email = EmailField(
        _l("Indirizzo e-mail"),
        validators=[
            DataRequired(_l("Scrivi l'indirizzo e-mail.")),
            Length(max=254, message=_l("L'indirizzo è troppo lungo.")),
            Email(message=_l("Questo non è un indirizzo e-mail valido."), check_deliverability=False),
            MailAddress(),
        ],
    )
    submit = SubmitField(_l("Crea e invita"))

    field_order = ("full_name", "email", "roles")


class UserSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Cerca per nome o e-mail"), validators=[Length(max=100)])
