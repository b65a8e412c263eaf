"""Two demo working groups with meetings, attendance, verbali and action items.

The verbali follow the shape of the real one of 09.04.2014 (venue, times, present
and absent, a summary, lettered lines of work); every person is invented.
"""

from datetime import date, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.auth import services as accounts
from app.groups import actions, attendance, services
from app.minutes import services as minutes
from app.platform.extensions import db
from app.towns.models import Town

PEOPLE = [
    ("g.ferrandi@legami.example", "Giovanna Ferrandi"),
    ("r.tadini@legami.example", "Roberto Tadini"),
    ("e.cabrini@legami.example", "Elena Cabrini"),
    ("don.piero@legami.example", "Don Piero Alloni"),
    ("m.groppelli@legami.example", "Marco Groppelli"),
    ("c.vailati@legami.example", "Chiara Vailati"),
]

BODY = """Giovanna Ferrandi sintetizza il lavoro fatto finora dal gruppo.

Il progetto è di medio-lungo periodo: non risponde a urgenze, ripensa il modello e individua i **luoghi di prossimità** (i contesti di vita delle persone). Gli ambiti di sperimentazione proposti sono:

1. azione di sistema trasversale;
2. contrasto all'isolamento e promozione delle relazioni;
3. accompagnamento educativo delle famiglie.

Dalla discussione emergono queste piste di lavoro:

a) attivare un ponte con le aziende del territorio. *Input*: mappare le imprese disponibili.
b) coinvolgere oratori e scuole nel doposcuola. *Input*: incontro con i dirigenti.
c) raccogliere le esperienze di vicinato già attive. *Input*: un questionario breve.
"""

GROUPS = [
    ("Welfare in azione – Crema centro", "Crema", "Il gruppo di progettazione del nuovo modello organizzativo dei servizi sociali nel centro di Crema.", "via Frecavalli 16, Crema"),
    ("Famiglie e scuola – Cremona Zaist", "Cremona", "Scuole, parrocchia e associazioni del quartiere Zaist per il sostegno educativo alle famiglie.", "Sala civica di via Ragazzi del '99, Cremona"),
]  # fmt: skip


def _person(email: str, name: str) -> User:
    return db.session.scalar(select(User).where(User.email == email)) or accounts.create_user(
        email, name, set()
    )


def _key(group, user) -> str:
    return next(f"m{m.id}" for m in group.memberships if m.user_id == user.id)


def load(today: date, secretary: User | None) -> None:
    """Add the demo groups; the demo group secretary can log in and try everything."""
    people = [_person(email, name) for email, name in PEOPLE]
    for index, (name, town_name, description, venue) in enumerate(GROUPS):
        town = db.session.scalar(select(Town).where(Town.name == town_name))
        group = services.create_group(name, description, town.id if town else None, "")
        members = people[index * 3 : index * 3 + 3]
        services.add_member(group, members[0].email, "chair")
        for person in members[1:]:
            services.add_member(group, person.email, "member")
        if secretary is not None:
            services.add_member(group, secretary.email, "secretary")
        everyone = [f"m{m.id}" for m in group.memberships]
        previous = None
        for weeks in (-6, -4, -2, 2):
            day = today + timedelta(weeks=weeks)
            meeting = services.schedule_meeting(group, day, time(14, 30), time(16, 40), venue, "Sintesi del lavoro\nPiste di lavoro\nProssimo incontro")  # fmt: skip
            if weeks > 0:
                break
            rows = {key: {"status": "present", "arrived_at": None, "left_at": None} for key in everyone}
            rows[everyone[-1]]["status"] = "absent" if weeks == -4 else "excused"
            rows[everyone[1]]["arrived_at"] = time(15, 0) if weeks == -2 else None
            attendance.save(meeting, rows)
            attendance.add_guest(meeting, "Luisa Marchesi", "Cooperativa Il Pozzo", "present")
            text = (
                BODY
                + f"\nIl prossimo incontro si terrà il {(day + timedelta(weeks=2)):%d.%m.%Y} alle 14.30 in {venue}."
            )
            meeting.points[0].presenter = members[0].full_name
            decision = {
                meeting.points[0].id: (
                    "recommendation",
                    "Coinvolgere le imprese del territorio, prima come attori.",
                )
            }
            verbale = minutes.create_minutes(
                meeting, members[0], minutes.default_title(meeting), text, decision
            )
            minutes.send_to_review(verbale)
            if weeks < -2:
                minutes.add_comment(verbale, members[1], "Per me va bene.", approval=True)
                minutes.approve(verbale, members[0], "public" if weeks == -6 else "group")
            item = actions.create_action(
                meeting, "Mappare le aziende disponibili", _key(group, members[1]), day + timedelta(days=10)
            )
            actions.create_action(
                meeting,
                "Incontrare i dirigenti scolastici",
                _key(group, members[2]),
                day + timedelta(days=20),
            )
            if previous is not None:
                actions.set_status(item, "done", meeting)
            previous = meeting
    db.session.flush()
