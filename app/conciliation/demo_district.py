"""Per il tuo tempo at the district's scale (part of `flask demo load --scale district`): a dozen
providers with ten services each, three alliance companies, a voucher call of the last year with
100 vouchers, and a year of orders: about 3,800 delivered to 280 residents (vouchers paying first,
while they last), some refused or cancelled, and the coming fortnight's requests. Deterministic
(everything follows from the indexes and `today`), bulk inserts for the orders and the ledger."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert

from app.accounts.models import User
from app.common.timeutil import ROME
from app.conciliation import protocol
from app.conciliation.demo import ensure_categories
from app.conciliation.demo_calls import BANDS, code
from app.conciliation.models import (
    AllianceCompany,
    AllianceEmployee,
    EmployeeState,
    Order,
    OrderState,
    Provider,
    ProviderStaff,
    ProviderState,
    Service,
)
from app.conciliation.voucher_models import Application, Movement, Voucher, VoucherCall, VoucherMovement
from app.platform.extensions import db
from app.towns.models import Town

PROVIDERS, SERVICES_PER_PROVIDER, TOWNS_PER_PROVIDER = 12, 10, 8
RESIDENTS, VOUCHERS, DELIVERED_PER_DAY = 280, 100, 10.5  # ≈ 3,800 delivered orders in 365 days
VOUCHER_CENTS, VALIDITY_DAYS = 40_000, 180
COMPANIES = ["Latteria del Distretto", "Officine Cremasche", "Banca di Comunità"]
QUEUE_PER_DAY = 60  # the first provider's requests on each of the coming days
PRICES = [(450, 350), (1200, 950), (1500, 1100), (1800, 1500), (600, 400)]


def staff_email(p: int) -> str:
    return f"fornitore{p:02d}.distretto@legami.example"


def _instant(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), ROME).astimezone(UTC)


def load(today: date, towns: list[Town], residents: list[User], staff: list[User]) -> None:
    """`residents`: at least RESIDENTS accounts; `staff`: one account per provider."""
    categories = list(ensure_categories().values())
    services = _market(today, towns, staff, categories)
    company_of = _alliance(today, residents)
    vouchers = _vouchers(today, towns, residents)
    _orders(today, residents[:RESIDENTS], services, company_of, vouchers)


def _market(today, towns, staff, categories) -> list[Service]:
    providers, services = [], []
    for p in range(PROVIDERS):
        served = [towns[(p * 4 + t) % len(towns)] for t in range(min(TOWNS_PER_PROVIDER, len(towns)))]
        provider = Provider(
            name=f"Cooperativa del distretto {p:02d}", tax_code=f"{p + 1:011d}", email=f"ordini{p:02d}@coop.example",
            phone="0373 200100", state=ProviderState.ACCREDITED, description="Cooperativa sociale del distretto.",
            towns=served, state_on=today - timedelta(days=400),
        )  # fmt: skip
        provider.staff_links.append(ProviderStaff(user=staff[p]))
        providers.append(provider)
        for s in range(SERVICES_PER_PROVIDER):
            full, alliance = PRICES[(p + s) % len(PRICES)]
            category = categories[(p + s) % len(categories)]
            services.append(Service(
                provider=provider, category=category, title=f"{category.name} {p:02d}-{s}", unit="hour",
                full_cents=full, alliance_cents=alliance, lead_hours=24, weekdays="0,1,2,3,4,5",
                opens_at=time(8), closes_at=time(20), towns=served[: 3 + s % 5],
                description=f"{category.name}, nei Comuni serviti da {provider.name}.",
            ))  # fmt: skip
    db.session.add_all(providers + services)
    db.session.flush()
    return services


def _alliance(today: date, residents: list[User]) -> dict[int, int]:
    """Three member companies; every seventh resident a confirmed employee. {user id: company id}."""
    companies = [
        AllianceCompany(name=name, domains=f"azienda{c}.example", hr_name="Ufficio del personale",
                        hr_email=f"personale@azienda{c}.example", joined_on=today - timedelta(days=500))
        for c, name in enumerate(COMPANIES)
    ]  # fmt: skip
    db.session.add_all(companies)
    db.session.flush()
    members = {}
    for n, user in enumerate(residents[:RESIDENTS:7]):
        company = companies[n % len(companies)]
        members[user.id] = company.id
        db.session.add(AllianceEmployee(
            company_id=company.id, user_id=user.id, work_email=f"dipendente{n}@azienda{n % 3}.example",
            method="domain", state=EmployeeState.CONFIRMED, confirmed_at=_instant(today - timedelta(days=400), 9),
        ))  # fmt: skip
    return members


def _vouchers(today: date, towns: list[Town], residents: list[User]) -> dict[int, tuple[int, date, date]]:
    """A call closed eight months ago, ranked, VOUCHERS vouchers assigned (an assign movement each).
    {user id: (voucher id, assigned on, expires on)}."""
    opens, assigned_on = today - timedelta(days=300), today - timedelta(days=240)
    call = VoucherCall(
        title="Voucher conciliazione del distretto", budget_cents=VOUCHERS * VOUCHER_CENTS,
        voucher_cents=VOUCHER_CENTS, opens_at=_instant(opens, 0), closes_at=_instant(opens + timedelta(days=30), 0),
        validity_days=VALIDITY_DAYS, isee_bands=BANDS, incompatibilities=[], towns=towns,
        ranked_at=_instant(assigned_on, 9), published_at=_instant(assigned_on, 10),
    )  # fmt: skip
    db.session.add(call)
    db.session.flush()
    applications = []
    for n, user in enumerate(residents[:VOUCHERS]):
        year = opens.year
        seq, number = protocol.next_number(year)
        applications.append(Application(
            call_id=call.id, user_id=user.id, year=year, seq=seq, number=number, fiscal_code=code(500 + n),
            full_name=user.full_name, birth_date=date(1980 + n % 15, 1 + n % 12, 1), employment="employee",
            weekly_hours=30, employer="Cooperativa Il Sole", fund="", town_id=towns[n % len(towns)].id,
            town_link="residence", isee_cents=(6_000 + 150 * n) * 100, isee_issued_on=opens - timedelta(days=20),
            declarations=["veridicita", "privacy"], submitted_at=_instant(opens + timedelta(days=n % 30), 10),
            points=20 - n // 10, rank=n + 1,
        ))  # fmt: skip
    db.session.add_all(applications)
    db.session.flush()
    vouchers = [
        Voucher(call_id=call.id, application_id=a.id, value_cents=VOUCHER_CENTS, assigned_on=assigned_on,
                expires_on=assigned_on + timedelta(days=VALIDITY_DAYS))
        for a in applications
    ]  # fmt: skip
    db.session.add_all(vouchers)
    db.session.flush()
    db.session.execute(insert(VoucherMovement), [
        {"voucher_id": v.id, "kind": Movement.ASSIGN, "cents": VOUCHER_CENTS, "order_id": None,
         "created_at": _instant(assigned_on, 10)}
        for v in vouchers
    ])  # fmt: skip
    return {
        a.user_id: (v.id, v.assigned_on, v.expires_on) for a, v in zip(applications, vouchers, strict=True)
    }


def _orders(today, residents, services, company_of, vouchers) -> None:
    """A year of delivered orders (a few refused or cancelled among them), the vouchers paying first
    while valid and not spent; then the expired vouchers' rest, and the coming days' requests."""
    rows, spends, balance = [], [], {voucher_id: VOUCHER_CENTS for voucher_id, _, _ in vouchers.values()}
    total_orders = int(365 * DELIVERED_PER_DAY * 1.06)
    for i in range(total_orders):
        day = today - timedelta(days=365 - i * 365 // total_orders)
        service, user = services[(i * 7) % len(services)], residents[(i * 13) % len(residents)]
        state = OrderState.DELIVERED
        if i % 50 == 7:
            state = OrderState.REFUSED
        elif i % 50 in (19, 41):
            state = OrderState.CANCELLED
        row = _row(service, user, day, 8 + i % 11, 1 + i % 3, state, company_of)
        held = vouchers.get(user.id)
        if state == OrderState.DELIVERED and held and held[1] <= day <= held[2] and balance[held[0]] > 0:
            paid = min(balance[held[0]], row["total_cents"])
            balance[held[0]] -= paid
            row.update(voucher_id=held[0], voucher_cents=paid, family_cents=row["total_cents"] - paid)
            spends.append((len(rows), held[0], paid, day))
        rows.append(row)
    first = services[0].provider_id
    queue = [s for s in services if s.provider_id == first]
    for d in range(1, 15):
        for q in range(QUEUE_PER_DAY if d == 2 else 6):
            rows.append(_row(queue[q % len(queue)], residents[(d * 31 + q) % len(residents)], today + timedelta(days=d),
                             8 + q % 12, 1 + q % 2, OrderState.ACCEPTED if q % 3 else OrderState.REQUESTED, company_of))  # fmt: skip
    ids = list(db.session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), rows))
    ledger = [
        {"voucher_id": voucher_id, "kind": Movement.SPEND, "cents": -paid, "order_id": ids[index],
         "created_at": _instant(day, 19)}
        for index, voucher_id, paid, day in spends
    ]  # fmt: skip
    for voucher_id, _, expires_on in vouchers.values():
        if expires_on < today and balance[voucher_id] > 0:
            ledger.append({"voucher_id": voucher_id, "kind": Movement.EXPIRE, "cents": -balance[voucher_id],
                           "order_id": None, "created_at": _instant(expires_on + timedelta(days=1), 1)})  # fmt: skip
    db.session.execute(insert(VoucherMovement), ledger)
    expired = [voucher_id for voucher_id, _, expires_on in vouchers.values() if expires_on < today]
    for voucher in db.session.query(Voucher).filter(Voucher.id.in_(expired)):
        voucher.expired_at = _instant(voucher.expires_on + timedelta(days=1), 1)


def _row(service, user, day, hour, quantity, state, company_of) -> dict:
    alliance = user.id in company_of
    unit = service.alliance_cents if alliance else service.full_cents
    created = _instant(day - timedelta(days=3), 12)
    decided = created + timedelta(hours=5) if state != OrderState.REQUESTED else None
    return {
        "service_id": service.id, "provider_id": service.provider_id, "user_id": user.id,
        "town_id": service.towns[user.id % len(service.towns)].id, "day": day, "start_time": time(hour),
        "quantity": quantity, "unit_cents": unit, "is_alliance_price": alliance, "total_cents": unit * quantity,
        "voucher_cents": 0, "family_cents": unit * quantity, "voucher_id": None, "address": "Via Roma 1",
        "note": "", "state": state, "refusal_reason": "Nessun operatore libero" if state == OrderState.REFUSED else "",
        "created_at": created, "decided_at": decided,
        "delivered_at": _instant(day, 19) if state == OrderState.DELIVERED else None,
        "cancelled_at": created + timedelta(hours=2) if state == OrderState.CANCELLED else None, "version": 1,
    }  # fmt: skip
