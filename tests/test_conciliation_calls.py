"""Voucher calls: every route (anonymous, wrong role, missing object, valid), the application's
bad inputs, the household rule, protocol numbers, privacy (who reads, the read log, exports)."""

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from app.accounts.identity import VerifiedIdentity
from app.audit.models import AuditEntry
from app.conciliation.voucher_models import (
    Application,
    ApplicationRead,
    HouseholdMember,
    ProtocolCounter,
    Voucher,
    VoucherCall,
)
from app.messages.models import Message
from app.platform.extensions import db
from tests.calls_support import application_data, calls_world_fixture, closed_call, fiscal_code, open_call  # noqa: F401
from tests.conftest import text


def as_user(browser, user):
    """Log out whoever is in, then log in `user`."""
    if browser.user is not None:
        browser.logout()
    browser.login(user)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def apply(browser, call, data):
    return browser.post(f"/per-il-tuo-tempo/bandi/{call.id}/domanda", data)


# --- public pages ---------------------------------------------------------------------------


def test_calls_list_and_detail_are_public(browser, calls_world):
    call = open_call([calls_world.crema])
    page = text(browser.get("/per-il-tuo-tempo/bandi/"))
    assert "Bando conciliazione 2027" in page and "Aperto" in page
    detail = browser.get(f"/per-il-tuo-tempo/bandi/{call.id}")
    assert detail.status_code == 200
    body = text(detail)
    assert "600,00 €" in body and "200,00 €" in body and "Crema" in body and "Fai domanda" in body
    assert "almeno 25 ore settimanali" in body and "Bonus nidi" in body


def test_missing_call_is_404(browser, calls_world):
    for url in ("/per-il-tuo-tempo/bandi/999", "/per-il-tuo-tempo/bandi/999/graduatoria",
                "/per-il-tuo-tempo/bandi/999/domanda"):  # fmt: skip
        if url.endswith("domanda"):
            as_user(browser, calls_world.resident)
        assert browser.get(url).status_code == 404, url


def test_ranking_not_published_is_404(browser, calls_world):
    call = closed_call([calls_world.crema])
    assert browser.get(f"/per-il-tuo-tempo/bandi/{call.id}/graduatoria").status_code == 404


# --- applying -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(browser, calls_world):
    call = open_call([calls_world.crema])
    response = browser.get(f"/per-il-tuo-tempo/bandi/{call.id}/domanda")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]
    assert browser.get("/per-il-tuo-tempo/le-mie-domande").status_code == 302


def test_a_resident_applies_and_reads_the_protocol_number(browser, calls_world):
    call = open_call([calls_world.crema])
    as_user(browser, calls_world.resident)
    members = [(fiscal_code(500), 40, False), (fiscal_code(501), 8, True)]
    response = apply(browser, call, application_data(calls_world.crema, 1, members))
    assert response.status_code == 302, text(response)
    application = db.session.scalar(select(Application))
    year = application.submitted_at.year
    assert application.number == f"PTT-{year}-0001"
    assert response.headers["Location"].endswith(f"/per-il-tuo-tempo/domande/PTT-{year}-0001")
    page = text(browser.get(response.headers["Location"]))
    assert f"numero di protocollo PTT-{year}-0001" in page and fiscal_code(501) in page
    assert application.household_size == 3 and application.care_needs == 1
    assert application.isee_cents == 1250000 and application.user_id == calls_world.resident.id
    message = db.session.scalar(select(Message).where(Message.kind == "call_received"))
    assert message.to_email == "residente@example.org"
    mine = text(browser.get("/per-il-tuo-tempo/le-mie-domande"))
    assert f"PTT-{year}-0001" in mine
    # the applicant reads their own application: no read is logged
    assert count(ApplicationRead) == 0


def test_numbers_are_consecutive_and_per_year(browser, calls_world):
    call = open_call([calls_world.crema])
    as_user(browser, calls_world.resident)
    apply(browser, call, application_data(calls_world.crema, 1))
    as_user(browser, calls_world.other)
    apply(browser, call, application_data(calls_world.crema, 2))
    numbers = sorted(db.session.scalars(select(Application.number)))
    year = date.today().year
    assert numbers == [f"PTT-{year}-0001", f"PTT-{year}-0002"]


BAD_INPUTS = [
    ({"fiscal_code": "RSSMRA85T10A562T"}, "Il codice fiscale non è valido"),
    ({"fiscal_code": ""}, "Scrivi il tuo codice fiscale."),
    ({"isee": "abc"}, "Scrivi il valore ISEE in euro"),
    ({"isee": "-1"}, "Scrivi il valore ISEE in euro"),
    ({"isee_issued_on": (date.today() + timedelta(days=5)).isoformat()},
     "La data dell'attestazione ISEE non può essere nel futuro."),
    ({"birth_date": ""}, "Indica la data di nascita."),
    ({"weekly_hours": "20"}, "Serve un contratto di almeno 25 ore settimanali."),
    ({"weekly_hours": ""}, "Indica le ore settimanali del contratto."),
    ({"employer": ""}, "Scrivi il datore di lavoro."),
    ({"employment": "self_employed", "fund": ""}, "Indica la cassa previdenziale."),
    ({"employment": ""}, "Indica se lavori come dipendente o autonomo."),
    ({"town_link": ""}, "Indica se è il Comune di residenza o di lavoro."),
    ({"declarations": ["veridicita", "privacy"]}, "Manca la dichiarazione: «Non ricevo e non ho chiesto: Bonus nidi.»"),
    ({"members-0-fiscal_code": "NOTACODE", "members-0-age": "4"}, "Il codice fiscale non è valido"),
    ({"members-0-fiscal_code": fiscal_code(600)}, "Per ogni componente scrivi codice fiscale ed età."),
    ({"members-0-fiscal_code": fiscal_code(1), "members-0-age": "9"},
     "Lo stesso codice fiscale compare due volte nel nucleo familiare."),
    ({"members-0-fiscal_code": fiscal_code(601), "members-0-age": "200"}, "Un'età tra 0 e 120 anni."),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUTS)
def test_bad_inputs_are_refused_and_nothing_changes(browser, calls_world, overrides, message):
    call = open_call([calls_world.crema])
    as_user(browser, calls_world.resident)
    response = apply(browser, call, application_data(calls_world.crema, 1, **overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert count(Application) == 0 and count(HouseholdMember) == 0 and count(Message) == 0
    assert db.session.scalar(select(func.coalesce(func.max(ProtocolCounter.last), 0))) == 0


def test_a_town_outside_the_call_is_refused(browser, calls_world):
    call = open_call([calls_world.crema])
    as_user(browser, calls_world.resident)
    response = apply(browser, call, application_data(calls_world.lodi, 1))
    assert response.status_code == 400 and count(Application) == 0


def test_forty_household_members_are_refused(browser, calls_world):
    call = open_call([calls_world.crema])
    as_user(browser, calls_world.resident)
    members = [(fiscal_code(100 + i), 30, False) for i in range(39)]
    response = apply(browser, call, application_data(calls_world.crema, 1, members))
    assert response.status_code == 400
    assert "Un nucleo familiare può avere al massimo 20 componenti." in text(response)
    assert count(Application) == 0


def test_outside_the_window_is_refused(browser, calls_world):
    call = closed_call([calls_world.crema])
    as_user(browser, calls_world.resident)
    page = browser.get(f"/per-il-tuo-tempo/bandi/{call.id}/domanda")
    assert "Le domande per questo bando si presentano dal" in text(page)
    assert 'name="fiscal_code"' not in page.get_data(as_text=True)
    response = apply(browser, call, application_data(calls_world.crema, 1))
    assert response.status_code == 400
    assert "Le domande per questo bando si presentano dal" in text(response)
    assert count(Application) == 0


def test_one_application_per_household(browser, calls_world):
    call = open_call([calls_world.crema])
    partner = fiscal_code(700)
    as_user(browser, calls_world.resident)
    assert (
        apply(browser, call, application_data(calls_world.crema, 1, [(partner, 40, False)])).status_code
        == 302
    )
    as_user(browser, calls_world.other)  # the partner applies too, naming the first applicant
    response = apply(browser, call, application_data(calls_world.crema, 700, [(fiscal_code(1), 40, False)]))
    assert response.status_code == 400
    assert "Il nucleo familiare ha già presentato una domanda per questo bando" in text(response)
    assert count(Application) == 1
    assert db.session.scalar(select(ProtocolCounter.last)) == 1  # no number lost


def test_two_applications_with_four_children(browser, calls_world):
    call = open_call([calls_world.crema])
    children = [(fiscal_code(800 + i), 3 + i, False) for i in range(4)]
    as_user(browser, calls_world.resident)
    assert apply(browser, call, application_data(calls_world.crema, 1, children)).status_code == 302
    as_user(browser, calls_world.other)
    second = application_data(calls_world.crema, 2, [*children, (fiscal_code(1), 40, False)])
    assert apply(browser, call, second).status_code == 302
    third = application_data(calls_world.crema, 3, children)
    response = apply(browser, call, third)
    assert response.status_code == 400 and count(Application) == 2


# --- privacy --------------------------------------------------------------------------------


def _one_application(browser, world, call):
    as_user(browser, world.resident)
    apply(browser, call, application_data(world.crema, 1, [(fiscal_code(900), 7, True)]))
    browser.logout()
    return db.session.scalar(select(Application))


def test_an_application_is_hidden_from_anyone_else(browser, calls_world, maker):
    call = open_call([calls_world.crema])
    application = _one_application(browser, calls_world, call)
    url = f"/per-il-tuo-tempo/domande/{application.number}"
    assert browser.get(url).status_code == 302  # anonymous: log in
    for user in (calls_world.other, maker, calls_world.admin):
        as_user(browser, user)
        assert browser.get(url).status_code == 404
    as_user(browser, calls_world.other)
    assert browser.get("/per-il-tuo-tempo/domande/PTT-1999-0001").status_code == 404
    assert count(ApplicationRead) == 0


def test_a_coordinators_read_is_logged(browser, calls_world):
    call = open_call([calls_world.crema])
    application = _one_application(browser, calls_world, call)
    as_user(browser, calls_world.coordinator)
    page = text(browser.get(f"/per-il-tuo-tempo/domande/{application.number}"))
    assert "Persona 1" in page and fiscal_code(900) in page and "12.500,00 €" in page
    read = db.session.scalar(select(ApplicationRead))
    assert (read.user_id, read.application_id, read.what) == (
        calls_world.coordinator.id,
        application.id,
        "scheda",
    )
    reads = text(browser.get(f"/per-il-tuo-tempo/gestione-bandi/{call.id}/letture"))
    assert "Cora Coordinatrice" in reads and application.number in reads


def test_the_coordinators_list_shows_no_names(browser, calls_world):
    call = open_call([calls_world.crema])
    application = _one_application(browser, calls_world, call)
    as_user(browser, calls_world.coordinator)
    page = text(browser.get(f"/per-il-tuo-tempo/gestione-bandi/{call.id}"))
    assert application.number in page and "Persona 1" not in page and fiscal_code(1) not in page
    assert count(ApplicationRead) == 0


def test_exports_are_pseudonymised_and_audited(browser, calls_world):
    call = open_call([calls_world.crema])
    _one_application(browser, calls_world, call)
    as_user(browser, calls_world.coordinator)
    response = browser.get(f"/per-il-tuo-tempo/gestione-bandi/{call.id}/esporta.csv")
    body = response.get_data().decode("utf-8-sig")
    assert response.status_code == 200 and "Protocollo" in body and "PTT-" in body
    assert "Persona 1" not in body and fiscal_code(1) not in body
    assert db.session.scalar(select(AuditEntry.action)) == "conciliation.calls.export.csv"
    xlsx = browser.get(f"/per-il-tuo-tempo/gestione-bandi/{call.id}/esporta.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert browser.get(f"/per-il-tuo-tempo/gestione-bandi/{call.id}/esporta.pdf").status_code == 404
    # the named export is an administrator's act
    assert browser.get(f"/per-il-tuo-tempo/gestione-bandi/{call.id}/esporta-con-nomi").status_code == 403


def test_the_named_export_needs_a_reason_and_logs_each_read(browser, calls_world):
    call = open_call([calls_world.crema])
    application = _one_application(browser, calls_world, call)
    as_user(browser, calls_world.admin)
    url = f"/per-il-tuo-tempo/gestione-bandi/{call.id}/esporta-con-nomi"
    assert browser.get(url).status_code == 200
    short = browser.post(url, {"reason": "breve", "fmt": "csv"})
    assert short.status_code == 400 and "Scrivi un motivo tra 15 e 180 caratteri." in text(short)
    assert count(AuditEntry) == 0 and count(ApplicationRead) == 0
    response = browser.post(url, {"reason": "Controllo della Guardia di Finanza", "fmt": "csv"})
    body = response.get_data().decode("utf-8-sig")
    assert "Persona 1" in body and fiscal_code(1) in body
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "conciliation.calls.export_named" and "Guardia di Finanza" in entry.subject
    read = db.session.scalar(select(ApplicationRead))
    assert (read.application_id, read.what) == (application.id, "esportazione")
    assert browser.get("/per-il-tuo-tempo/gestione-bandi/999/esporta-con-nomi").status_code == 404


# --- coordinators ---------------------------------------------------------------------------

MANAGE_GETS = ["/per-il-tuo-tempo/gestione-bandi/", "/per-il-tuo-tempo/gestione-bandi/nuovo"]


def test_management_pages_need_a_coordinator(browser, calls_world):
    call = open_call([calls_world.crema])
    urls = [*MANAGE_GETS, f"/per-il-tuo-tempo/gestione-bandi/{call.id}",
            f"/per-il-tuo-tempo/gestione-bandi/{call.id}/letture",
            f"/per-il-tuo-tempo/gestione-bandi/{call.id}/esporta.csv"]  # fmt: skip
    for url in urls:
        assert browser.get(url).status_code == 302, url
    as_user(browser, calls_world.resident)
    for url in urls:
        assert browser.get(url).status_code == 403, url
    for step in ("chiudi", "calcola", "pubblica"):
        url = f"/per-il-tuo-tempo/gestione-bandi/{call.id}/{step}"
        assert browser.post(url).status_code == 403
    assert db.session.get(VoucherCall, call.id).ranked_at is None
    as_user(browser, calls_world.coordinator)
    for url in ("/per-il-tuo-tempo/gestione-bandi/999", "/per-il-tuo-tempo/gestione-bandi/999/letture",
                "/per-il-tuo-tempo/gestione-bandi/999/esporta.csv"):  # fmt: skip
        assert browser.get(url).status_code == 404, url
    for step in ("chiudi", "calcola", "pubblica"):
        url = f"/per-il-tuo-tempo/gestione-bandi/999/{step}"
        assert browser.post(url).status_code == 404


def call_form(crema, **overrides) -> dict:
    data = {
        "title": "Bando estate", "budget": "20.000", "voucher": "200", "opens_on": "2027-03-01",
        "closes_on": "2027-03-31", "towns": [str(crema.id)], "min_weekly_hours": "25", "validity_days": "180",
        "points_per_member": "1", "points_per_care_need": "3", "isee_bands": "10.000 = 10\n20.000 = 5",
        "incompatibilities": "Bonus nidi\nDote scuola",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_coordinator_opens_a_call(browser, calls_world):
    as_user(browser, calls_world.coordinator)
    url = "/per-il-tuo-tempo/gestione-bandi/nuovo"
    response = browser.post(url, call_form(calls_world.crema))
    assert response.status_code == 302
    call = db.session.scalar(select(VoucherCall))
    assert (call.budget_cents, call.voucher_cents, call.isee_bands) == (
        2000000,
        20000,
        [[1000000, 10], [2000000, 5]],
    )
    assert call.incompatibilities == ["Bonus nidi", "Dote scuola"] and [t.name for t in call.towns] == [
        "Crema"
    ]
    assert (call.first_day, call.last_day) == (date(2027, 3, 1), date(2027, 3, 31))
    assert call.opens_at.isoformat().startswith("2027-02-28T23:00")  # midnight in Rome
    assert "Bando estate" in text(browser.get("/per-il-tuo-tempo/gestione-bandi/"))


CALL_BAD_INPUTS = [
    ({"title": ""}, "Scrivi il titolo del bando."),
    ({"budget": "abc"}, "Scrivi il budget in euro"),
    ({"budget": "-1"}, "Scrivi il budget in euro"),
    ({"voucher": "0"}, "Scrivi il valore del voucher"),
    ({"closes_on": "2027-02-01"}, "La chiusura non può precedere l'apertura."),
    ({"opens_on": "ieri"}, ""),
    ({"towns": []}, "Scegli almeno un Comune."),
    ({"min_weekly_hours": "0"}, "Tra 1 e 60 ore."),
    ({"validity_days": "abc"}, ""),
    ({"points_per_member": "-3"}, "Tra 0 e 100 punti."),
    ({"isee_bands": "diecimila = 10"}, "Riga non valida"),
    ({"isee_bands": "10.000 10"}, "Riga non valida"),
]


@pytest.mark.parametrize(("overrides", "message"), CALL_BAD_INPUTS)
def test_a_bad_call_is_refused(browser, calls_world, overrides, message):
    as_user(browser, calls_world.coordinator)
    url = "/per-il-tuo-tempo/gestione-bandi/nuovo"
    response = browser.post(url, call_form(calls_world.crema, **overrides))
    assert response.status_code == 400 and message in text(response)
    assert count(VoucherCall) == 0


def test_close_compute_review_publish(browser, calls_world, make_user):
    call = open_call([calls_world.crema], budget_cents=40000)
    people = [calls_world.resident, calls_world.other, make_user("terza@example.org", [], "Terza Persona")]
    isee = ["20.000", "5.000", "5.000"]
    for n, (user, value) in enumerate(zip(people, isee, strict=True), start=1):
        as_user(browser, user)
        assert apply(browser, call, application_data(calls_world.crema, n, isee=value)).status_code == 302
    as_user(browser, calls_world.coordinator)
    manage = f"/per-il-tuo-tempo/gestione-bandi/{call.id}"
    # computing before the close is refused
    early = browser.post(manage + "/calcola")
    assert "La graduatoria si calcola dopo la chiusura del bando." in text(
        browser.get(early.headers["Location"])
    )
    assert browser.post(manage + "/chiudi").status_code == 302
    assert "Il bando è già chiuso." in text(browser.get(browser.post(manage + "/chiudi")
                                                         .headers["Location"]))  # fmt: skip
    early_publish = browser.post(manage + "/pubblica")
    assert "Calcola la graduatoria prima di pubblicarla." in text(
        browser.get(early_publish.headers["Location"])
    )
    browser.post(manage + "/calcola")
    review = text(browser.get(manage))
    assert "Graduatoria calcolata, non ancora pubblicata" in review
    ranked = db.session.scalars(select(Application).order_by(Application.rank)).all()
    # ISEE 5.000 (10 points) before 20.000 (5 points); equal points: the earlier protocol first
    assert [a.seq for a in ranked] == [2, 3, 1] and [a.points for a in ranked] == [11, 11, 6]
    assert browser.get(f"/per-il-tuo-tempo/bandi/{call.id}/graduatoria").status_code == 404
    browser.post(manage + "/pubblica")
    vouchers = db.session.scalars(select(Voucher)).all()
    assert sorted(v.application_id for v in vouchers) == sorted(a.id for a in ranked[:2])
    public = browser.get(f"/per-il-tuo-tempo/bandi/{call.id}/graduatoria")
    body = text(public)
    for a in ranked:
        assert a.number in body
    assert "Persona" not in body and "Rita" not in body and fiscal_code(1) not in body
    assert body.count("Voucher assegnato") == 2 and body.count("Lista di riserva") == 1
    kinds = sorted(db.session.scalars(select(Message.kind).where(Message.kind != "call_received")))
    assert kinds == ["call_ranking"] * 3 + ["call_voucher_assigned"] * 2
    again = browser.post(manage + "/pubblica")
    assert "La graduatoria è già pubblicata." in text(browser.get(again.headers["Location"]))
    assert count(Voucher) == 2


def test_the_applicant_reads_her_place_only_once_published(browser, calls_world):
    call = open_call([calls_world.crema])
    as_user(browser, calls_world.resident)
    apply(browser, call, application_data(calls_world.crema, 1, isee="5.000"))
    number = db.session.scalar(select(Application.number))
    as_user(browser, calls_world.coordinator)
    manage = f"/per-il-tuo-tempo/gestione-bandi/{call.id}"
    browser.post(manage + "/chiudi")
    browser.post(manage + "/calcola")
    as_user(browser, calls_world.resident)
    # Computed, not yet published: the coordinator may still compute it again.
    page = text(browser.get(f"/per-il-tuo-tempo/domande/{number}"))
    assert "Posizione in graduatoria" not in page and "Vedi la graduatoria pubblicata" not in page
    as_user(browser, calls_world.coordinator)
    browser.post(manage + "/pubblica")
    as_user(browser, calls_world.resident)
    response = browser.get(f"/per-il-tuo-tempo/domande/{number}")
    assert "Posizione in graduatoria: 1, con 11 punti. Vedi la graduatoria pubblicata" in text(response)
    # "entro sabato 5 giugno 2027", never "entro il sabato …"
    expires = format_date(db.session.scalar(select(Voucher.expires_on)), "EEEE d MMMM y", locale="it")
    assert f"Voucher da 200,00 €: restano 200,00 €, da usare entro {expires}." in text(response)
    assert f'href="/per-il-tuo-tempo/bandi/{call.id}/graduatoria"' in response.get_data(as_text=True)


def test_steps_need_the_csrf_token(browser, calls_world):
    call = closed_call([calls_world.crema])
    as_user(browser, calls_world.coordinator)
    response = browser.post(f"/per-il-tuo-tempo/gestione-bandi/{call.id}/calcola", csrf=False)
    assert response.status_code == 400
    assert db.session.get(VoucherCall, call.id).ranked_at is None


# --- the applicant's identity from SPID or CIE -----------------------------------------------------


def spid(user, code, born=date(1984, 4, 2)) -> None:
    db.session.add(VerifiedIdentity(user_id=user.id, fiscal_number=code, given_name="Rita", family_name="Bianchi",
                                    date_of_birth=born, method="spid", provider="https://idp.example"))  # fmt: skip
    db.session.commit()


def test_spid_fills_the_applicants_identity_read_only(browser, calls_world):
    call = open_call([calls_world.crema])
    spid(calls_world.resident, fiscal_code(7))
    as_user(browser, calls_world.resident)
    page = browser.get(f"/per-il-tuo-tempo/bandi/{call.id}/domanda").get_data(as_text=True)
    assert "vengono dall'identità digitale (SPID o CIE)" in page
    for name, value in (
        ("fiscal_code", fiscal_code(7)),
        ("full_name", "Rita Bianchi"),
        ("birth_date", "1984-04-02"),
    ):
        assert f'name="{name}" readonly required type="' in page and f'value="{value}"' in page
    # posted values for the identity are ignored: the application holds SPID's
    data = application_data(calls_world.crema, 1, fiscal_code=fiscal_code(8), full_name="Altro Nome",
                            birth_date="ieri")  # fmt: skip
    response = apply(browser, call, data)
    assert response.status_code == 302, text(response)
    application = db.session.scalar(select(Application))
    assert (application.fiscal_code, application.full_name, application.birth_date) == (
        fiscal_code(7), "Rita Bianchi", date(1984, 4, 2))  # fmt: skip


def test_without_spid_the_applicant_writes_their_identity(browser, calls_world):
    call = open_call([calls_world.crema])
    as_user(browser, calls_world.resident)
    page = browser.get(f"/per-il-tuo-tempo/bandi/{call.id}/domanda").get_data(as_text=True)
    assert "identità digitale" not in page and "readonly" not in page
    response = apply(browser, call, application_data(calls_world.crema, 1, fiscal_code="abc"))
    assert response.status_code == 400 and count(Application) == 0
