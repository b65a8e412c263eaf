"""Forms for managing accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectMultipleField, StringField, SubmitField, widgets
from wtforms.validators import DataRequired, Email, Length, ValidationError

from app.auth.models import ROLE_LABELS
from app.forms import BaseForm


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        # WTForms' Italian catalogue lacks this message.
        allowed = {str(value) for value, _label in self.choices}
        for value in self.data or []:
            if str(value) not in allowed:
                raise ValidationError(_l("«%(value)s» non è una scelta valida.", value=value))


def role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserEditForm(BaseForm):
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
        ],
    )
    submit = SubmitField(_l("Crea e invita"))

    field_order = ("full_name", "email", "roles")


class UserSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Cerca per nome o e-mail"), validators=[Length(max=100)])
