"""Per il tuo tempo, the providers' side: asking for accreditation, accrediting and suspending,
staff, the catalogue's services and their prices, categories and the alliance's companies; and
the catalogue and the day queue at a fixed number of queries."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.common.timeutil import today_in_rome
from app.conciliation import demo as conciliation_demo
from app.conciliation.models import AllianceCompany, Order, Provider, ProviderStaff, Service, ServiceCategory
from app.conciliation.taxcodes import cf_check_letter
from app.platform.extensions import db
from tests.conciliation_market_support import (
    build,
    count,
    future_day,
    make_provider,
    make_service,
    place,
    vat,
)
from tests.conftest import PASSWORD, opened, text
from tests.factories import town
from tests.test_query_counts import count_queries

BASE = "/per-il-tuo-tempo"
CF = "RSSMRA80A01D142" + cf_check_letter("RSSMRA80A01D142")


@pytest.fixture
def market(app, make_user):
    return build(make_user)


def provider_data(market, **changes) -> dict:
    data = {
        "name": "Consorzio Casa Amica", "tax_code": vat("0345678901"), "email": "ordini@casamica.example",
        "phone": "0372 1", "address": "Via Roma 1", "description": "", "towns": [str(market.cremona.id)],
    }  # fmt: skip
    data.update(changes)
    return data


def service_data(market, **changes) -> dict:
    stireria = db.session.scalar(select(ServiceCategory.id).where(ServiceCategory.slug == "stireria"))
    data = {
        "category": str(stireria), "title": "Pulizie di primavera", "description": "", "unit": "hour",
        "full_cents": "18,50", "alliance_cents": "15", "lead_hours": "48", "weekdays": ["0", "2"],
        "opens_at": "09:00", "closes_at": "13:00", "towns": [str(market.crema.id)], "is_active": "y",
    }  # fmt: skip
    data.update(changes)
    return data


# Providers and accreditation


def test_someone_asks_to_accredit_a_provider_and_becomes_its_staff(browser, market, member):
    browser.login(member)
    response = browser.post(f"{BASE}/fornitori/nuovo", provider_data(market))
    assert response.status_code == 302
    provider = db.session.scalar(select(Provider).where(Provider.name == "Consorzio Casa Amica"))
    assert provider.state == "requested" and [t.name for t in provider.towns] == ["Cremona"]
    assert db.session.get(ProviderStaff, (provider.id, member.id)) is not None
    page = text(browser.get(response.location))
    assert "Accreditamento richiesto" in page and "Sospendi" not in page  # no accreditation buttons


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tax_code": "12345678901"}, "Partita IVA o codice fiscale non valido"),
        ({"tax_code": "abc"}, "Partita IVA o codice fiscale non valido"),
        ({"tax_code": vat("0123456789")}, "Un fornitore con questo codice è già registrato."),
        ({"email": "non-un-indirizzo"}, "Scrivi un indirizzo e-mail valido."),
        ({"name": ""}, "Questo campo è obbligatorio."),
        ({"towns": []}, "Scegli almeno un Comune."),
    ],
)
def test_bad_provider_details_are_refused(browser, market, member, changes, message):
    browser.login(member)
    response = browser.post(f"{BASE}/fornitori/nuovo", provider_data(market, **changes))
    assert response.status_code == 400 and message in text(response)
    assert count(Provider) == 1


def test_a_codice_fiscale_is_accepted(browser, market, member):
    browser.login(member)
    response = browser.post(f"{BASE}/fornitori/nuovo", provider_data(market, tax_code=CF.lower()))
    assert response.status_code == 302
    assert db.session.scalar(select(Provider.tax_code).where(Provider.name == "Consorzio Casa Amica")) == CF


def test_a_coordinator_accredits_and_suspends_with_a_reason(browser, market, coordinator):
    provider = market.provider
    browser.login(coordinator)
    url = f"{BASE}/fornitori/{provider.id}/stato/suspended"
    browser.post(url, {"reason": ""})
    db.session.expire_all()
    assert db.session.get(Provider, provider.id).state == "accredited"
    browser.post(url, {"reason": "Documenti scaduti"})
    db.session.expire_all()
    suspended = db.session.get(Provider, provider.id)
    assert (suspended.state, suspended.state_reason, suspended.state_by_id) == (
        "suspended",
        "Documenti scaduti",
        coordinator.id,
    )
    assert suspended.state_on == today_in_rome()
    assert "Motivo: Documenti scaduti" in text(browser.get(f"{BASE}/fornitori/{provider.id}"))
    browser.post(f"{BASE}/fornitori/{provider.id}/stato/accredited", {"reason": ""})
    db.session.expire_all()
    assert db.session.get(Provider, provider.id).state == "accredited"
    assert browser.post(f"{BASE}/fornitori/{provider.id}/stato/deleted", {}).status_code == 404
    assert browser.post(f"{BASE}/fornitori/999999/stato/accredited", {}).status_code == 404


def test_staff_cannot_accredit_their_own_provider(browser, market):
    market.provider.state = "requested"
    db.session.commit()
    browser.login(market.staff)
    assert browser.post(f"{BASE}/fornitori/{market.provider.id}/stato/accredited", {}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Provider, market.provider.id).state == "requested"


def test_the_provider_page_is_for_its_staff_and_coordinators(browser, market, member, coordinator):
    url = f"{BASE}/fornitori/{market.provider.id}"
    assert "/accedi" in browser.get(url).location
    browser.login(member)
    assert browser.get(url).status_code == 403
    assert browser.post(url, provider_data(market)).status_code == 403
    assert browser.get(f"{BASE}/fornitori/999999").status_code == 404
    browser.logout()
    browser.login(coordinator)
    assert "Elena Pavesi" in text(browser.get(url))


def test_staff_edit_their_provider(browser, market):
    browser.login(market.staff)
    data = provider_data(
        market, name="Il Girasole coop", tax_code=market.provider.tax_code, **opened(market.provider)
    )
    assert browser.post(f"{BASE}/fornitori/{market.provider.id}", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Provider, market.provider.id).name == "Il Girasole coop"
    stale = provider_data(market, name="Vecchio nome", tax_code=market.provider.tax_code, version="1")
    assert browser.post(f"{BASE}/fornitori/{market.provider.id}", stale).status_code == 409
    db.session.expire_all()
    assert db.session.get(Provider, market.provider.id).name == "Il Girasole coop"


def test_staff_add_a_colleague_without_learning_who_has_an_account(browser, market, member):
    browser.login(market.staff)
    url = f"{BASE}/fornitori/{market.provider.id}/personale"
    said = [text(browser.get(browser.post(url, {"email": address}).location))
            for address in (member.email, "nessuno@example.org")]  # fmt: skip
    assert all("Se l'indirizzo appartiene a un account di Legami" in page for page in said)
    assert db.session.get(ProviderStaff, (market.provider.id, member.id)) is not None
    assert count(ProviderStaff) == 2


def test_my_providers_lists_only_mine(browser, market, member):
    browser.login(market.staff)
    assert "Cooperativa Il Girasole" in text(browser.get(f"{BASE}/fornitori/"))
    browser.logout()
    browser.login(member)
    assert "Non fai parte del personale di nessun fornitore." in text(browser.get(f"{BASE}/fornitori/"))


# Services


def test_staff_add_a_service_with_prices_in_cents(browser, market):
    browser.login(market.staff)
    response = browser.post(f"{BASE}/fornitori/{market.provider.id}/servizi/nuovo", service_data(market))
    assert response.status_code == 302
    service = db.session.scalar(select(Service).where(Service.title == "Pulizie di primavera"))
    assert (service.full_cents, service.alliance_cents, service.lead_hours, service.weekdays) == (
        1850,
        1500,
        48,
        "0,2",
    )
    assert (service.opens_at, service.closes_at) == (time(9), time(13))
    assert "Pulizie di primavera" in text(browser.get(f"{BASE}/"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_cents": "-1"}, "Scrivi un importo in euro"),
        ({"full_cents": "abc"}, "Scrivi un importo in euro"),
        ({"full_cents": "0"}, "Il prezzo pieno deve essere maggiore di zero."),
        ({"alliance_cents": "12,345"}, "Scrivi un importo in euro"),
        ({"alliance_cents": "20"}, "Il prezzo alleanza non può superare il prezzo pieno."),
        ({"alliance_cents": ""}, "Questo campo è obbligatorio."),
        ({"lead_hours": "-3"}, "Il preavviso va da 0 a 720 ore."),
        ({"lead_hours": "molte"}, "Scrivi un numero intero"),
        ({"weekdays": []}, "Scegli almeno un giorno."),
        ({"weekdays": ["9"]}, "non è una scelta valida"),
        ({"closes_at": "09:30"}, "almeno un'ora dopo l'apertura"),
        ({"opens_at": "25:00"}, "Scrivi un orario valido"),
        ({"towns": []}, "Scegli almeno un Comune."),
        ({"title": ""}, "Questo campo è obbligatorio."),
    ],
)
def test_bad_service_input_is_refused(browser, market, changes, message):
    browser.login(market.staff)
    response = browser.post(
        f"{BASE}/fornitori/{market.provider.id}/servizi/nuovo", service_data(market, **changes)
    )
    assert response.status_code == 400 and message in text(response)
    assert count(Service) == 1


def test_staff_edit_a_service_and_a_stale_form_changes_nothing(browser, market):
    browser.login(market.staff)
    url = f"{BASE}/servizi/{market.service.id}/modifica"
    assert "12,00" in browser.get(url).get_data(as_text=True)
    assert (
        browser.post(url, service_data(market, full_cents="16", **opened(market.service))).status_code == 302
    )
    assert browser.post(url, service_data(market, full_cents="99", version="1")).status_code == 409
    db.session.expire_all()
    assert db.session.get(Service, market.service.id).full_cents == 1600


def form_values(html: str, form_id: str = "modulo-dati") -> dict:
    """What a browser posts back from the form as opened: text fields, the chosen option of each
    select, the ticked boxes (the hidden token excluded: the test client adds its own)."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    values: dict = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or name == "csrf_token":
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            values[name] = chosen.get("value")
        elif field.name == "textarea":
            values[name] = field.get_text()
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                values.setdefault(name, []).append(field["value"])
        else:
            values[name] = field.get("value", "")
    return values


def test_the_edit_forms_open_with_what_is_saved(browser, market):
    """A service's category, towns and days, a provider's towns: ticked and chosen when the form
    opens, so saving it unchanged changes nothing (it used to fall back to the first category and
    to no town)."""
    service = market.service
    service.category = conciliation_demo.ensure_categories()["pulizie"]
    service.weekdays, service.towns = "1,3", [market.crema, market.cremona]
    db.session.commit()
    browser.login(market.staff)
    url = f"{BASE}/servizi/{service.id}/modifica"
    values = form_values(browser.get(url).get_data(as_text=True))
    assert values["category"] == str(service.category_id)
    assert values["weekdays"] == ["1", "3"]
    assert sorted(values["towns"]) == sorted([str(market.crema.id), str(market.cremona.id)])
    assert browser.post(url, values).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Service, service.id)
    assert (saved.category.slug, saved.weekdays) == ("pulizie", "1,3")
    assert sorted(t.name for t in saved.towns) == ["Crema", "Cremona"]
    url = f"{BASE}/fornitori/{market.provider.id}"
    values = form_values(browser.get(url).get_data(as_text=True))
    assert sorted(values["towns"]) == sorted([str(market.crema.id), str(market.cremona.id)])
    assert browser.post(url, values).status_code == 302
    db.session.expire_all()
    assert sorted(t.name for t in db.session.get(Provider, market.provider.id).towns) == ["Crema", "Cremona"]


def test_staff_take_a_service_off_the_catalogue_and_back(browser, market, make_user):
    resident = make_user("chiara@example.org", [], "Chiara Ferrari")
    browser.login(market.staff)
    url = f"{BASE}/servizi/{market.service.id}/modifica"
    assert form_values(browser.get(url).get_data(as_text=True))["is_active"] == ["y"]  # ticked as saved
    values = service_data(market, title="Stireria a domicilio", **opened(market.service))
    del values["is_active"]  # the box unticked
    assert browser.post(url, values).status_code == 302
    provider_page = text(browser.get(f"{BASE}/fornitori/{market.provider.id}"))
    assert "Stireria a domicilio" in provider_page and "non attivo" in provider_page
    browser.logout()
    assert "Stireria a domicilio" not in text(browser.get(f"{BASE}/"))
    browser.login(resident)
    assert browser.get(f"{BASE}/servizi/{market.service.id}").status_code == 404
    browser.logout()
    browser.login(market.staff)
    db.session.expire_all()
    assert (
        browser.post(
            url, service_data(market, title="Stireria a domicilio", **opened(market.service))
        ).status_code
        == 302
    )
    assert "Stireria a domicilio" in text(browser.get(f"{BASE}/"))


def test_a_new_service_is_offered_ticked(browser, market):
    browser.login(market.staff)
    page = browser.get(f"{BASE}/fornitori/{market.provider.id}/servizi/nuovo").get_data(as_text=True)
    assert form_values(page)["is_active"] == ["y"]


def test_the_service_pages_refuse_strangers(browser, market, member):
    urls = [
        f"{BASE}/servizi/{market.service.id}/modifica",
        f"{BASE}/fornitori/{market.provider.id}/servizi/nuovo",
    ]
    for url in urls:
        assert "/accedi" in browser.get(url).location
    browser.login(member)
    for url in urls:
        assert browser.get(url).status_code == 403
        assert browser.post(url, service_data(market)).status_code == 403
    assert browser.get(f"{BASE}/servizi/999999/modifica").status_code == 404
    assert browser.get(f"{BASE}/fornitori/999999/servizi/nuovo").status_code == 404
    assert count(Service) == 1


# Coordination: categories and the alliance's companies


def test_coordinators_add_a_category_once(browser, market, coordinator):
    browser.login(coordinator)
    page = text(browser.get(f"{BASE}/coordinamento/"))
    assert "Stireria" in page and "Cooperativa Il Girasole" in page and "Latteria Cremasca" in page
    assert browser.post(f"{BASE}/coordinamento/", {"name": "Spesa solidale"}).status_code == 302
    again = browser.post(f"{BASE}/coordinamento/", {"name": "spesa solidale"})
    assert again.status_code == 400 and "Questa categoria c'è già." in text(again)
    empty = browser.post(f"{BASE}/coordinamento/", {"name": ""})
    assert empty.status_code == 400
    assert (
        db.session.scalar(select(ServiceCategory.slug).where(ServiceCategory.name == "Spesa solidale"))
        == "spesa-solidale"
    )


def test_coordination_is_for_coordinators(browser, market, member):
    assert "/accedi" in browser.get(f"{BASE}/coordinamento/").location
    browser.login(member)
    assert browser.get(f"{BASE}/coordinamento/").status_code == 403
    assert browser.post(f"{BASE}/coordinamento/", {"name": "Altro"}).status_code == 403
    for url in (f"{BASE}/alleanza/aziende/nuova", f"{BASE}/alleanza/aziende/{market.company.id}"):
        assert browser.get(url).status_code == 403


def company_data(**changes) -> dict:
    data = {"name": "Officine Cremonesi", "domains": "@Officine.example, officine-cr.example", "hr_name": "Ufficio HR",
            "hr_email": "hr@officine.example", "joined_on": today_in_rome().isoformat(), "left_on": ""}  # fmt: skip
    data.update(changes)
    return data


def test_coordinators_keep_the_alliance_companies(browser, market, coordinator):
    browser.login(coordinator)
    assert browser.post(f"{BASE}/alleanza/aziende/nuova", company_data()).status_code == 302
    company = db.session.scalar(select(AllianceCompany).where(AllianceCompany.name == "Officine Cremonesi"))
    assert company.domain_list == ["officine.example", "officine-cr.example"]
    left = (today_in_rome() + timedelta(days=10)).isoformat()
    url = f"{BASE}/alleanza/aziende/{company.id}"
    assert browser.post(url, company_data(left_on=left, **opened(company))).status_code == 302
    db.session.expire_all()
    assert db.session.get(AllianceCompany, company.id).left_on.isoformat() == left
    assert browser.get(f"{BASE}/alleanza/aziende/999999").status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"domains": "non un dominio"}, "non è un dominio e-mail"),
        (
            {"left_on": (today_in_rome() - timedelta(days=1)).isoformat()},
            "L'uscita deve venire dopo l'ingresso",
        ),
        ({"joined_on": "domani"}, "Scrivi una data valida"),
        ({"hr_email": "hr"}, "Scrivi un indirizzo e-mail valido."),
        ({"name": "Latteria Cremasca"}, "Un'azienda con questo nome è già nell'elenco."),
    ],
)
def test_bad_company_input_is_refused(browser, market, coordinator, changes, message):
    browser.login(coordinator)
    response = browser.post(f"{BASE}/alleanza/aziende/nuova", company_data(**changes))
    assert response.status_code == 400 and message in text(response)
    assert count(AllianceCompany) == 1


# A fixed number of queries


def test_the_catalogue_makes_a_fixed_number_of_queries(browser, market, make_user):
    browser.get(f"{BASE}/")
    with count_queries() as few:
        assert "Stireria a domicilio" in text(browser.get(f"{BASE}/?comune=crema"))
    for i in range(12):
        staff = make_user(f"s{i}@example.org")
        provider = make_provider(f"Cooperativa {i}", f"{i + 1:010d}", towns=[market.crema], staff=staff)
        make_service(provider, [market.crema, market.cremona], title=f"Servizio {i}")
    db.session.commit()
    with count_queries() as many:
        assert "Servizio 11" in text(browser.get(f"{BASE}/?comune=crema"))
    assert few and len(many) == len(few), many


def test_the_day_queue_makes_a_fixed_number_of_queries(browser, market, make_user):
    day = future_day()
    place(make_user("r0@example.org"), market, day=day)
    browser.login(market.staff)
    url = f"{BASE}/fornitori/{market.provider.id}/ordini?giorno={day.isoformat()}"
    browser.get(url)
    with count_queries() as few:
        browser.get(url)
    for i in range(1, 15):
        place(make_user(f"r{i}@example.org"), market, day=day, start=time(8 + i % 10))
    with count_queries() as many:
        page = text(browser.get(url))
    assert page.count("Apri l'ordine") == 15
    assert few and len(many) == len(few), many


def test_posts_to_provider_and_alliance_pages_need_the_right_person(browser, market, member):
    posts = [
        (f"{BASE}/fornitori/{market.provider.id}/personale", {"email": member.email}),
        (f"{BASE}/alleanza/aziende/nuova", company_data()),
        (f"{BASE}/alleanza/aziende/{market.company.id}", company_data(name="Altro nome")),
        (f"{BASE}/fornitori/{market.provider.id}/stato/suspended", {"reason": "prova"}),
    ]
    for url, data in posts:
        assert "/accedi" in browser.post(url, data, token_from="/accedi").location
    browser.login(member)
    for url, data in posts:
        assert browser.post(url, data).status_code == 403
    assert browser.post(f"{BASE}/fornitori/999999/personale", {"email": member.email}).status_code == 404
    assert count(ProviderStaff) == 1 and count(AllianceCompany) == 1
    db.session.expire_all()
    assert db.session.get(Provider, market.provider.id).state == "accredited"
    assert db.session.get(AllianceCompany, market.company.id).name == "Latteria Cremasca"


def test_the_demo_marketplace_is_walkable(browser, app):
    for name in ("Crema", "Offanengo", "Bagnolo Cremasco", "Cremona", "Vescovato", "Castelverde", "Soncino"):
        town(name)
    conciliation_demo.load(today_in_rome(), PASSWORD)
    conciliation_demo.load(today_in_rome(), PASSWORD)  # a second run adds nothing
    db.session.commit()
    page = text(browser.get(f"{BASE}/"))
    assert page.count("Prezzo pieno") == 5 and "Stireria Solidale Soncino" not in page
    assert [o.state for o in db.session.scalars(select(Order).order_by(Order.day))] == [
        "delivered", "accepted", "requested"]  # fmt: skip
    resident = db.session.scalar(select(User).where(User.email == "famiglia.ferrari@legami.example"))
    browser.login(resident)
    ironing = db.session.scalar(select(Service.id).where(Service.title.startswith("Stireria a domicilio")))
    assert "prezzo alleanza (Latteria Cremasca): 3,50 €" in text(browser.get(f"{BASE}/servizi/{ironing}"))
