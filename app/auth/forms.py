"""Forms for logging in and managing one's password."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.auth.passwords import PASSWORD_MAX, PASSWORD_MIN, NotCommon
from app.common.forms import BaseForm
from app.common.text import single_line


def new_password_fields():
    """The pair of fields that choose a new password, with their rules."""
    password = PasswordField(
        _l("Nuova password"),
        validators=[
            DataRequired(_l("Scegli una password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l("La password deve avere da %(min)d a %(max)d caratteri."),
            ),
            NotCommon(),
        ],
        description=_l("Almeno %(n)d caratteri.", n=PASSWORD_MIN),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Ripeti la nuova password"),
        validators=[
            DataRequired(_l("Ripeti la password.")),
            EqualTo("password", message=_l("Le due password non coincidono.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class LoginForm(BaseForm):
    email = EmailField(
        _l("Indirizzo e-mail"),
        validators=[
            DataRequired(_l("Scrivi il tuo indirizzo e-mail.")),
            Length(max=254, message=_l("L'indirizzo è troppo lungo.")),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Scrivi la password.")),
            Length(max=PASSWORD_MAX, message=_l("La password è troppo lunga.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Accedi"))


class ChangePasswordForm(BaseForm):
    current = PasswordField(
        _l("Password attuale"),
        validators=[DataRequired(_l("Scrivi la password attuale."))],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Cambia password"))


class SetPasswordForm(BaseForm):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Imposta la password"))


class InvitedForm(SetPasswordForm):
    """The invitation of an account added by e-mail without a name: the person gives it here."""

    full_name = StringField(
        _l("Nome e cognome"),
        filters=[single_line],
        validators=[
            DataRequired(_l("Scrivi nome e cognome.")),
            Length(max=120, message=_l("Al massimo %(max)d caratteri.")),
        ],
        description=_l("Come ti vedranno i gruppi, le presenze e i verbali."),
    )


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        _l("Indirizzo e-mail"),
        validators=[
            DataRequired(_l("Scrivi il tuo indirizzo e-mail.")),
            Length(max=254, message=_l("L'indirizzo è troppo lungo.")),
            Email(
                _l("Scrivi un indirizzo e-mail valido, ad esempio nome@esempio.it."),
                check_deliverability=False,
            ),
        ],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField(_l("Mandami il link"))
