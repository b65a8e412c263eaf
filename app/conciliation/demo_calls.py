"""Invented demo voucher calls: one open in the Crema district, one closed with its ranking
published and vouchers assigned (one partly spent). No real person: names and codici fiscali are
made up (the codici have a valid check character, so the forms accept them)."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.auth import services as accounts
from app.common.timeutil import ROME
from app.conciliation import calls, vouchers
from app.conciliation.eligibility import Draft, Member, check_character
from app.conciliation.voucher_models import Voucher, VoucherCall
from app.platform.extensions import db
from app.towns.models import Town

RESIDENT = ("famiglia.crema@legami.example", "Chiara Moretti")
CREMA_TOWNS = ["Crema", "Bagnolo Cremasco", "Offanengo", "Pandino"]
# applicant, e-mail, town, ISEE (euro), other members as (age, care needs)
APPLICANTS = [
    ("Chiara Moretti", RESIDENT[0], "Crema", 14_200, [(44, False), (9, False), (6, False)]),
    ("Marco Bianchessi", "bianchessi@legami.example", "Offanengo", 8_900, [(77, True), (12, False)]),
    ("Sara Donati", "donati@legami.example", "Pandino", 21_500, [(3, False)]),
    ("Ibrahim Diallo", "diallo@legami.example", "Crema", 6_300, [(35, False), (4, False), (2, False)]),
    ("Elisa Fusar Poli", "fusarpoli@legami.example", "Bagnolo Cremasco", 17_800, [(81, True)]),
]
BANDS = [[1_000_000, 10], [2_000_000, 5], [3_000_000, 2]]


def code(n: int) -> str:
    first15 = f"DMODMO80A01C{n:03d}"
    return first15 + check_character(first15)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ROME).astimezone(UTC)


def _call(title: str, opens: date, closes: date, towns, budget: int) -> VoucherCall:
    call = VoucherCall(
        title=title, budget_cents=budget, voucher_cents=20_000, opens_at=_midnight(opens),
        closes_at=_midnight(closes + timedelta(days=1)), min_weekly_hours=25, validity_days=180,
        points_per_member=1, points_per_care_need=3, isee_bands=BANDS,
        incompatibilities=["Bonus asilo nido INPS", "Dote scuola regionale"], towns=towns,
    )  # fmt: skip
    db.session.add(call)
    db.session.flush()
    return call


def load(today: date, password: str) -> None:
    towns = list(db.session.scalars(select(Town).where(Town.name.in_(CREMA_TOWNS)).order_by(Town.name)))
    by_name = {t.name: t for t in towns}
    people = {}
    for name, email, *_rest in APPLICANTS:
        user = db.session.scalar(select(User).where(User.email == email)) or accounts.create_user(
            email, name, set()
        )
        user.set_password(password)
        people[email] = user
    _call("Voucher conciliazione: bando di primavera", today - timedelta(days=3), today + timedelta(days=25),
          towns, 2_000_000)  # fmt: skip
    closed = _call("Voucher conciliazione: bando d'inverno", today - timedelta(days=70), today - timedelta(days=40),
                   towns, 60_000)  # fmt: skip
    filed_at = closed.opens_at + timedelta(days=2)
    declarations = ["veridicita", "privacy", "incompatibile-0", "incompatibile-1"]
    for index, (name, email, town, isee, others) in enumerate(APPLICANTS):
        own = code(index * 10)
        members = [Member(own, 40)] + [
            Member(code(index * 10 + k + 1), age, care) for k, (age, care) in enumerate(others)
        ]
        draft = Draft(own, date(1986, 1, 1), "employee", 30, by_name[town].id, isee * 100,
                      today - timedelta(days=90), declarations, members)  # fmt: skip
        details = {"full_name": name, "employer": "Cooperativa Il Sole", "fund": "", "town_link": "residence"}
        calls.submit(closed, draft, people[email], details, filed_at + timedelta(hours=index), today)
    closed_now = _midnight(today - timedelta(days=39))
    calls.compute(closed, closed_now)
    calls.publish(closed, closed_now, today - timedelta(days=38))
    first = db.session.scalar(select(Voucher).where(Voucher.call_id == closed.id).order_by(Voucher.id))
    vouchers.spend(first, 4_500, None, today)
    db.session.flush()
