"""The real verbale of 9 April 2014 (shared/domain/004_*): 19 people, 6 members and 13 guests.

Members: three with an account (chair, secretary, a member) and three recorded by name only.
Guests: 11 present and 2 absent. Michele Gennuso came late, Simone Silva left early."""

from datetime import date, time

import pytest

from app.groups import attendance, services
from app.groups.models import GroupRole
from app.platform.extensions import db

DAY = date(2014, 4, 9)
MEMBERS_WITHOUT_ACCOUNT = [("Angelo Stanghellini", "present"), ("Claudio Dagheti", "absent"),
                           ("Luca Uberti Foppa", "absent")]  # fmt: skip
GUESTS = [
    ("Alessandra Ginelli", "present"), ("Alberto Fusarpoli", "present"), ("Michele Gennuso", "present"),
    ("Don Michele Nufi", "present"), ("Patrizia Pedrazzini", "present"), ("Luciano Ricci", "present"),
    ("Fabiano Sarti", "present"), ("Simone Silva", "present"), ("Veruska Stanga", "present"),
    ("Mariapia Venturelli", "present"), ("Maria Luisa Vailati", "present"), ("Donata Bertoletti", "absent"),
    ("Francesca Moruzzi", "absent"),
]  # fmt: skip
BODY = """Angelo Stanghellini sintetizza il lavoro fatto, finora, dal gruppo di lavoro.

| Ambito | Pista |
|---|---|
| Meta-ambito | azione di sistema trasversale |
| Contrasto all'isolamento | dimensione relazionale |

a) necessità di attivare un ponte con il mondo profit."""


class Round:
    """The 2014 group as plain attributes."""


@pytest.fixture(name="round2014")
def round2014_fixture(app, make_user):
    r = Round()
    r.chair = make_user("beretta@example.org", [], "Angela Beretta")
    r.secretary = make_user("bacecchi@example.org", [], "Pietro Bacecchi")
    r.member = make_user("fiorentini@example.org", [], "Silvia Fiorentini")
    r.outsider = make_user("estraneo@example.org", [], "Oscar Estraneo")
    r.group = services.create_group("Welfare di Comunità", "Gruppo di progettazione", None, "Crema")
    start = date(2014, 1, 1)
    for user, role in ((r.chair, GroupRole.CHAIR), (r.secretary, GroupRole.SECRETARY), (r.member, "member")):
        services.add_member(r.group, user.email, role, start)
    r.people = {
        name: services.add_person(r.group, name, "", "member", start) for name, _ in MEMBERS_WITHOUT_ACCOUNT
    }
    r.meeting = services.schedule_meeting(
        r.group,
        DAY,
        time(14, 30),
        time(16, 40),
        "via Frecavalli 16, Crema",
        "Sintesi del lavoro\nPiste di lavoro",
    )
    db.session.commit()
    return r


def record_attendance(r) -> None:
    """The attendance of the verbale, through the services."""
    values = {
        f"m{m.id}": {"status": "present", "arrived_at": None, "left_at": None} for m in r.group.memberships
    }
    for name, status in MEMBERS_WITHOUT_ACCOUNT:
        values[f"m{r.people[name].id}"]["status"] = status
    attendance.save(r.meeting, values)
    for name, status in GUESTS:
        guest = attendance.add_guest(r.meeting, name, "", status)
        if name == "Michele Gennuso":
            guest.arrived_at = time(15, 10)
        if name == "Simone Silva":
            guest.left_at = time(16, 0)
    db.session.commit()


ALL_NAMES = (
    ["Angela Beretta", "Pietro Bacecchi", "Silvia Fiorentini"]
    + [n for n, _ in MEMBERS_WITHOUT_ACCOUNT]
    + [n for n, _ in GUESTS]
)


@pytest.fixture(name="review")
def review_fixture(round2014):
    """The 2014 verbale written by the secretary and sent to review."""
    from app.minutes import services as minutes_services

    record_attendance(round2014)
    minutes = minutes_services.create_minutes(
        round2014.meeting, round2014.secretary, "Verbale incontro gruppo di lavoro", BODY
    )
    minutes_services.send_to_review(minutes)
    db.session.commit()
    round2014.minutes = minutes
    return round2014


def approve(r, visibility: str = "group"):
    """A present member approves the text in review, then the chair approves the verbale."""
    from app.minutes import services as minutes_services

    m = r.minutes
    minutes_services.add_comment(m, r.member, "", approval=True)
    minutes_services.approve(m, r.chair, visibility, "present")
    db.session.commit()
    return m
