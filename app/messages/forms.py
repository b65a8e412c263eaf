"""Forms: a user's choice of notices."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import AnyOf

from app.common.forms import BaseForm


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
