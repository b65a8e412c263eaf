"""Forms: a user's choice of notices; the check every address the portal will write to passes."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SubmitField, ValidationError
from wtforms.validators import AnyOf

from app.common.forms import BaseForm
from app.messages.services import valid_address


class MailAddress:
    """The address can go in a message's To (enqueue refuses the rest): e-mail validators accept
    `=?...?=@example.org`, an encoded word a header parser would decode. Empty passes (Optional)."""

    def __init__(self, message=None):
        self.message = message or _l(
            "Questo indirizzo non si può usare per l'e-mail: scrivi un indirizzo semplice, come nome@esempio.it."
        )

    def __call__(self, form, field):
        if field.data and not valid_address(field.data.strip().lower()):
            raise ValidationError(self.message)


class PreferencesForm(BaseForm):
    meetings = BooleanField(_l("Convocazioni, modifiche e annullamenti degli incontri dei miei gruppi"))
    minutes = BooleanField(_l("Verbali da rivedere e verbali approvati"))
    actions = BooleanField(_l("Azioni affidate a me"))
    actions_digest = SelectField(
        _l("Riepilogo delle mie azioni aperte"),
        choices=[("weekly", _l("Ogni settimana, il lunedì")), ("never", _l("Mai"))],
        validate_choice=False,
        validators=[AnyOf(["weekly", "never"], message=_l("Scegli una delle voci dell'elenco."))],
    )
    submit = SubmitField(_l("Salva le preferenze"))
