"""app/common/widget_params.py writes what WTForms' own html_params writes, faster, and is the
one WTForms' widgets and labels use."""

import pytest
import wtforms.widgets
import wtforms.widgets.core
from markupsafe import Markup

from app.common import forms  # noqa: F401 - installs it, as every form's import does
from app.common.widget_params import WTFORMS_HTML_PARAMS, html_params
from app.labs.forms import RegistrationForm

CASES = [
    {},
    {"name": "nome", "id": "nome", "class_": "form-control", "value": ""},
    {"required": True, "disabled": False, "checked": True, "name": "x"},
    {"value": 'Lui disse "ciao" & <b>basta</b>', "title": "l'orto"},
    {"value": Markup('già "sicuro" <b>sì</b>'), "data_confirm": Markup("&amp; ok")},
    {"data_town_id": 7, "aria_describedby": "a-aiuto a-errore", "maxlength": 32, "min": 0.5},
    {"for_": "email", "type": "email", "value": None, "placeholder": "nome@esempio.it"},
]


@pytest.mark.parametrize("attributes", CASES)
def test_the_same_attributes_as_wtforms(attributes):
    ours, theirs = html_params(**attributes), WTFORMS_HTML_PARAMS(**attributes)
    assert ours == theirs and isinstance(ours, Markup)


def test_wtforms_renders_with_it(app):
    assert wtforms.widgets.core.html_params is html_params
    assert wtforms.widgets.html_params is html_params
    assert wtforms.widgets.core.Input.html_params is html_params
    with app.test_request_context("/"):
        form = RegistrationForm(formdata=None)
        assert str(form.email(class_="form-control")) == (
            '<input class="form-control" id="email" maxlength="254" name="email" type="email" value="">'
        )
        assert str(form.email.label()) == '<label for="email">E-mail</label>'
