"""An operator's work on a pact through the pages, and every bad input refused in Italian with nothing saved."""

from datetime import date

import pytest
from bs4 import BeautifulSoup

from app.audit.models import AuditEntry
from app.common.timeutil import today_in_rome
from app.pacts.models import Commitment, DiaryNote, Pact, Review
from app.platform.extensions import db
from tests.conftest import opened, text
from tests.pacts_support import NAME, START, active_pact, new_pact, register_fixture  # noqa: F401
from tests.test_lost_updates import form_values


def form(reg, **changes):
    data = {
        "town": str(reg.cremona.id), "areas": [str(reg.loneliness.id)], "start_on": "2026-03-02",
        "goal": "Uscire di casa", "beneficiary_name": NAME, "beneficiary_contact": "333 1234567",
        "age_band": "75+", "beneficiary_age": "78", "household_size": "1",
    }  # fmt: skip
    data.update(changes)
    return data


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_an_operator_opens_a_pact_numbered_for_the_year(browser, reg):
    browser.login(reg.responsible)
    options = BeautifulSoup(browser.get("/patti/nuovo").get_data(as_text=True), "html.parser").select(
        "#town option"
    )
    assert [o.get_text() for o in options] == ["Scegli il Comune", "Cremona"]  # only the towns they work in
    response = browser.post(
        "/patti/nuovo", form(reg, followers=[str(reg.follower.id)]), token_from="/patti/nuovo"
    )
    year = today_in_rome().year
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/patti/PG-{year}-001")
    pact = db.session.scalar(db.select(Pact))
    assert (pact.number, pact.status, pact.responsible_id) == (f"PG-{year}-001", "bozza", reg.responsible.id)
    assert [u.full_name for u in pact.followers] == ["Fabio Affiancato"]
    page = text(browser.get(f"/patti/PG-{year}-001"))
    assert NAME in page and "Bozza" in page and "75 anni e oltre (78 anni)" in page
    second = browser.post(
        "/patti/nuovo", form(reg, beneficiary_name="Famiglia Zelioli"), token_from="/patti/nuovo"
    )
    assert second.headers["Location"].endswith(f"/patti/PG-{year}-002")
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "pact.create").limit(1))
    assert entry.subject == f"PG-{year}-001"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"beneficiary_age": "40"}, "L'età indicata (40 anni) non è nella fascia scelta (75 anni e oltre)."),
        ({"age_band": ""}, "Scegli la fascia d'età."),
        ({"beneficiary_name": " "}, "Scrivi il nome del beneficiario."),
        ({"areas": []}, "Scegli almeno un'area di vulnerabilità."),
        ({"start_on": "31/02/2026"}, "Scrivi una data valida"),
        ({"household_size": "0"}, "Il nucleo va da 1 a 20 persone."),
        ({"town": "crema"}, "Non lavori nel Comune di Crema: scegli uno dei tuoi Comuni."),
        ({"followers": ["other"]}, "Puoi affiancare solo operatori che lavorano nel Comune di Cremona."),
    ],
)
def test_bad_pacts_are_refused_and_nothing_is_saved(browser, reg, changes, message):
    if changes.get("town") == "crema":
        changes["town"] = str(reg.crema.id)
    if changes.get("followers") == ["other"]:
        from app.pacts import services

        services.set_operator_towns(reg.other, [reg.crema.id])
        db.session.commit()
        changes["followers"] = [str(reg.other.id)]
    browser.login(reg.responsible)
    response = browser.post("/patti/nuovo", form(reg, **changes), token_from="/patti/nuovo")
    assert response.status_code == 400
    assert message in text(response)
    assert count(Pact) == 0


def test_an_operator_without_towns_cannot_open_a_pact(browser, reg, make_user):
    from app.accounts.models import Role

    lonely = make_user("senza.comuni@example.org", [Role.OPERATOR], "Sara Senzacomuni")
    browser.login(lonely)
    response = browser.get("/patti/nuovo", follow_redirects=True)
    assert "Non ti è ancora stato assegnato alcun Comune" in text(response)


def test_editing_keeps_the_rules(browser, reg):
    pact = new_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    url = f"/patti/{pact.number}/modifica"
    response = browser.post(
        url, form(reg, beneficiary_name="Ermenegilda P. Rossi", **opened(pact)), token_from=url
    )
    assert response.status_code == 302
    assert db.session.get(Pact, pact.id).beneficiary_name == "Ermenegilda P. Rossi"
    bad = browser.post(url, form(reg, town=str(reg.crema.id), **opened(pact)), token_from=url)
    assert (
        "Non lavori nel Comune di Crema" in text(bad)
        and db.session.get(Pact, pact.id).town_id == reg.cremona.id
    )


def test_commitments_need_their_party(browser, reg):
    pact = new_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    url = f"/patti/{pact.number}/impegni"
    response = browser.post(url, {"party": "", "what": "Colloqui"}, token_from=f"/patti/{pact.number}")
    assert response.status_code == 400
    assert "Indica chi si impegna: il servizio, la persona o un partner della comunità." in text(response)
    partner = browser.post(
        url, {"party": "comunita", "what": "Accoglienza"}, token_from=f"/patti/{pact.number}"
    )
    assert "Scrivi il nome del partner della comunità." in text(partner)
    assert count(Commitment) == 0
    done = browser.post(url, {"party": "persona", "who": "Ermenegilda", "what": "Andare all'orto", "frequency": "ogni martedì"},
                        token_from=f"/patti/{pact.number}")  # fmt: skip
    assert done.status_code == 302
    page = text(browser.get(f"/patti/{pact.number}"))
    assert "La persona o la famiglia Ermenegilda Andare all'orto ogni martedì" in page


@pytest.mark.parametrize("field, value", [("planned_on", "2026-03-01"), ("planned_on", "2025-12-31")])
def test_a_review_before_the_start_is_refused(browser, reg, field, value):
    pact = active_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    response = browser.post(
        f"/patti/{pact.number}/verifiche", {field: value}, token_from=f"/patti/{pact.number}"
    )
    assert response.status_code == 400
    assert "La verifica non può essere prima dell'avvio del patto (02/03/2026)." in text(response)
    assert count(Review) == 0


def test_moving_the_start_after_a_review_is_refused(browser, reg):
    from app.pacts import services

    pact = active_pact(reg)
    services.plan_review(pact, date(2026, 4, 1))
    db.session.commit()
    browser.login(reg.responsible)
    url = f"/patti/{pact.number}/modifica"
    response = browser.post(url, form(reg, start_on="2026-05-01", **opened(pact)), token_from=url)
    assert "Ci sono verifiche prima di questa data di avvio" in text(response)
    assert db.session.get(Pact, pact.id).start_on == START


def test_a_pact_starts_only_when_both_sides_commit(browser, reg):
    pact = new_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    url = f"/patti/{pact.number}/stato/attiva"
    response = browser.post(url, {"consent_on": "2026-03-02"}, token_from=f"/patti/{pact.number}")
    assert "aggiungi almeno un impegno del servizio e uno della persona" in text(response)
    assert db.session.get(Pact, pact.id).status == "bozza"


def test_the_whole_life_of_a_pact(browser, reg):
    from app.pacts import services

    pact = new_pact(reg)
    services.add_commitment(pact, {"party": "servizio", "who": "Servizio sociale", "what": "Colloqui"})
    services.add_commitment(pact, {"party": "persona", "who": NAME, "what": "Orto"})
    db.session.commit()
    number = pact.number
    browser.login(reg.responsible)
    page = f"/patti/{number}"
    future = browser.post(f"{page}/stato/attiva", {"consent_on": "2099-01-01"}, token_from=page)
    assert "La data del consenso non può essere nel futuro." in text(future)
    assert (
        browser.post(f"{page}/stato/attiva", {"consent_on": "2026-03-02"}, token_from=page).status_code == 302
    )
    found = db.session.get(Pact, pact.id)
    assert (found.status, found.consent_on, found.consent_version) == ("attivo", date(2026, 3, 2), "2026.1")
    assert browser.post(f"{page}/verifiche", {"planned_on": "2026-05-04"}, token_from=page).status_code == 302
    review = db.session.scalar(db.select(Review))
    review_url = f"{page}/verifiche/{review.id}"
    empty = browser.post(review_url, {"held_on": "2026-05-04", "result": ""}, token_from=review_url)
    assert "Indica l'esito della verifica." in text(empty)
    early = browser.post(review_url, {"held_on": "2026-01-04", "result": "prosegue"}, token_from=review_url)
    assert "La verifica non può essere prima dell'avvio del patto (02/03/2026)." in text(early)
    assert db.session.get(Review, review.id).held_on is None
    browser.post(
        review_url,
        {"held_on": "2026-05-05", "result": "prosegue", "notes": "Va bene."},
        token_from=review_url,
    )
    assert (
        browser.post(
            f"{page}/diario", {"written_on": "2026-05-06", "body": "Telefonata."}, token_from=page
        ).status_code
        == 302
    )
    assert count(DiaryNote) == 1
    assert browser.post(f"{page}/stato/verifica", {}, token_from=page).status_code == 302
    assert db.session.get(Pact, pact.id).status == "in_verifica"
    no_outcome = browser.post(
        f"{page}/stato/concludi", {"outcome": "", "closed_on": "2026-09-30"}, token_from=page
    )
    assert no_outcome.status_code == 400 and "Indica l'esito del patto." in text(no_outcome)
    assert db.session.get(Pact, pact.id).status == "in_verifica"
    before = browser.post(
        f"{page}/stato/concludi", {"outcome": "in_parte", "closed_on": "2026-01-01"}, token_from=page
    )
    assert "La data non può essere prima dell'avvio del patto (02/03/2026)." in text(before)
    done = browser.post(
        f"{page}/stato/concludi", {"outcome": "in_parte", "closed_on": "2026-09-30"}, token_from=page
    )
    assert done.status_code == 302
    shown = text(browser.get(page))
    assert "Concluso Dati riservati" in shown and "Obiettivi raggiunti in parte (30 set 2026)" in shown
    assert "5 mag 2026 : Il patto prosegue come previsto. Va bene." in shown
    # A closed pact no longer changes.
    assert browser.post(f"{page}/diario", {"written_on": "2026-10-01", "body": "Tardi."}).status_code == 403


def test_an_interruption_needs_its_reason(browser, reg):
    pact = active_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    page = f"/patti/{pact.number}"
    response = browser.post(
        f"{page}/stato/interrompi", {"reason": " ", "closed_on": "2026-04-01"}, token_from=page
    )
    assert "Scrivi il motivo dell'interruzione." in text(response)
    assert db.session.get(Pact, pact.id).status == "attivo"
    browser.post(
        f"{page}/stato/interrompi", {"reason": "Trasferita", "closed_on": "2026-04-01"}, token_from=page
    )
    found = db.session.get(Pact, pact.id)
    assert (found.status, found.interruption_reason, found.closed_on) == (
        "interrotto",
        "Trasferita",
        date(2026, 4, 1),
    )


def test_a_status_that_cannot_follow_is_refused(browser, reg):
    pact = new_pact(reg)
    db.session.commit()
    browser.login(reg.responsible)
    page = f"/patti/{pact.number}"
    response = browser.post(f"{page}/stato/riprendi", {}, token_from=page, follow_redirects=True)
    assert "questo passaggio non è possibile" in text(response)
    assert browser.post(f"{page}/stato/vola", {}, token_from=page).status_code == 404


def test_links_to_labs_activities_and_groups_of_the_town(browser, reg):
    from app.groups import services as groups
    from tests import factories

    pact = new_pact(reg)
    lab = factories.lab("Cremona", slug="emporio", title="Emporio solidale")
    elsewhere = factories.lab("Crema", slug="orto", title="Orto di Crema")
    activity = factories.activity(factories.center("Oratorio Zaist", "Cremona"), title="Merenda insieme")
    group = groups.create_group("Rete anziani", "", reg.cremona.id, "Cremona")
    db.session.commit()
    browser.login(reg.responsible)
    url = f"/patti/{pact.number}/collegamenti"
    page = text(browser.get(url))
    assert (
        "Emporio solidale" in page
        and "Orto di Crema" not in page
        and "Merenda insieme (Oratorio Zaist)" in page
    )
    data = {
        "labs": [str(lab.id), str(elsewhere.id)],
        "activities": [str(activity.id)],
        "groups": [str(group.id)],
    }
    refused = browser.post(url, data, token_from=url)
    assert refused.status_code == 400 and not db.session.get(Pact, pact.id).labs
    data["labs"] = [str(lab.id)]
    assert browser.post(url, data, token_from=url).status_code == 302
    shown = text(browser.get(f"/patti/{pact.number}"))
    assert (
        "Laboratorio: Emporio solidale" in shown
        and "Attività: Merenda insieme" in shown
        and "Rete anziani" in shown
    )


def test_the_edit_form_shows_the_saved_town_areas_and_followers(browser, reg):
    pact = new_pact(reg, area_ids=[reg.loneliness.id, reg.care.id], follower_ids=[reg.follower.id])
    db.session.commit()
    browser.login(reg.responsible)
    url = f"/patti/{pact.number}/modifica"
    page = BeautifulSoup(browser.get(url).get_data(as_text=True), "html.parser")
    chosen = page.find("select", attrs={"name": "town"}).find("option", selected=True)
    assert chosen is not None and chosen.text.strip() == "Cremona"
    checked = {box["value"] for box in page.find_all("input", attrs={"name": "areas", "checked": True})}
    assert checked == {str(reg.loneliness.id), str(reg.care.id)}
    followers = page.find_all("input", attrs={"name": "followers", "checked": True})
    assert [box["value"] for box in followers] == [str(reg.follower.id)]


def test_saving_the_edit_form_untouched_keeps_town_and_areas(browser, reg):
    pact = new_pact(reg, area_ids=[reg.loneliness.id, reg.care.id])
    db.session.commit()
    browser.login(reg.responsible)
    url = f"/patti/{pact.number}/modifica"
    values = {**form_values(browser.get(url)), "goal": ["Uscire tre volte a settimana."]}
    response = browser.post(url, values, csrf=False)
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    saved = db.session.get(Pact, pact.id)
    assert saved.town_id == reg.cremona.id and saved.goal == "Uscire tre volte a settimana."
    assert {area.id for area in saved.areas} == {reg.loneliness.id, reg.care.id}
