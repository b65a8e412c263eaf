"""The DESIGN scale, invented, through the app's own services: `flask demo load --scale district`.

About 50 towns, 100 civic centers with 20 weekly activities each (2,000
series, each center closed for the Christmas holidays), 50 labs with weekly
sessions, sign-ups and attendance, 100 working groups meeting every fortnight
for `years` years with attendance and a verbale each (those of the last six
weeks approved, with their PDF/A; the older ones in review, since freezing a
PDF for 26,000 verbali would take hours). Every name is
invented. Commits once per town and per group, so memory stays flat.
"""

from collections.abc import Callable
from datetime import date, time, timedelta
from time import perf_counter
from types import SimpleNamespace

from sqlalchemy import select

from app.auth import services as accounts
from app.calendar.occurrences import Frequency, Recurrence
from app.civic_centers import services as centers
from app.civic_centers.models import CATEGORY_LABELS, Activity, Audience, CivicCenter
from app.conciliation import demo_district as conciliation
from app.groups import attendance
from app.groups import services as groups
from app.labs import registrations
from app.labs import services as labs
from app.labs.models import Lab, LabAttendance, Registration
from app.minutes import services as minutes
from app.platform.extensions import db
from app.towns import services as towns

TOWNS, CENTERS_PER_TOWN, ACTIVITIES_PER_CENTER, LABS_PER_TOWN, GROUPS_PER_TOWN = 50, 2, 20, 1, 2
CATEGORIES = [c for c in CATEGORY_LABELS if c != "altro"]
AUDIENCES = list(Audience)
FIRST_NAMES = ["Anna", "Luca", "Giulia", "Marco", "Sara", "Paolo", "Elena", "Davide", "Chiara", "Franco"]
LAST_NAMES = ["Bassi", "Ferrari", "Zanoni", "Cavalli", "Tedoldi", "Groppelli", "Vailati", "Benzoni"]
FACTS = {
    "is_free": True,
    "price": "",
    "age_min": None,
    "age_max": None,
    "step_free_access": "",
    "hearing_loop": "",
}
APPROVED_RECENT = timedelta(weeks=6)  # older verbali stay in review (see _load_group)
VERBALE = "Il gruppo fa il punto sulle piste di lavoro.\n\na) mappare le realtà del quartiere;\nb) incontrare le scuole."


def form(**values) -> SimpleNamespace:
    """What a validated form hands a service: each field's `.data`."""
    fields = {name: SimpleNamespace(data=value) for name, value in values.items()}
    return SimpleNamespace(**fields)


def _person(n: int) -> str:
    return f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n // len(FIRST_NAMES) % len(LAST_NAMES)]}"


def _activity_form(c: int, a: int, today: date):
    weekday = a % 5
    rule = Recurrence(freq=Frequency.WEEKLY, weekdays=(weekday,))
    values = form(
        title=f"{CATEGORY_LABELS[CATEGORIES[a % len(CATEGORIES)]]} {c}-{a}", description="Un'attività settimanale.",
        audience=AUDIENCES[a % len(AUDIENCES)].value, category=CATEGORIES[a % len(CATEGORIES)],
        start_time=time(15 + a % 5, 30), end_time=time(17 + a % 5, 0), start_on=today - timedelta(days=365),
        registration_required=False, capacity=None, accompanying_adult_required=False,
        publish=True, **FACTS,
    )  # fmt: skip
    values.recurrence = lambda: rule
    return values


def _load_town(n: int, today: date, maker):
    town = towns.create_town(f"Comune {n:02d}", "CR", "Crema" if n % 2 else "Cremona")
    db.session.flush()
    for c in range(CENTERS_PER_TOWN):
        number = n * CENTERS_PER_TOWN + c
        center = centers.apply_center_form(CivicCenter(), form(
            name=f"Centro civico {number:03d}", kind="other", town_id=town.id, zone_id=None, address="Via Roma 1",
            description="Un centro civico del distretto.", accessibility="", contact="",
        ))  # fmt: skip
        for a in range(ACTIVITIES_PER_CENTER):
            centers.apply_activity_form(Activity(center=center), _activity_form(number, a, today))
        christmas = date(today.year, 12, 23)
        centers.add_closure(center, christmas, christmas + timedelta(days=14), "Vacanze di Natale")
    for _ in range(LABS_PER_TOWN):
        _load_lab(n, town, today, maker)
    return town


def _load_lab(n: int, town, today: date, maker) -> None:
    lab = labs.apply_lab_form(Lab(), form(
        title=f"Laboratorio {n:02d}", description="Un Laboratorio di Comunità.", theme="animazione",
        town_id=town.id, zone_id=None, center_id=0, venue="Sala civica", partners="", capacity=12,
        has_waiting_list=True, is_for_children=False, status="open", **FACTS,
    ), maker)  # fmt: skip
    rule = Recurrence(freq=Frequency.WEEKLY, weekdays=(n % 5,), count=40)
    labs.plan_sessions(lab, today - timedelta(weeks=20), time(17, 30), time(19), rule)
    for p in range(14):
        registrations.register(
            lab, _person(n + p), f"persona{n}-{p}@esempio.it", "", "", False, owner_known=True
        )
    db.session.flush()
    confirmed = db.session.scalars(
        select(Registration).where(Registration.lab_id == lab.id, Registration.status == "confirmed")
    ).all()
    for index, session in enumerate(lab.sessions):
        if session.start_on < today:
            for registration in confirmed[: 4 + index % 8]:
                session.attendances.append(LabAttendance(registration_id=registration.id))
            session.headcount = 15 if index % 4 == 0 else None


def _load_group(g: int, today: date, years: int, people: list) -> None:
    group = groups.create_group(f"Gruppo di lavoro {g:03d}", "Progettazione partecipata.", None, "Crema")
    members = people[g * 5 : g * 5 + 5]
    groups.add_member(group, members[0].email, "chair")
    for person in members[1:]:
        groups.add_member(group, person.email, "member")
    db.session.flush()
    everyone = [f"m{m.id}" for m in group.memberships]
    day = today - timedelta(days=365 * years)
    day += timedelta(days=(g % 5) - day.weekday())
    while day < today + timedelta(days=60):
        meeting = groups.schedule_meeting(
            group, day, time(14, 30), time(16, 30), "Sala civica", "Punto della situazione"
        )
        if day < today:
            rows = {key: {"status": "present", "arrived_at": None, "left_at": None} for key in everyone}
            rows[everyone[-1]]["status"] = "excused"
            attendance.save(meeting, rows)
            verbale = minutes.create_minutes(meeting, members[0], minutes.default_title(meeting), VERBALE)
            minutes.send_to_review(verbale)
            if today - day <= APPROVED_RECENT:
                # Approval freezes a PDF/A (WeasyPrint, a fraction of a second each): the recent ones only.
                minutes.add_comment(verbale, members[1], "Per me va bene.", approval=True)
                minutes.approve(verbale, members[0], "public")
        day += timedelta(weeks=2)


def load(today: date, years: int = 10, echo: Callable[[str], None] = print, times: int = 1) -> None:
    """Build the district, or `times` districts side by side (commits as it goes); the towns and
    people are new ones."""
    towns_count, groups_count = TOWNS * times, TOWNS * GROUPS_PER_TOWN * times
    maker = accounts.create_user("maker.distretto@legami.example", "Community Maker del distretto", set())
    people = [
        accounts.create_user(f"membro{n:03d}@legami.example", _person(n), set())
        for n in range(groups_count * 5)
    ]
    db.session.commit()
    district_towns = []
    for n in range(towns_count):
        district_towns.append(_load_town(n, today, maker))
        db.session.commit()
    staff = [
        accounts.create_user(conciliation.staff_email(p), f"Fornitore {p:02d}", set())
        for p in range(conciliation.PROVIDERS)
    ]
    started = perf_counter()
    conciliation.load(today, district_towns[:TOWNS], people, staff)
    db.session.commit()
    echo(
        f"Per il tuo tempo: {conciliation.PROVIDERS} providers, {conciliation.VOUCHERS} vouchers, a year of orders"
        f" ({perf_counter() - started:.1f} s)."
    )
    echo(f"{towns_count} towns, {towns_count * CENTERS_PER_TOWN} centers, {towns_count * CENTERS_PER_TOWN * ACTIVITIES_PER_CENTER} activities, {towns_count * LABS_PER_TOWN} labs.")  # fmt: skip
    for g in range(groups_count):
        _load_group(g, today, years, people)
        db.session.commit()
    echo(f"{groups_count} working groups, {years} years of meetings and verbali.")
