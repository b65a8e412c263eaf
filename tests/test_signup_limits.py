"""Sign-up limits: per lab and contact, per address only far above a shared network; the form survives a refusal."""

import pytest

from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.test_labs import SIGNUP, signup, statuses


@pytest.fixture
def lab(app):
    found = factories.lab(capacity=50)
    db.session.commit()
    return found


def test_a_parish_wi_fi_signs_up_a_whole_room(app, browser, lab):
    # Forty families on one network, each with its own contact, one failed try among them.
    signup(browser, lab, email="", phone="")
    for n in range(40):
        assert signup(browser, lab, email=f"famiglia{n}@example.org").status_code == 302
    assert statuses(lab).count("confirmed") == 40


def test_the_same_contact_retrying_is_refused_and_keeps_what_was_typed(app, browser, lab):
    app.config["SIGNUP_LIMIT_PER_CONTACT"] = "3 per hour"
    for _ in range(3):  # failed tries count too
        signup(browser, lab, email="insistente@example.org", full_name="")
    response = signup(
        browser, lab, email="insistente@example.org", full_name="Ada Rossi", note="Arrivo alle 18"
    )
    page = text(response)
    assert response.status_code == 429
    assert "Troppi tentativi di iscrizione con questo contatto a questo laboratorio" in page
    html = response.get_data(as_text=True)
    assert (
        'value="Ada Rossi"' in html and "Arrivo alle 18" in html and 'value="insistente@example.org"' in html
    )
    assert statuses(lab) == []
    # Someone else on the same network is not affected; nor is the same person at another lab.
    assert signup(browser, lab, email="altra@example.org").status_code == 302
    other = factories.lab(slug="cucito", title="Cucito")
    db.session.commit()
    assert signup(browser, other, email="insistente@example.org").status_code == 302


def test_a_flood_from_one_address_is_refused_with_the_form_kept(app, browser, lab):
    app.config["SIGNUP_LIMIT_PER_IP"] = "2 per hour"
    signup(browser, lab, email="a@example.org")
    signup(browser, lab, email="b@example.org")
    response = signup(browser, lab, email="c@example.org", full_name="Carla Bianchi")
    assert response.status_code == 429 and "Troppe iscrizioni da questa rete" in text(response)
    assert 'value="Carla Bianchi"' in response.get_data(as_text=True)
    assert statuses(lab) == ["confirmed", "confirmed"]


def test_the_default_limits_leave_room_for_a_shared_network(app):
    per_address = int(app.config["SIGNUP_LIMIT_PER_IP"].split()[0])
    assert per_address >= 300 and app.config["SIGNUP_LIMIT_PER_CONTACT"].endswith("per hour")
    assert SIGNUP["full_name"]
