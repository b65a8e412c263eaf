"""Forms for towns and zones."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from app.common.forms import BaseForm
from app.platform.versioning import VersionForm

NAME_RULES = [
    DataRequired(_l("Scrivi il nome.")),
    Length(max=80, message=_l("Il nome può avere al massimo %(max)d caratteri.")),
]


class TownForm(VersionForm, BaseForm):
    name = StringField(_l("Nome del Comune"), validators=NAME_RULES)
    province = StringField(
        _l("Provincia (sigla)"),
        default="CR",
        validators=[
            DataRequired(_l("Scrivi la sigla della provincia.")),
            Regexp(r"^[A-Za-z]{2}$", message=_l("La sigla della provincia è di due lettere, ad esempio CR.")),
        ],
    )
    district = StringField(
        _l("Ambito distrettuale"),
        validators=[Length(max=80, message=_l("Al massimo %(max)d caratteri."))],
        description=_l("Per esempio Crema o Cremona. Facoltativo."),
    )
    submit = SubmitField(_l("Salva"))


class ZoneForm(BaseForm):
    name = StringField(_l("Nome del quartiere o della zona"), validators=NAME_RULES)
    submit = SubmitField(_l("Aggiungi quartiere"))


class ZoneRenameForm(VersionForm, ZoneForm):
    submit = SubmitField(_l("Salva"))
