"""Demo labs in three towns of the Cremona district, with invented residents."""

from datetime import date, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.calendar.occurrences import Recurrence
from app.common.timeutil import utcnow
from app.labs import registrations, services
from app.labs.models import Lab, LabAttendance, Registration
from app.platform.extensions import db
from app.towns.models import Town

LABS = [
    # slug, title, town, theme, capacity, status, weekday, description
    ("emporio-solidale-cremona", "Emporio solidale di quartiere", "Cremona", "gas", 3, "open", 1,
     "Un piccolo emporio gestito dai vicini: spesa a prezzi equi e un caffè insieme."),
    ("orto-condiviso-vescovato", "Orto condiviso", "Vescovato", "animazione", 12, "open", 3,
     "Coltiviamo insieme l'orto dietro la biblioteca: non serve esperienza."),
    ("caffe-dei-nonni-castelverde", "Il caffè dei nonni", "Castelverde", "solitudine", 15, "closed", 4,
     "Un pomeriggio a settimana per chi vive solo: due chiacchiere, giochi e merenda."),
]  # fmt: skip
RESIDENTS = [
    "Giovanna Bertolotti",
    "Mario Ghisalberti",
    "Lina Cavalli",
    "Pietro Zanoni",
    "Ada Fiorentini",
    "Bruno Tedoldi",
]


def load(today: date, maker: User | None) -> None:
    """Add the demo labs unless one exists already."""
    if db.session.scalar(select(Lab.id).limit(1)) is not None:
        return
    towns = {t.name: t for t in db.session.scalars(select(Town))}
    for slug, title, town, theme, capacity, status, weekday, description in LABS:
        lab = Lab(slug=slug, title=title, town=towns[town], theme=theme, capacity=capacity, status="open",
                  venue="Sala civica", description=description, has_waiting_list=True)  # fmt: skip
        if maker is not None:
            lab.makers.append(maker)
        db.session.add(lab)
        db.session.flush()
        start = today - timedelta(weeks=6)
        services.plan_sessions(
            lab, start, time(17, 30), time(19, 0), Recurrence(freq="weekly", weekdays=(weekday,), count=12)
        )
        for name in RESIDENTS[: capacity + 2]:
            email = f"{name.split()[0].lower()}.{slug[:6]}@esempio.it"
            registrations.register(lab, name, email, "", "", False, owner_known=True)
        confirmed = [
            r
            for r in db.session.scalars(select(Registration).where(Registration.lab_id == lab.id))
            if r.status == "confirmed"
        ]
        now = utcnow()
        for index, session in enumerate(lab.sessions):
            if session.has_started(now):
                for registration in confirmed[: 1 + index % len(confirmed)]:
                    session.attendances.append(LabAttendance(registration_id=registration.id))
                if index % 3 == 0:
                    session.attendances.append(LabAttendance(walk_in_name="Ospite del quartiere"))
        lab.status = status
    db.session.flush()
