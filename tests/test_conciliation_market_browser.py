"""In a real browser (tests/browser/conciliation_market.mjs), at 390 and 1280 px: a resident
browses Per il tuo tempo's catalogue, orders a service and reads what to pay and that nothing is
paid online; the provider's staff member reads the day's queue, accepts the order and marks an
earlier one delivered. axe-core finds no serious or critical violation. (In CI a skip is a failure.)"""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.auth import services as accounts
from app.common.timeutil import today_in_rome
from app.conciliation.models import Order
from app.platform.extensions import db
from tests import factories
from tests.browser_support import PASSWORD, empty_app, require_browser, run_script, served
from tests.conciliation_market_support import make_provider, make_service

pytestmark = pytest.mark.browser


def _user(email: str, name: str) -> User:
    user = accounts.create_user(email, name, set())
    user.set_password(PASSWORD)
    return user


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("conciliation-market")
    app = empty_app(workdir, "conciliation-market")
    with app.app_context():
        crema = factories.town("Crema")
        factories.town("Cremona")
        staff, resident = (
            _user("elena@girasole.example", "Elena Pavesi"),
            _user("chiara@example.org", "Chiara Ferrari"),
        )
        provider = make_provider(towns=[crema], staff=staff)
        service = make_service(provider, [crema])
        walks = {}
        for offset, label in ((3, "phone"), (4, "desktop")):
            past = Order(
                service=service, provider=provider, user=resident, town=crema, day=today_in_rome() - timedelta(days=1),
                start_time=time(9), quantity=1, unit_cents=1200, total_cents=1200, family_cents=1200,
                address="Via Verdi 3", state="accepted",
            )  # fmt: skip
            db.session.add(past)
            db.session.flush()
            walks[label] = {
                "day": (today_in_rome() + timedelta(days=offset)).isoformat(),
                "past_order": past.id,
            }
        db.session.commit()
        config = {"resident": resident.email, "staff": staff.email, "password": PASSWORD, "provider": provider.id,
                  "walks": walks}  # fmt: skip
    with served(app) as base:
        found = run_script("browser/conciliation_market.mjs", {**config, "base": base}, workdir)
    with app.app_context():
        rows = db.session.execute(
            select(Order.state, Order.quantity, Order.family_cents).order_by(Order.id)
        ).all()
        db.engine.dispose()
    return found, rows


def test_the_orders_are_placed_accepted_and_delivered(results):
    _, rows = results
    assert rows == [
        ("delivered", 1, 1200),
        ("delivered", 1, 1200),
        ("accepted", 3, 3600),
        ("accepted", 3, 3600),
    ]


def steps(results) -> dict[str, str]:
    """What each page's main read, its whitespace (non-breaking spaces too) collapsed."""
    return {key: " ".join(value.split()) for key, value in results[0]["steps"].items()}


@pytest.mark.parametrize("label", ["phone", "desktop"])
def test_what_the_resident_reads(results, label):
    read = steps(results)
    assert "Stireria a domicilio" in read[f"catalogue_{label}"]
    assert "Cooperativa Il Girasole" in read[f"catalogue_{label}"]
    assert "Per te vale il prezzo pieno: 12,00 € per ora." in read[f"service_{label}"]
    assert "Nessun pagamento online." in read[f"service_{label}"]
    order = read[f"order_{label}"]
    assert "In attesa di risposta" in order and "Da pagare al fornitore 36,00 €" in order
    assert "La famiglia paga la sua parte direttamente al fornitore" in order


@pytest.mark.parametrize("label", ["phone", "desktop"])
def test_what_the_staff_member_reads(results, label):
    read = steps(results)
    queue = read[f"queue_{label}"]
    assert (
        "10:00 · Stireria a domicilio · 3 ore" in queue and "Chiara Ferrari · Via Mazzini 12, Crema" in queue
    )
    assert "Stato: In attesa di risposta · la famiglia paga 36,00 €" in queue
    assert "La famiglia ti paga 36,00 €" in read[f"provider_order_{label}"]
    assert "Stato: Accettato" in read[f"accepted_{label}"]
    assert "Stato: Svolto" in read[f"delivered_{label}"]


def test_no_serious_accessibility_violations_or_console_errors(results):
    found, _ = results
    assert found["axe"] and all(v == [] for v in found["axe"].values()), found["axe"]
    assert found["console"] == []
