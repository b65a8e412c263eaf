"""Per il tuo tempo, the marketplace: the public catalogue, ordering with the price that applies,
the provider's answers, the resident's cancellation, and the e-mail of each step."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.common.timeutil import ROME, today_in_rome, utcnow
from app.conciliation import orders
from app.conciliation.demo import ensure_categories
from app.conciliation.models import AllianceEmployee, EmployeeState, Order, ProviderState, Service
from app.platform.extensions import db
from tests.conciliation_market_support import (
    build,
    confirm_employee,
    count,
    future_day,
    kinds_to,
    make_provider,
    make_service,
    order_data,
    place,
)
from tests.conftest import text
from tests.mail_support import links, path_of
from tests.test_query_counts import count_queries

BASE = "/per-il-tuo-tempo"


@pytest.fixture
def market(app, make_user):
    return build(make_user)


@pytest.fixture
def resident(make_user):
    return make_user("chiara@example.org", [], "Chiara Ferrari")


# The public catalogue


def test_the_catalogue_shows_accredited_services_to_anyone(browser, market):
    other = make_provider("Stireria in attesa", "0234567890", ProviderState.REQUESTED, towns=[market.crema])
    make_service(other, [market.crema], title="Servizio non accreditato")
    db.session.commit()
    page = text(browser.get(f"{BASE}/"))
    assert "Stireria a domicilio" in page and "Cooperativa Il Girasole" in page
    assert "Prezzo pieno: 12,00 € / ora" in page and "Prezzo alleanza: 9,00 € / ora" in page
    assert "Servizio non accreditato" not in page


def test_the_catalogue_filters_by_town_and_category(browser, market):
    baby = make_service(market.provider, [market.cremona], title="Baby sitting a Cremona")
    baby.category = ensure_categories()["baby-sitting"]
    db.session.commit()
    in_crema = text(browser.get(f"{BASE}/?comune=crema"))
    assert "Stireria a domicilio" in in_crema and "Baby sitting a Cremona" not in in_crema
    babysitting = text(browser.get(f"{BASE}/?categoria=baby-sitting"))
    assert "Baby sitting a Cremona" in babysitting and "Stireria a domicilio" not in babysitting
    nothing = text(browser.get(f"{BASE}/?comune=crema&categoria=baby-sitting"))
    assert "Nessun servizio per questa ricerca." in nothing


def test_the_catalogue_is_kept_for_visitors_and_a_change_shows_at_once(browser, market):
    """Kept like the calendar: seen again it costs the generation's read; a suspension shows at once,
    and a made-up town or category is shown as none without making an entry of its own."""
    first = text(browser.get(f"{BASE}/?comune=crema"))
    with count_queries(keep_pages=True) as seen:
        assert text(browser.get(f"{BASE}/?comune=crema&altro=1")) == first
    assert [s for s in seen if s.startswith("SELECT")] == [seen[-1]] and "page_generation" in seen[-1]
    market.provider.state = ProviderState.SUSPENDED
    db.session.commit()
    assert "Stireria a domicilio" not in text(browser.get(f"{BASE}/?comune=crema"))
    for made_up in ("comune=atlantide", "categoria=ignota"):
        with count_queries(keep_pages=True) as seen:
            browser.get(f"{BASE}/?{made_up}")
            browser.get(f"{BASE}/?{made_up}")
        assert sum("conc_services" in s for s in seen) == 2  # rendered both times: never kept


def test_a_suspended_provider_disappears_from_the_catalogue(browser, market):
    market.provider.state = ProviderState.SUSPENDED
    db.session.commit()
    assert "Stireria a domicilio" not in text(browser.get(f"{BASE}/"))
    assert browser.get(f"{BASE}/servizi/{market.service.id}").status_code == 404


def test_a_service_page_invites_an_anonymous_visitor_to_sign_in(browser, market):
    page = text(browser.get(f"{BASE}/servizi/{market.service.id}"))
    assert "Accedi per ordinare" in page and "Invia l'ordine" not in page
    assert browser.get(f"{BASE}/servizi/999999").status_code == 404


# Ordering


def test_an_anonymous_order_goes_to_the_login_page(browser, market):
    response = browser.post(
        f"{BASE}/servizi/{market.service.id}/ordina", order_data(market), token_from="/accedi"
    )
    assert response.status_code == 302 and "/accedi" in response.location
    assert count(Order) == 0


def test_a_resident_orders_and_reads_what_to_pay(browser, market, resident):
    browser.login(resident)
    page = text(browser.get(f"{BASE}/servizi/{market.service.id}"))
    assert "Per te vale il prezzo pieno: 12,00 € per ora." in page
    assert "Nessun pagamento online." in page
    response = browser.post(f"{BASE}/servizi/{market.service.id}/ordina", order_data(market))
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert (order.quantity, order.unit_cents, order.total_cents, order.voucher_cents, order.family_cents) == (
        2, 1200, 2400, 0, 2400)  # fmt: skip
    assert order.voucher_id is None and not order.is_alliance_price and order.state == "requested"
    detail = text(browser.get(response.location))
    assert "In attesa di risposta" in detail and "Da pagare al fornitore 24,00 €" in detail
    assert "La famiglia paga la sua parte direttamente al fornitore" in detail
    assert kinds_to("chiara@example.org") == ["conc_order_placed"]
    assert kinds_to(market.provider.email) == ["conc_order_new"]
    assert "Stireria a domicilio" in text(browser.get(f"{BASE}/ordini/"))


BAD_ORDERS = [
    ({"quantity": "0"}, "La quantità deve essere tra 1 e 99."),
    ({"quantity": "abc"}, "Scrivi un numero intero, ad esempio 2."),
    ({"quantity": "100"}, "La quantità deve essere tra 1 e 99."),
    ({"day": "ieri"}, "Scrivi una data valida"),
    ({"day": (today_in_rome() - timedelta(days=1)).isoformat()}, "La data e l'ora scelte sono già passate."),
    ({"day": (today_in_rome() + timedelta(days=400)).isoformat()}, "Si può prenotare al massimo 180 giorni"),
    ({"start": "21:00"}, "Non è una opzione valida"),
    ({"address": ""}, "Questo campo è obbligatorio."),
]


@pytest.mark.parametrize(("changes", "message"), BAD_ORDERS)
def test_bad_orders_are_refused_and_nothing_is_saved(browser, market, resident, changes, message):
    browser.login(resident)
    response = browser.post(f"{BASE}/servizi/{market.service.id}/ordina", order_data(market, **changes))
    page = text(response)
    assert response.status_code == 400
    assert message in page
    assert count(Order) == 0
    assert kinds_to(market.provider.email) == []


def test_a_slot_outside_the_weekdays_or_town_is_refused(browser, market, resident):
    market.service.weekdays = str((future_day().weekday() + 1) % 7)
    db.session.commit()
    browser.login(resident)
    page = text(browser.post(f"{BASE}/servizi/{market.service.id}/ordina", order_data(market)))
    assert "Il servizio non si prenota in questo giorno della settimana." in page
    market.service.weekdays = "0,1,2,3,4,5,6"
    db.session.commit()
    response = browser.post(
        f"{BASE}/servizi/{market.service.id}/ordina", order_data(market, town=str(market.cremona.id))
    )
    assert response.status_code == 400 and count(Order) == 0


def test_a_slot_inside_the_lead_time_is_refused():
    service = Service(weekdays="0,1,2,3,4,5,6", opens_at=time(0), closes_at=time(23, 59), lead_hours=48)
    now = utcnow()
    day = (now + timedelta(days=1)).astimezone(ROME).date()
    assert "preavviso di almeno 48 ore" in orders.slot_problem(service, day, time(12), now)
    assert orders.slot_problem(service, day + timedelta(days=2), time(12), now) is None
    assert "fuori dagli orari" in orders.slot_problem(service, day + timedelta(days=2), time(12, 30), now)


# The alliance price


def test_a_confirmed_employee_pays_the_alliance_price(browser, market, resident):
    confirm_employee(resident, market.company)
    browser.login(resident)
    assert "Per te vale il prezzo alleanza (Latteria Cremasca): 9,00 € per ora." in text(
        browser.get(f"{BASE}/servizi/{market.service.id}")
    )
    browser.post(f"{BASE}/servizi/{market.service.id}/ordina", order_data(market))
    order = db.session.scalar(select(Order))
    assert (order.unit_cents, order.total_cents, order.is_alliance_price) == (900, 1800, True)


def test_an_unconfirmed_employee_pays_the_full_price(browser, market, resident):
    confirm_employee(resident, market.company, state=EmployeeState.PENDING)
    browser.login(resident)
    browser.post(f"{BASE}/servizi/{market.service.id}/ordina", order_data(market))
    assert db.session.scalar(select(Order.unit_cents)) == 1200


def test_after_the_company_leaves_its_employees_pay_the_full_price(browser, market, resident):
    confirm_employee(resident, market.company)
    market.company.left_on = today_in_rome()
    db.session.commit()
    browser.login(resident)
    browser.post(f"{BASE}/servizi/{market.service.id}/ordina", order_data(market))
    assert db.session.scalar(select(Order.unit_cents)) == 1200


def test_before_the_company_joins_its_employees_pay_the_full_price(browser, market, resident):
    confirm_employee(resident, market.company)
    market.company.joined_on = today_in_rome() + timedelta(days=1)
    db.session.commit()
    browser.login(resident)
    assert "prezzo pieno" in text(browser.get(f"{BASE}/servizi/{market.service.id}"))


# The resident's orders


def test_a_resident_cancels_before_the_lead_time_and_the_provider_is_told(browser, market, resident):
    order = place(resident, market, day=future_day(5))
    browser.login(resident)
    response = browser.post(f"{BASE}/ordini/{order.id}/annulla", token_from=f"{BASE}/ordini/{order.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).state == "cancelled"
    page = text(browser.get(f"{BASE}/ordini/{order.id}"))
    assert "Annullato" in page and "Voucher Nessun voucher usato" in page and "0,00 €" not in page
    assert kinds_to(market.provider.email) == ["conc_order_cancelled"]


def test_a_resident_cannot_cancel_inside_the_lead_time(browser, market, resident):
    order = place(resident, market, day=today_in_rome() + timedelta(days=1), start=time(0))
    browser.login(resident)
    page = text(browser.get(f"{BASE}/ordini/{order.id}"))
    assert "Annulla l'ordine" not in page
    response = browser.post(f"{BASE}/ordini/{order.id}/annulla")
    assert "Non si può più annullare" in text(browser.get(response.location))
    db.session.expire_all()
    assert db.session.get(Order, order.id).state == "requested"


def test_someone_elses_order_is_not_found(browser, market, resident, member):
    order = place(resident, market)
    browser.login(member)
    assert browser.get(f"{BASE}/ordini/{order.id}").status_code == 404
    assert browser.post(f"{BASE}/ordini/{order.id}/annulla").status_code == 404
    assert browser.get(f"{BASE}/ordini/999999").status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, order.id).state == "requested"


def test_the_orders_pages_need_a_sign_in(browser, market, resident):
    order = place(resident, market)
    for url in (f"{BASE}/ordini/", f"{BASE}/ordini/{order.id}"):
        response = browser.get(url)
        assert response.status_code == 302 and "/accedi" in response.location


# The provider's side


def test_staff_accept_and_the_resident_is_told(browser, market, resident):
    order = place(resident, market)
    browser.login(market.staff)
    page = text(browser.get(f"{BASE}/fornitori/ordini/{order.id}"))
    assert "Chiara Ferrari" in page and "La famiglia ti paga 24,00 €" in page
    response = browser.post(
        f"{BASE}/fornitori/ordini/{order.id}/accetta", token_from=f"{BASE}/fornitori/ordini/{order.id}"
    )
    assert response.status_code == 302
    db.session.expire_all()
    accepted = db.session.get(Order, order.id)
    assert accepted.state == "accepted" and accepted.decided_at is not None and accepted.version == 2
    assert kinds_to("chiara@example.org") == ["conc_order_accepted"]


def test_a_refusal_needs_its_reason(browser, market, resident):
    order = place(resident, market)
    browser.login(market.staff)
    url = f"{BASE}/fornitori/ordini/{order.id}/rifiuta"
    response = browser.post(url, {"reason": "  "}, token_from=f"{BASE}/fornitori/ordini/{order.id}")
    assert response.status_code == 400 and "Scrivi il motivo del rifiuto." in text(response)
    db.session.expire_all()
    assert db.session.get(Order, order.id).state == "requested"
    browser.post(
        url,
        {"reason": "Nessuna persona libera quel giorno"},
        token_from=f"{BASE}/fornitori/ordini/{order.id}",
    )
    db.session.expire_all()
    refused = db.session.get(Order, order.id)
    assert (refused.state, refused.refusal_reason) == ("refused", "Nessuna persona libera quel giorno")
    assert kinds_to("chiara@example.org") == ["conc_order_refused"]
    browser.logout()
    browser.login(resident)
    assert "Motivo: Nessuna persona libera quel giorno" in text(browser.get(f"{BASE}/ordini/{order.id}"))


def test_delivered_only_once_the_slot_has_come(browser, market, resident):
    future = place(resident, market, state="accepted")
    past = place(resident, market, day=today_in_rome() - timedelta(days=1), state="accepted")
    browser.login(market.staff)
    response = browser.post(f"{BASE}/fornitori/ordini/{future.id}/svolto")
    assert "solo dal giorno e dall'ora previsti" in text(browser.get(response.location))
    browser.post(f"{BASE}/fornitori/ordini/{past.id}/svolto")
    db.session.expire_all()
    assert db.session.get(Order, future.id).state == "accepted"
    assert db.session.get(Order, past.id).state == "delivered"
    assert kinds_to("chiara@example.org") == ["conc_order_delivered"]


def test_the_provider_pages_refuse_strangers(browser, market, resident, member, coordinator):
    order = place(resident, market)
    urls = [f"{BASE}/fornitori/ordini/{order.id}", f"{BASE}/fornitori/{market.provider.id}/ordini"]
    for url in urls:
        assert "/accedi" in browser.get(url).location
    browser.login(member)
    for url in urls:
        assert browser.get(url).status_code == 403
    response = browser.post(f"{BASE}/fornitori/ordini/{order.id}/accetta")
    assert response.status_code == 403
    assert browser.get(f"{BASE}/fornitori/ordini/999999").status_code == 404
    assert browser.get(f"{BASE}/fornitori/999999/ordini").status_code == 404
    browser.logout()
    browser.login(market.staff)
    assert browser.post(f"{BASE}/fornitori/ordini/{order.id}/paga").status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, order.id).state == "requested"


def test_the_day_queue_lists_the_days_orders_by_time(browser, market, resident):
    day = future_day()
    place(resident, market, day=day, start=time(15))
    place(resident, market, day=day, start=time(9))
    place(resident, market, day=day + timedelta(days=1), start=time(11))
    browser.login(market.staff)
    page = text(browser.get(f"{BASE}/fornitori/{market.provider.id}/ordini?giorno={day.isoformat()}"))
    assert page.index("09:00") < page.index("15:00") and "11:00" not in page
    assert "la famiglia paga 24,00 €" in page
    assert browser.get(f"{BASE}/fornitori/{market.provider.id}/ordini?giorno=domani").status_code == 404
    assert "Nessun ordine in questo giorno." in text(
        browser.get(f"{BASE}/fornitori/{market.provider.id}/ordini")
    )


def test_two_answers_at_once_one_wins(app, market, resident):
    """The resident cancels while the provider, with the page opened before, accepts: the
    conditional UPDATE lets only the first through."""
    order = place(resident, market, day=future_day(5))
    seen = db.session.get(Order, order.id)  # the provider's page, opened before the cancellation
    cancelled = update(Order).where(Order.id == order.id).values(state="cancelled", version=Order.version + 1)
    db.session.execute(cancelled.execution_options(synchronize_session=False))
    db.session.commit()  # another session's cancellation, committed
    set_committed_value(seen, "state", "requested")  # what the provider's page still shows
    with pytest.raises(orders.OrderRefused, match="già stato aggiornato"):
        orders.accept(seen)
    db.session.expire_all()
    assert db.session.get(Order, order.id).state == "cancelled"


# Signed links of the alliance


def test_joining_by_work_address_needs_the_company_domain(browser, market, resident, mailbox):
    browser.login(resident)
    data = {"company": str(market.company.id), "method": "domain", "work_email": "chiara@gmail.example"}
    response = browser.post(f"{BASE}/alleanza/", data)
    assert response.status_code == 400 and "deve finire con @latteria.example" in text(response)
    assert count(AllianceEmployee) == 0
    browser.post(f"{BASE}/alleanza/", {**data, "work_email": "chiara@latteria.example"})
    message = mailbox.one()
    path = path_of(next(u for u in links(message) if "/alleanza/conferma/" in u))
    browser.logout()
    assert "Chiara Ferrari lavora per Latteria Cremasca" in text(browser.get(path))
    assert db.session.scalar(select(AllianceEmployee.state)) == "pending"  # opening is not confirming
    browser.post(path, token_from=path)
    assert db.session.scalar(select(AllianceEmployee.state)) == "confirmed"
    assert browser.get(path[:-3] + "xyz").status_code == 404


def test_joining_through_hr_writes_to_hr(browser, market, resident):
    browser.login(resident)
    browser.post(f"{BASE}/alleanza/", {"company": str(market.company.id), "method": "hr", "work_email": ""})
    assert kinds_to("hr@latteria.example") == ["conc_alliance_hr"]
    assert "in attesa di conferma" in text(browser.get(f"{BASE}/alleanza/"))


def test_a_company_that_left_cannot_be_joined(browser, market, resident):
    market.company.left_on = today_in_rome()
    db.session.commit()
    browser.login(resident)
    page = text(browser.get(f"{BASE}/alleanza/"))
    assert "Nessuna azienda fa parte dell'alleanza per ora." in page
    response = browser.post(f"{BASE}/alleanza/", {"company": str(market.company.id), "method": "hr"})
    assert response.status_code == 400 and count(AllianceEmployee) == 0


def test_the_alliance_page_needs_a_sign_in(browser, market):
    assert "/accedi" in browser.get(f"{BASE}/alleanza/").location


@pytest.mark.parametrize(
    ("unit", "quantity", "reads"),
    [
        ("hour", 1, "1 ora"),
        ("hour", 3, "3 ore"),
        ("piece", 2, "2 capi"),
        ("kg", 5, "5 kg"),
        ("visit", 2, "2 visite"),
    ],
)
def test_a_quantity_reads_in_the_singular_or_the_plural(app, unit, quantity, reads):
    with app.test_request_context():
        assert Service(unit=unit).quantity_label(quantity) == reads
