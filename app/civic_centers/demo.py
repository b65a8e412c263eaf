"""Demo civic centers in real towns of the Crema district, with invented people and activities."""

from datetime import date, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.civic_centers.models import Activity, ActivityStatus, CivicCenter, Closure, OccurrenceChange
from app.platform.extensions import db
from app.towns.models import Town

CENTERS = [
    # name, kind, town, address, description
    ("Oratorio San Luigi", "oratorio", "Crema", "Via Bottesini 4",
     "L'oratorio apre i suoi spazi ai ragazzi del quartiere e alle famiglie: doposcuola, sport e serate insieme."),
    ("Scuola primaria Braguti", "school", "Crema", "Via Mercato 12",
     "Nel pomeriggio la scuola resta aperta per compiti assistiti e laboratori, grazie ai volontari del quartiere."),
    ("Biblioteca comunale di Offanengo", "library", "Offanengo", "Piazza Patrini 1",
     "Letture ad alta voce, corsi di informatica per adulti e un gruppo di lettura serale."),
]  # fmt: skip

ACTIVITIES = [
    # center index, title, audience, category, weekdays, start, end, description
    (0, "Doposcuola e compiti", "children", "doposcuola", "0,2", time(16, 30), time(18, 0),
     "Aiuto nei compiti per i bambini della primaria, con educatori e volontari."),
    (0, "Calcetto del venerdì", "teenagers", "sport", "4", time(17, 0), time(18, 30),
     "Partite a 5 nel campo dell'oratorio. Scarpe da ginnastica obbligatorie."),
    (0, "Serata di gioco a carte per anziani", "elderly", "incontro", "3", time(20, 30), time(22, 0),
     "Burraco e scopa in compagnia, con una tisana calda."),
    (1, "Laboratorio di lettura animata", "children", "cultura", "1", time(16, 30), time(18, 0),
     "Storie, disegni e teatro per i bambini dai 6 ai 10 anni."),
    (1, "Italiano per mamme e papà", "adults", "incontro", "1,3", time(9, 0), time(10, 30),
     "Corso di lingua italiana per genitori stranieri, con spazio bimbi."),
    (2, "Gruppo di lettura serale", "adults", "cultura", "2", time(20, 45), time(22, 15),
     "Un libro al mese, discusso insieme in biblioteca."),
    (2, "Smartphone senza paura", "elderly", "digitale", "3", time(15, 0), time(16, 30),
     "Videochiamate, foto e sicurezza: impariamo con calma, un passo alla volta."),
]  # fmt: skip


def load(today: date, manager: User | None) -> None:
    """Add the demo centers unless one exists already."""
    if db.session.scalar(select(CivicCenter.id).limit(1)) is not None:
        return
    towns = {t.name: t for t in db.session.scalars(select(Town))}
    centers = []
    for name, kind, town_name, address, description in CENTERS:
        town = towns[town_name]
        slug = f"{name} {town_name}".lower().replace(" ", "-").replace("'", "-")
        center = CivicCenter(name=name, slug=slug, kind=kind, town=town, address=address, description=description,
                             accessibility="Ingresso senza gradini, bagno accessibile.", contact="0373 000000")  # fmt: skip
        if manager is not None:
            center.managers.append(manager)
        db.session.add(center)
        centers.append(center)
    monday = today - timedelta(days=today.weekday())
    christmas = (
        date(today.year, 12, 24) if today.month < 12 or today.day < 24 else date(today.year + 1, 12, 24)
    )
    centers[0].closures.append(
        Closure(start_on=christmas, end_on=christmas + timedelta(days=13), reason="Vacanze di Natale")
    )
    for index, title, audience, category, weekdays, start, end, description in ACTIVITIES:
        first_day = min(int(d) for d in weekdays.split(","))
        activity = Activity(
            center=centers[index], title=title, audience=audience, category=category, description=description,
            status=ActivityStatus.PUBLISHED, start_on=monday - timedelta(weeks=6) + timedelta(days=first_day),
            start_time=start, end_time=end, freq="weekly", interval=1, weekdays=weekdays,
            until_on=monday + timedelta(weeks=30), step_free_access=True, sequence=0,
            age_min=6 if audience == "children" else None, age_max=10 if audience == "children" else None,
        )  # fmt: skip
        db.session.add(activity)
    db.session.flush()
    first = db.session.scalar(select(Activity).where(Activity.title == "Doposcuola e compiti"))
    cancelled_on = first.recurrence.first_on_or_after(today + timedelta(days=7))
    first.changes.append(
        OccurrenceChange(original_on=cancelled_on, is_cancelled=True, reason="Assemblea sindacale")
    )
    first.touch()
