"""Forms shared by every feature."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class EmptyForm(FlaskForm):
    """Only the CSRF token: for buttons that change state (logout, deactivate...)."""

    submit = SubmitField(_l("Conferma"))
