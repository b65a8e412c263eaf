"""Shared fixtures for the Patti Gener-Attivi tests: two towns, areas, operators, a coordinator, pacts."""

from datetime import date

import pytest

from app.accounts.models import Role
from app.pacts import services, status
from app.pacts.consent import CONSENT_VERSION
from app.pacts.models import Party, VulnerabilityArea
from app.platform.extensions import db
from tests import factories

START = date(2026, 3, 2)
NAME = "Ermenegilda Pizzamiglio"  # an invented, unmistakable beneficiary name
CONTACT = "ermenegilda.p@esempio.it"


class Register:
    """The register's people and places, as plain attributes."""


def pact_data(r, **changes) -> dict:
    data = {
        "town_id": r.cremona.id, "area_ids": [r.loneliness.id], "follower_ids": [], "start_on": START,
        "goal": "Uscire di casa due volte a settimana.", "beneficiary_name": NAME, "beneficiary_contact": CONTACT,
        "beneficiary_age": 78, "age_band": "75+", "household_size": 1,
    }  # fmt: skip
    data.update(changes)
    return data


def new_pact(r, operator=None, today=START, **changes):
    return services.create_pact(operator or r.responsible, pact_data(r, **changes), today)


def active_pact(r, **changes):
    pact = new_pact(r, **changes)
    services.add_commitment(
        pact, {"party": Party.SERVICE, "who": "Servizio sociale", "what": "Colloqui mensili"}
    )
    services.add_commitment(pact, {"party": Party.PERSON, "who": NAME, "what": "Frequentare l'orto"})
    status.activate(pact, START, CONSENT_VERSION, START)
    return pact


@pytest.fixture(name="reg")
def register_fixture(app, make_user, coordinator):
    r = Register()
    r.cremona = factories.town("Cremona")
    r.crema = factories.town("Crema")
    r.loneliness = VulnerabilityArea(name="Solitudine e isolamento")
    r.care = VulnerabilityArea(name="Carichi di cura familiari")
    db.session.add_all([r.loneliness, r.care])
    r.responsible = make_user("responsabile@example.org", [Role.OPERATOR], "Rita Responsabile")
    r.follower = make_user("affianca@example.org", [Role.OPERATOR], "Fabio Affiancato")
    r.other = make_user("altro.operatore@example.org", [Role.OPERATOR], "Olga Altrove")
    r.coordinator = coordinator
    r.member = make_user("residente@example.org", [], "Remo Residente")
    r.admin = make_user("admin@example.org", [Role.ADMIN], "Alba Amministratrice")
    services.set_operator_towns(r.responsible, [r.cremona.id])
    services.set_operator_towns(r.follower, [r.cremona.id])
    services.set_operator_towns(r.other, [r.cremona.id, r.crema.id])
    db.session.commit()
    return r
