"""Invented demo pacts in every status, in the demo towns, linked to the demo labs and centers.

No real person: names, contacts and stories are made up.
"""

from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.models import Role, User
from app.auth import services as accounts
from app.civic_centers.models import Activity, CivicCenter
from app.labs.models import Lab
from app.pacts import services, status
from app.pacts.consent import CONSENT_VERSION
from app.pacts.models import Pact, Party, ReviewResult, VulnerabilityArea
from app.platform.extensions import db
from app.towns.models import Town

DEFAULT_AREAS = [
    "Anzianità", "Carichi di cura familiari", "Casa e abitare", "Difficoltà economiche", "Disoccupazione e lavoro",
    "Solitudine e isolamento",
]  # fmt: skip
OPERATORS = [
    ("operatore.cremona@legami.example", "Elena Guarneri", ["Cremona", "Vescovato", "Castelverde"]),
    ("operatore.crema@legami.example", "Stefano Bettinelli", ["Crema", "Offanengo"]),
]
# beneficiary, town, areas, age band, age, household, weeks ago, final status, operator index
PACTS = [
    ("Rosa Ferrabue", "Cremona", ["Solitudine e isolamento", "Anzianità"], "75+", 81, 1, 30, "concluso", 0),
    ("Famiglia Ardigò", "Cremona", ["Carichi di cura familiari"], "30-44", 38, 4, 20, "in_verifica", 0),
    ("Giorgio Mainardi", "Vescovato", ["Disoccupazione e lavoro"], "45-64", 52, 2, 12, "attivo", 0),
    ("Teresa Stanga", "Castelverde", ["Difficoltà economiche", "Casa e abitare"], "65-74", 70, 1, 16, "interrotto", 0),
    ("Nadia Sarzi", "Crema", ["Carichi di cura familiari", "Difficoltà economiche"], "18-29", 27, 3, 8, "attivo", 1),
    ("Aldo Ghilardi", "Offanengo", ["Anzianità"], "75+", None, 2, 1, "bozza", 1),
]  # fmt: skip


def ensure_areas() -> None:
    existing = set(db.session.scalars(select(VulnerabilityArea.name)))
    for name in DEFAULT_AREAS:
        if name not in existing:
            db.session.add(VulnerabilityArea(name=name))
    db.session.flush()


def load(today: date, password: str) -> None:
    """Add the demo operators and pacts unless a pact exists already."""
    ensure_areas()
    if db.session.scalar(select(Pact.id).limit(1)) is not None:
        return
    towns = {t.name: t for t in db.session.scalars(select(Town))}
    areas = {a.name: a for a in db.session.scalars(select(VulnerabilityArea))}
    operators = []
    for email, name, town_names in OPERATORS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(email, name, {Role.OPERATOR})
            user.set_password(password)
            db.session.flush()
        services.set_operator_towns(user, [towns[n].id for n in town_names if n in towns])
        operators.append(user)
    for name, town, area_names, band, age, household, weeks, final, who in PACTS:
        if town not in towns:
            continue
        _pact(today, operators[who], name, towns[town], [areas[a].id for a in area_names], band, age, household,
              weeks, final)  # fmt: skip
    db.session.flush()


def _pact(today, operator, name, town, area_ids, band, age, household, weeks, final):
    start = today - timedelta(weeks=weeks)
    slug = name.lower().replace(" ", ".").replace("ò", "o")
    pact = services.create_pact(operator, {
        "town_id": town.id, "area_ids": area_ids, "follower_ids": [], "start_on": start,
        "goal": "Ritrovare una rete di relazioni e un ritmo nelle giornate.", "beneficiary_name": name,
        "beneficiary_contact": f"{slug}@esempio.it", "beneficiary_age": age, "age_band": band,
        "household_size": household,
    }, start)  # fmt: skip
    services.add_commitment(pact, {"party": Party.SERVICE, "who": "Servizio sociale del Comune",
                                   "what": "Un colloquio ogni due settimane e l'accompagnamento ai servizi.",
                                   "frequency": "ogni due settimane"})  # fmt: skip
    services.add_commitment(pact, {"party": Party.PERSON, "who": name, "what": "Partecipare alle attività concordate.",
                                   "frequency": "ogni settimana"})  # fmt: skip
    lab = db.session.scalar(select(Lab).where(Lab.town_id == town.id).limit(1))
    activity = db.session.scalar(
        select(Activity).join(Activity.center).where(CivicCenter.town_id == town.id).limit(1)
    )
    if lab is not None:
        services.add_commitment(pact, {"party": Party.COMMUNITY, "who": lab.title,
                                       "what": "Accoglienza agli incontri del laboratorio.", "frequency": ""})  # fmt: skip
    services.set_links(pact, [lab] if lab else [], [activity] if activity else [], [])
    services.add_note(pact, operator, start, "Primo colloquio: la persona racconta la sua situazione.")
    if final == "bozza":
        return
    status.activate(pact, start, CONSENT_VERSION, start)
    review = services.plan_review(pact, start + timedelta(weeks=max(weeks // 2, 1)))
    if final == "attivo":
        return
    services.record_review(pact, review, review.planned_on, ReviewResult.ON_TRACK, "Impegni rispettati.")
    status.start_review(pact)
    if final == "concluso":
        status.conclude(pact, "raggiunto", today - timedelta(weeks=2))
    elif final == "interrotto":
        status.interrupt(pact, "La persona si è trasferita in un altro Comune.", today - timedelta(weeks=3))
