"""In a real browser (tests/browser/conciliation_keeping.mjs), at 390 and 1280 px, what keeps Per il
tuo tempo going: a coordinator accredits a provider and adds a company to the alliance; the
provider's staff member adds a service to the catalogue and edits its prices, towns, days and
hours; a resident proves she works for the company (the link of the message in the outbox),
reads the alliance price, orders, cancels in time, then reads her place in the published ranking
and her voucher's balance; a coordinator reads Per il tuo tempo's figures on the dashboard.
axe-core finds no serious or critical violation. (In CI a skip is a failure.)"""

from datetime import date, time, timedelta
from time import monotonic

import pytest
from flask import request
from sqlalchemy import select

from app.accounts.models import Role, User
from app.auth import services as accounts
from app.common.timeutil import today_in_rome, utcnow
from app.conciliation import calls, vouchers
from app.conciliation.eligibility import Draft, Member
from app.conciliation.models import (
    AllianceCompany,
    AllianceEmployee,
    Order,
    Provider,
    ProviderStaff,
    ProviderState,
    Service,
)
from app.conciliation.voucher_models import Application, Voucher
from app.messages.models import Message
from app.messages.render import render
from app.platform.extensions import db
from tests import factories
from tests.browser_support import PASSWORD, empty_app, require_browser, run_script, served
from tests.calls_support import fiscal_code, open_call
from tests.conciliation_market_support import make_provider, make_service, vat

pytestmark = pytest.mark.browser

LABELS = ("phone", "desktop")


def _user(email: str, name: str, roles=()) -> User:
    user = accounts.create_user(email, name, set(roles))
    user.set_password(PASSWORD)
    return user


def _outbox(app) -> None:
    """The test's window on the outbox: the text of the last message to an address, as it will
    be sent (a resident reads the alliance link there, as she would in her mail)."""

    def last_message():
        found = db.session.scalar(
            select(Message).where(Message.to_email == request.args["a"]).order_by(Message.id.desc())
        )
        return (render(found)[2], 200, {"Content-Type": "text/plain; charset=utf-8"}) if found else ("", 404)

    app.add_url_rule("/_e2e/ultimo-messaggio", "e2e_last_message", last_message)


def _published_call(crema, residents) -> dict[str, str]:
    """A published call where each resident holds a voucher; the first has spent 50,00 € of it
    on a service delivered today. Returns each resident's protocol number."""
    call = open_call([crema], title="Voucher conciliazione 2026")
    today = today_in_rome()
    numbers = {}
    for n, (label, user) in enumerate(residents.items(), start=1):
        code = fiscal_code(700 + n)
        draft = Draft(code, date(1986, 1, 1), "employee", 30, crema.id, 900_000 * n, today - timedelta(days=20),
                      ["veridicita", "privacy", "incompatibile-0"], [Member(code, 40), Member(fiscal_code(800 + n), 9)])  # fmt: skip
        details = {"full_name": user.full_name, "employer": "Ditta", "fund": "", "town_link": "residence"}
        numbers[label] = calls.submit(call, draft, user, details, utcnow(), today).number
    call.closes_at = utcnow() - timedelta(seconds=1)
    calls.compute(call, utcnow())
    calls.publish(call, utcnow(), today)
    db.session.flush()
    return numbers


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("conciliation-keeping")
    app = empty_app(workdir, "conciliation-keeping", MAIL_DISPATCH="none")
    _outbox(app)
    with app.app_context():
        crema, cremona = factories.town("Crema"), factories.town("Cremona")
        _user("cora@comune.example", "Cora Coordinatrice", [Role.COORDINATOR])
        staff = _user("elena@solidale.example", "Elena Pavesi")
        residents = {
            "phone": _user("chiara@example.org", "Chiara Ferrari"),
            "desktop": _user("sara@example.org", "Sara Bonetti"),
        }
        # The providers waiting to be accredited, one for each walk, kept by the same staff member.
        waiting = {}
        for label, (name, code) in zip(LABELS, (("Cooperativa Sole e Luna", "0234567890"),
                                                ("Consorzio Casa Amica", "0345678901")), strict=True):  # fmt: skip
            provider = Provider(name=name, tax_code=vat(code), email=f"ordini@{code}.example",
                                state=ProviderState.REQUESTED, towns=[crema, cremona])  # fmt: skip
            provider.staff_links.append(ProviderStaff(user=staff))
            db.session.add(provider)
            db.session.flush()
            waiting[label] = provider.id
        # A service delivered today, half paid with the first resident's voucher.
        girasole = make_provider(towns=[crema])
        ironing = make_service(girasole, [crema])
        numbers = _published_call(crema, residents)
        delivered = Order(
            service=ironing, provider=girasole, user=residents["phone"], town=crema, day=today_in_rome(),
            start_time=time(9), quantity=5, unit_cents=1200, total_cents=6000, voucher_cents=5000,
            family_cents=1000, address="Via Verdi 3", state="delivered",
        )  # fmt: skip
        db.session.add(delivered)
        db.session.flush()
        voucher = db.session.scalar(
            select(Voucher).join(Application).where(Application.number == numbers["phone"])
        )
        delivered.voucher_id = voucher.id
        vouchers.spend(voucher, 5000, delivered.id, today_in_rome())
        db.session.commit()
        girasole_id, delivered_id = girasole.id, delivered.id
        ranks = dict(db.session.execute(select(Application.number, Application.rank)).all())
        points = dict(db.session.execute(select(Application.number, Application.points)).all())
        walks = {
            label: {
                "provider": waiting[label], "resident": residents[label].email, "number": numbers[label],
                "day": (today_in_rome() + timedelta(days=3 + index)).isoformat(),
                "joined": (today_in_rome() - timedelta(days=index)).isoformat(),
            }
            for index, label in enumerate(LABELS)
        }  # fmt: skip
        config = {
            "coordinator": "cora@comune.example",
            "staff": staff.email,
            "password": PASSWORD,
            "walks": walks,
        }
    with served(app) as base:
        app.config["PUBLIC_URL"] = base
        started = monotonic()
        found = run_script("browser/conciliation_keeping.mjs", {**config, "base": base}, workdir)
        print(f"conciliation keeping walk: {monotonic() - started:.1f} s")
    with app.app_context():
        saved = {
            "providers": dict(db.session.execute(select(Provider.name, Provider.state)).all()),
            "companies": db.session.execute(
                select(AllianceCompany.name, AllianceCompany.domains).order_by(AllianceCompany.name)
            ).all(),
            "employees": db.session.execute(
                select(User.email, AllianceEmployee.state).join(AllianceEmployee.user).order_by(User.email)
            ).all(),
            "services": db.session.execute(
                select(
                    Service.title,
                    Service.full_cents,
                    Service.alliance_cents,
                    Service.weekdays,
                    Service.opens_at,
                    Service.closes_at,
                )
                .where(Service.provider_id != girasole_id)
                .order_by(Service.title)
            ).all(),
            "service_towns": {
                s.title: sorted(t.name for t in s.towns)
                for s in db.session.scalars(select(Service).where(Service.provider_id != girasole_id))
            },
            "orders": db.session.execute(
                select(Order.state, Order.unit_cents, Order.total_cents, Order.family_cents)
                .where(Order.id != delivered_id)
                .order_by(Order.id)
            ).all(),
        }
        db.engine.dispose()
    return found, saved, {n: (ranks[n], points[n]) for n in numbers.values()}, numbers


def steps(results) -> dict[str, str]:
    """What each page's main read, its whitespace (non-breaking spaces too) collapsed."""
    return {key: " ".join(value.split()) for key, value in results[0]["steps"].items()}


def test_what_the_database_holds_after_the_walks(results):
    _, saved, _, _ = results
    assert saved["providers"]["Cooperativa Sole e Luna"] == "accredited"
    assert saved["providers"]["Consorzio Casa Amica"] == "accredited"
    assert saved["companies"] == [
        ("Latteria Cremasca", "latteria.example"),
        ("Ospedale Maggiore", "asst-crema.example,ospedale.example"),
    ]
    assert saved["employees"] == [("chiara@example.org", "confirmed"), ("sara@example.org", "confirmed")]
    assert saved["services"] == [
        ("Baby sitting del sabato", 1250, 950, "0,1,2,3,4,5,6", time(8), time(21, 30)),
        ("Baby sitting serale", 1250, 950, "0,1,2,3,4,5,6", time(8), time(21, 30)),
    ]
    assert saved["service_towns"] == {"Baby sitting serale": ["Crema", "Cremona"],
                                      "Baby sitting del sabato": ["Crema", "Cremona"]}  # fmt: skip
    assert saved["orders"] == [("cancelled", 950, 1900, 1900), ("cancelled", 950, 1900, 1900)]


@pytest.mark.parametrize("label", LABELS)
def test_what_the_coordinator_reads(results, label):
    read = steps(results)
    name = {"phone": "Cooperativa Sole e Luna", "desktop": "Consorzio Casa Amica"}[label]
    assert f"{name} · Accreditamento richiesto" in read[f"coordination_{label}"]
    assert f"{name} Accreditamento richiesto" in read[f"requested_{label}"]
    assert "Accredita Motivo della sospensione Sospendi" in read[f"requested_{label}"]
    accredited = read[f"accredited_{label}"]
    assert "Fornitore accreditato." in accredited and f"{name} Accreditato dal" in accredited
    company = {
        "phone": "Latteria Cremasca · latteria.example",
        "desktop": "Ospedale Maggiore · asst-crema.example, ospedale.example",
    }[label]
    assert (
        "Azienda aggiunta all'alleanza." in read[f"company_{label}"] and company in read[f"company_{label}"]
    )


@pytest.mark.parametrize("label", LABELS)
def test_what_the_staff_member_reads(results, label):
    read = steps(results)
    title = {"phone": "Baby sitting serale", "desktop": "Baby sitting del sabato"}[label]
    added = read[f"service_added_{label}"]
    assert "Servizio aggiunto al catalogo." in added
    assert f"{title} · Baby sitting · prezzo pieno 12,50 € · alleanza 10,00 € per ora" in added
    edited = read[f"service_edited_{label}"]
    assert (
        "Servizio salvato." in edited
        and f"{title} · Baby sitting · prezzo pieno 12,50 € · alleanza 9,50 € per ora" in edited
    )


@pytest.mark.parametrize("label", LABELS)
def test_what_the_resident_reads(results, label):
    read = steps(results)
    person, company, title = {
        "phone": ("Chiara Ferrari", "Latteria Cremasca", "Baby sitting serale"),
        "desktop": ("Sara Bonetti", "Ospedale Maggiore", "Baby sitting del sabato"),
    }[label]
    assert "Richiesta inviata: apri il link nel messaggio per confermarla." in read[f"joined_{label}"]
    assert f"{company}: in attesa di conferma" in read[f"joined_{label}"]
    assert f"{person} lavora per {company} e chiede le tariffe dell'alleanza." in read[f"confirm_{label}"]
    assert (
        f"Confermato: {person} ha le tariffe dell'alleanza come personale di {company}."
        in read[f"confirmed_{label}"]
    )
    catalogue = read[f"catalogue_{label}"]
    assert title in catalogue and "Prezzo pieno: 12,50 € / ora · Prezzo alleanza: 9,50 € / ora" in catalogue
    assert "Comuni: Crema, Cremona" in catalogue
    service = read[f"service_{label}"]
    assert f"Per te vale il prezzo alleanza ({company}): 9,50 € per ora." in service
    assert "Orari: 08:00–21:30" in service
    assert "Inviato l'ordine, la sua pagina mostra quanto paga il voucher e quanto resta a te." in service
    order = read[f"order_{label}"]
    assert "In attesa di risposta" in order and "2 × 9,50 € (prezzo alleanza)" in order
    assert "Totale 19,00 €" in order and "Da pagare al fornitore 19,00 €" in order
    cancelled = read[f"cancelled_{label}"]
    assert "Ordine annullato: il fornitore riceve un messaggio." in cancelled and "Annullato" in cancelled
    assert "Annulla l'ordine" not in cancelled
    assert (
        f"{title} · " in read[f"my_orders_{label}"]
        and "Annullato · da pagare 19,00 €" in read[f"my_orders_{label}"]
    )


@pytest.mark.parametrize("label", LABELS)
def test_the_resident_reads_her_place_and_her_voucher(results, label):
    _, _, ranking, numbers = results
    read = steps(results)
    number = numbers[label]
    rank, points = ranking[number]
    application = read[f"application_{label}"]
    assert f"Posizione in graduatoria: {rank}, con {points} punti." in application
    left = {"phone": "150,00 €", "desktop": "200,00 €"}[label]
    assert f"Voucher da 200,00 €: restano {left}, da usare entro " in application
    assert f"{rank} {number} {points} Voucher assegnato" in read[f"ranking_{label}"]
    assert "Ferrari" not in read[f"ranking_{label}"] and "Bonetti" not in read[f"ranking_{label}"]


@pytest.mark.parametrize("label", LABELS)
def test_the_coordinator_reads_the_figures(results, label):
    figures = steps(results)[f"dashboard_{label}"]
    assert "1 Persone servite 1 Servizi erogati 2 Voucher assegnati 1 Voucher usati" in figures
    assert "Stireria 1" in figures
    assert "Voucher assegnati (valore) 400,00 €" in figures
    assert "Voucher spesi (al netto dei rimborsi) 50,00 €" in figures
    assert "Servizi erogati: pagato con voucher 50,00 €" in figures
    assert "Servizi erogati: pagato dalle famiglie 10,00 €" in figures


def test_no_serious_accessibility_violations_or_console_errors(results):
    found = results[0]
    assert found["axe"] and all(v == [] for v in found["axe"].values()), found["axe"]
    assert found["console"] == []
