"""The one form of SPID's pages: the address of the account to create or join."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from app.common.forms import BaseForm


class AddressForm(BaseForm):
    email = EmailField(
        _l("Indirizzo e-mail"),
        validators=[
            DataRequired(_l("Scrivi il tuo indirizzo e-mail.")),
            Length(max=254, message=_l("L'indirizzo è troppo lungo.")),
            Email(
                message=_l("Scrivi un indirizzo e-mail valido, come nome@esempio.it."),
                check_deliverability=False,
            ),
        ],
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField(_l("Mandami il link"))
