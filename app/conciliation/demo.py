"""A small, walkable marketplace: three providers (two accredited, one waiting), a few services,
one alliance company with a confirmed employee, and orders in each state. Invented people."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.auth import services as accounts
from app.common.timeutil import ROME, utcnow
from app.conciliation.models import (
    SEED_CATEGORIES,
    AllianceCompany,
    AllianceEmployee,
    EmployeeState,
    Order,
    OrderState,
    Provider,
    ProviderStaff,
    ProviderState,
    Service,
    ServiceCategory,
)
from app.platform.extensions import db
from app.towns.models import Town

PROVIDERS = [
    # name, partita IVA, e-mail, phone, state, towns, staff (e-mail, name)
    ("Cooperativa Il Girasole", "01234567897", "ordini@girasole.example", "0373 200100", ProviderState.ACCREDITED,
     ["Crema", "Offanengo", "Bagnolo Cremasco"], ("fornitore.girasole@legami.example", "Elena Pavesi")),
    ("Consorzio Casa Amica", "02345678904", "servizi@casamica.example", "0372 410220", ProviderState.ACCREDITED,
     ["Cremona", "Vescovato", "Castelverde"], ("fornitore.casamica@legami.example", "Stefano Guarneri")),
    ("Stireria Solidale Soncino", "03456789019", "stireria@soncino.example", "0374 85210", ProviderState.REQUESTED,
     ["Soncino"], ("fornitore.soncino@legami.example", "Rita Bonetti")),
]  # fmt: skip
SERVICES = [
    # provider index, category slug, title, unit, full, alliance, lead hours, weekdays, opens, closes
    (0, "stireria", "Stireria a domicilio: ritiro e consegna", "kg", 450, 350, 24, "0,1,2,3,4", 8, 18),
    (0, "baby-sitting", "Baby sitting pomeridiano", "hour", 1200, 950, 48, "0,1,2,3,4,5", 14, 20),
    (0, "maggiordomo-di-via", "Maggiordomo di via: commissioni", "visit", 1500, 1100, 24, "0,1,2,3,4", 9, 17),
    (1, "pulizie", "Pulizie straordinarie", "hour", 1800, 1500, 48, "0,1,2,3,4,5", 8, 16),
    (1, "consegna-farmaci", "Consegna dei farmaci a casa", "visit", 600, 400, 4, "0,1,2,3,4,5", 9, 19),
]  # fmt: skip
RESIDENT = ("famiglia.ferrari@legami.example", "Chiara Ferrari")


def ensure_categories() -> dict[str, ServiceCategory]:
    """The seed categories (the migration inserts them; a database made by create_all lacks them)."""
    found = {c.slug: c for c in db.session.scalars(select(ServiceCategory))}
    for slug, name in SEED_CATEGORIES:
        if slug not in found:
            found[slug] = ServiceCategory(slug=slug, name=name)
            db.session.add(found[slug])
    db.session.flush()
    return found


def _user(email: str, name: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = accounts.create_user(email, name, set())
        user.set_password(password)
    return user


def _next_weekday(day: date, weekdays: list[int]) -> date:
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day


def load(today: date, password: str) -> None:
    """Add the demo marketplace unless a provider exists already."""
    if db.session.scalar(select(Provider.id).limit(1)) is not None:
        return
    categories = ensure_categories()
    towns = {t.name: t for t in db.session.scalars(select(Town))}
    providers = []
    for name, code, email, phone, state, served, (staff_email, staff_name) in PROVIDERS:
        provider = Provider(
            name=name, tax_code=code, email=email, phone=phone, state=state, address="",
            description="Cooperativa sociale del distretto.", towns=[towns[t] for t in served if t in towns],
            state_on=today - timedelta(days=90) if state == ProviderState.ACCREDITED else None,
        )  # fmt: skip
        provider.staff_links.append(ProviderStaff(user=_user(staff_email, staff_name, password)))
        db.session.add(provider)
        providers.append(provider)
    services = []
    for index, slug, title, unit, full, alliance, lead, weekdays, opens, closes in SERVICES:
        service = Service(
            provider=providers[index], category=categories[slug], title=title, unit=unit, full_cents=full,
            alliance_cents=alliance, lead_hours=lead, weekdays=weekdays, opens_at=time(opens), closes_at=time(closes),
            towns=list(providers[index].towns), description=f"{title}, nei Comuni serviti da {providers[index].name}.",
        )  # fmt: skip
        db.session.add(service)
        services.append(service)
    company = AllianceCompany(
        name="Latteria Cremasca", domains="latteria-cremasca.example", hr_name="Ufficio del personale",
        hr_email="personale@latteria-cremasca.example", joined_on=today - timedelta(days=200),
    )  # fmt: skip
    resident = _user(*RESIDENT, password)
    db.session.add(company)
    db.session.add(AllianceEmployee(
        company=company, user=resident, work_email="chiara.ferrari@latteria-cremasca.example", method="domain",
        state=EmployeeState.CONFIRMED, confirmed_at=utcnow(),
    ))  # fmt: skip
    crema = towns.get("Crema") or providers[0].towns[0]
    _orders(today, resident, services, crema)
    db.session.flush()


def _orders(today: date, resident: User, services: list[Service], town: Town) -> None:
    ironing, sitting = services[0], services[1]
    rows = [
        (ironing, today - timedelta(days=7), 9, 3, OrderState.DELIVERED),
        (sitting, today - timedelta(days=1), 16, 2, OrderState.ACCEPTED),
        (
            ironing,
            _next_weekday(today + timedelta(days=3), ironing.weekday_numbers),
            10,
            4,
            OrderState.REQUESTED,
        ),
    ]
    now = utcnow()
    for service, day, hour, quantity, state in rows:
        total = service.alliance_cents * quantity
        order = Order(
            service=service, provider=service.provider, user=resident, town=town, day=day, start_time=time(hour),
            quantity=quantity, unit_cents=service.alliance_cents, is_alliance_price=True, total_cents=total,
            voucher_cents=0, family_cents=total, address="Via Mazzini 12", note="", state=state,
            created_at=datetime.combine(day - timedelta(days=3), time(12), ROME),
        )  # fmt: skip
        if state != OrderState.REQUESTED:
            order.decided_at = now
        if state == OrderState.DELIVERED:
            order.delivered_at = now
        db.session.add(order)
