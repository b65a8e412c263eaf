"""Invented demonstration data modelled on the Crema and Cremona districts.

Towns and places are real; every person is invented.
"""

from sqlalchemy import select

from app.accounts.models import Role, User
from app.auth import services as accounts
from app.auth.notices import send_invitation
from app.civic_centers import demo as civic_centers_demo
from app.common.timeutil import ROME, utcnow
from app.conciliation import demo as conciliation_demo
from app.groups import demo as groups_demo
from app.labs import demo as labs_demo
from app.pacts import demo as pacts_demo
from app.platform.extensions import db
from app.towns import services as towns

TOWNS = {
    "Crema": (
        "Crema",
        ["Centro storico", "Ombriano", "San Bernardino", "Santa Maria della Croce", "Castelnuovo"],
    ),
    "Bagnolo Cremasco": ("Crema", []),
    "Offanengo": ("Crema", []),
    "Pandino": ("Crema", ["Nosadello"]),
    "Rivolta d'Adda": ("Crema", []),
    "Castelleone": ("Crema", []),
    "Soncino": ("Crema", []),
    "Cremona": ("Cremona", ["Centro", "Cascinetto", "Po", "Zaist", "Boschetto"]),
    "Vescovato": ("Cremona", []),
    "Castelverde": ("Cremona", []),
    "Soresina": ("Cremona", []),
    "Bonemerse": ("Cremona", []),
}

PEOPLE = [
    ("coordinamento@legami.example", "Lucia Benzoni", {Role.COORDINATOR}),
    ("maker.crema@legami.example", "Davide Scotti Ferrari", {Role.COMMUNITY_MAKER}),
    ("maker.cremona@legami.example", "Anna Maria Zanolli", {Role.COMMUNITY_MAKER}),
    ("segreteria.gruppo@legami.example", "Paolo Rizzardi", set()),
]


def load(admin_email: str, password: str) -> bool:
    """Add the demo data unless the administrator already exists; True if added."""
    if db.session.scalar(select(User.id).where(User.email == admin_email)) is not None:
        return False
    admin = accounts.create_user(admin_email, "Amministrazione Legami", {Role.ADMIN})
    admin.set_password(password)
    for email, name, roles in PEOPLE:
        user = accounts.create_user(email, name, roles)
        user.set_password(password)
    for name, (district, zones) in TOWNS.items():
        if towns.town_name_taken(name):
            continue
        town = towns.create_town(name, "CR", district)
        for zone in zones:
            towns.add_zone(town, zone)
    # One account still to be activated: its invitation shows up in Posta inviata.
    send_invitation(accounts.create_user("nuova.volontaria@legami.example", "Giulia Ferla", set()))
    db.session.flush()
    maker = db.session.scalar(select(User).where(User.email == "segreteria.gruppo@legami.example"))
    civic_centers_demo.load(utcnow().astimezone(ROME).date(), maker)
    groups_demo.load(utcnow().astimezone(ROME).date(), maker)
    community_maker = db.session.scalar(select(User).where(User.email == "maker.cremona@legami.example"))
    labs_demo.load(utcnow().astimezone(ROME).date(), community_maker)
    pacts_demo.load(utcnow().astimezone(ROME).date(), password)
    conciliation_demo.load(utcnow().astimezone(ROME).date(), password)
    db.session.commit()
    return True
