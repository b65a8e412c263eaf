"""Every route of a pact as anonymous, another operator, a resident, an administrator,
a coordinator, a follower and the responsible operator; a missing pact is 404."""

import pytest

from app.pacts.models import PactRead
from app.platform.extensions import db
from tests.conftest import text
from tests.pacts_support import NAME, START, active_pact, register_fixture  # noqa: F401

# (method, url, form data): {n} is the pact's number, {r} its first review.
ROUTES = {
    "scheda": ("get", "/patti/{n}", None),
    "stampa": ("get", "/patti/{n}/stampa", None),
    "modifica": ("get", "/patti/{n}/modifica", None),
    "collegamenti": ("get", "/patti/{n}/collegamenti", None),
    "accessi": ("get", "/patti/{n}/accessi", None),
    "verifica": ("get", "/patti/{n}/verifiche/{r}", None),
    "impegno": ("post", "/patti/{n}/impegni", {"party": "servizio", "who": "Comune", "what": "Un colloquio"}),
    "diario": ("post", "/patti/{n}/diario", {"written_on": "2026-04-01", "body": "Sentita al telefono."}),
    "programma": ("post", "/patti/{n}/verifiche", {"planned_on": "2026-06-01"}),
    "in_verifica": ("post", "/patti/{n}/stato/verifica", {}),
}
# What each person gets: a status code per route (302 = done, or to the login page).
EXPECTED = {
    "anonimo": dict.fromkeys(ROUTES, 302),
    "altro": dict.fromkeys(ROUTES, 404),
    "residente": dict.fromkeys(ROUTES, 404),
    "admin": dict.fromkeys(ROUTES, 404),
    "coordinatore": {**dict.fromkeys(ROUTES, 403), "scheda": 200, "stampa": 200, "accessi": 200},
    "affianca": {
        **dict.fromkeys(ROUTES, 403),
        "scheda": 200,
        "stampa": 200,
        "accessi": 404,
        "verifica": 200,
        "diario": 302,
        "programma": 302,
    },
    "responsabile": {
        **dict.fromkeys(ROUTES, 302),
        "scheda": 200,
        "stampa": 200,
        "modifica": 200,
        "collegamenti": 200,
        "accessi": 404,
        "verifica": 200,
    },
}


def person(reg, who):
    return {"altro": reg.other, "residente": reg.member, "admin": reg.admin, "coordinatore": reg.coordinator,
            "affianca": reg.follower, "responsabile": reg.responsible}.get(who)  # fmt: skip


@pytest.fixture
def pact(reg):
    found = active_pact(reg)
    found.followers = [reg.follower]
    from app.pacts import services

    services.plan_review(found, START.replace(month=5))
    db.session.commit()
    return found


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("route", list(ROUTES))
def test_route_by_role(browser, reg, pact, who, route):
    user = person(reg, who)
    if user is not None:
        browser.login(user)
    method, url, data = ROUTES[route]
    url = url.format(n=pact.number, r=pact.reviews[0].id)
    response = browser.post(url, data) if method == "post" else browser.get(url)
    expected = EXPECTED[who][route]
    assert response.status_code == expected, (who, route, response.status_code)
    if who == "anonimo":
        assert "/accedi" in response.headers["Location"]
    if expected == 404:
        assert NAME not in response.get_data(as_text=True)
    if expected == 200 and route in ("scheda", "stampa"):
        assert NAME in text(response)


@pytest.mark.parametrize("who", ["responsabile", "coordinatore"])
@pytest.mark.parametrize("url", ["/patti/PG-2026-999", "/patti/PG-2026-999/stampa", "/patti/niente/modifica"])
def test_a_missing_pact_is_not_found(browser, reg, who, url):
    browser.login(person(reg, who))
    assert browser.get(url).status_code == 404


def test_a_review_of_another_pact_is_not_found(browser, reg, pact):
    other = active_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    assert browser.get(f"/patti/{other.number}/verifiche/{pact.reviews[0].id}").status_code == 404


def test_a_deactivated_operator_loses_the_pact(browser, reg, pact):
    browser.login(reg.follower)
    reg.follower.is_active = False
    db.session.commit()
    assert browser.get(f"/patti/{pact.number}").status_code in (302, 404)


def test_every_read_is_logged_and_shown_to_coordinators(browser, reg, pact):
    browser.login(reg.follower)
    browser.get(f"/patti/{pact.number}")
    browser.get(f"/patti/{pact.number}/stampa")
    browser.logout()
    browser.login(reg.coordinator)
    page = text(browser.get(f"/patti/{pact.number}/accessi"))
    reads = db.session.scalars(
        db.select(PactRead).where(PactRead.pact_id == pact.id).order_by(PactRead.id)
    ).all()
    assert [(r.user_id, r.what) for r in reads] == [(reg.follower.id, "scheda"), (reg.follower.id, "stampa")]
    assert "Fabio Affiancato" in page and "Scheda del patto" in page and "Documento stampabile" in page


def test_refused_readers_leave_no_read_log(browser, reg, pact):
    browser.login(reg.other)
    browser.get(f"/patti/{pact.number}")
    assert db.session.scalar(db.select(db.func.count(PactRead.id))) == 0


def test_pages_of_the_register_are_never_cached(browser, reg, pact):
    browser.login(reg.responsible)
    for url in (f"/patti/{pact.number}", f"/patti/{pact.number}/stampa", "/patti/"):
        assert browser.get(url).headers["Cache-Control"] == "no-store, private"


@pytest.mark.parametrize("who", ["anonimo", "residente", "admin"])
def test_the_register_list_is_hidden_from_everyone_else(browser, reg, pact, who):
    user = person(reg, who)
    if user:
        browser.login(user)
    response = browser.get("/patti/")
    assert response.status_code == (302 if who == "anonimo" else 404)
    assert browser.get("/patti/nuovo").status_code == (302 if who == "anonimo" else 404)


def test_the_list_shows_numbers_not_names(browser, reg, pact):
    mine = pact.number
    theirs = active_pact(reg, operator=reg.other).number
    db.session.commit()
    browser.login(reg.responsible)
    page = text(browser.get("/patti/"))
    assert mine in page and theirs not in page and NAME not in page
    browser.logout()
    browser.login(reg.coordinator)
    page = text(browser.get("/patti/"))
    assert mine in page and theirs in page and NAME not in page
