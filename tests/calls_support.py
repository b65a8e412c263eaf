"""Helpers of the voucher calls' tests: valid codici fiscali, a call, an application's post."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.accounts.models import Role
from app.common.timeutil import utcnow
from app.conciliation.eligibility import check_character
from app.conciliation.voucher_models import VoucherCall
from app.platform.extensions import db
from tests import factories


def fiscal_code(n: int, base: str = "RSSMRA85T10A") -> str:
    """A valid codice fiscale, different for each n (0-999)."""
    first15 = f"{base}{n:03d}"
    return first15 + check_character(first15)


def open_call(towns, **fields) -> VoucherCall:
    now = utcnow()
    values = {
        "title": "Bando conciliazione 2027", "budget_cents": 60000, "voucher_cents": 20000,
        "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=10), "min_weekly_hours": 25,
        "validity_days": 180, "points_per_member": 1, "points_per_care_need": 3,
        "isee_bands": [[1000000, 10], [2000000, 5]], "incompatibilities": ["Bonus nidi"], "towns": list(towns),
    }  # fmt: skip
    values.update(fields)
    call = VoucherCall(**values)
    db.session.add(call)
    db.session.commit()
    return call


def closed_call(towns, **fields) -> VoucherCall:
    now = utcnow()
    return open_call(towns, opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1), **fields)


def application_data(town, n: int = 1, members=(), **overrides) -> dict:
    """A valid post of the application form; members: (code, age, care) of the other people."""
    data = {
        "fiscal_code": fiscal_code(n), "full_name": f"Persona {n}", "birth_date": "1985-12-10",
        "employment": "employee", "weekly_hours": "30", "employer": "Ditta Srl", "town": str(town.id),
        "town_link": "residence", "isee": "12.500,00", "isee_issued_on": (date.today() - timedelta(days=30)).isoformat(),
        "declarations": ["veridicita", "privacy", "incompatibile-0"],
    }  # fmt: skip
    for index, (code, age, care) in enumerate(members):
        data[f"members-{index}-fiscal_code"] = code
        data[f"members-{index}-age"] = str(age)
        if care:
            data[f"members-{index}-care_needs"] = "y"
    data.update(overrides)
    return data


@pytest.fixture(name="calls_world")
def calls_world_fixture(app, make_user):
    """Two towns, a coordinator, two residents, an administrator."""

    class World:
        crema = factories.town("Crema")
        lodi = factories.town("Lodi")
        coordinator = make_user("coord@example.org", [Role.COORDINATOR], "Cora Coordinatrice")
        resident = make_user("residente@example.org", [], "Rita Residente")
        other = make_user("altro@example.org", [], "Otto Altro")
        admin = make_user("amministra@example.org", [Role.ADMIN], "Ada Admin")

    db.session.commit()
    return World


def aware(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
