"""The rules of the register. No request, no commit: callers commit once."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Role, User, UserRole
from app.pacts.models import (
    Commitment,
    DiaryNote,
    Pact,
    PactStatus,
    Review,
    VulnerabilityArea,
    operator_towns,
)
from app.pacts.numbering import next_number
from app.platform.extensions import db
from app.towns.models import Town


class PactError(ValueError):
    """A rule refused the change; `field` names the form field to show it on."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def towns_of(user: User) -> list[Town]:
    """The towns an operator works in, by name."""
    query = (
        select(Town)
        .join(operator_towns, operator_towns.c.town_id == Town.id)
        .where(operator_towns.c.user_id == user.id)
        .order_by(Town.name)
    )
    return list(db.session.scalars(query))


def operators_of(town_id: int) -> list[User]:
    """Active operators who work in a town."""
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .join(operator_towns, operator_towns.c.user_id == User.id)
        .where(UserRole.role == Role.OPERATOR, User.is_active.is_(True), operator_towns.c.town_id == town_id)
        .order_by(User.full_name)
    )
    return list(db.session.scalars(query))


def active_areas() -> list[VulnerabilityArea]:
    return list(
        db.session.scalars(
            select(VulnerabilityArea).where(VulnerabilityArea.is_active).order_by(VulnerabilityArea.name)
        )
    )


def _check_town(actor: User, town: Town | None) -> Town:
    if town is None:
        raise PactError(_("Scegli il Comune del patto."), "town")
    if town.id not in {t.id for t in towns_of(actor)}:
        raise PactError(
            _("Non lavori nel Comune di %(town)s: scegli uno dei tuoi Comuni.", town=town.name), "town"
        )
    return town


def _check_followers(town: Town, follower_ids: list[int], responsible_id: int) -> list[User]:
    allowed = {u.id: u for u in operators_of(town.id)}
    chosen = []
    for uid in follower_ids:
        if uid == responsible_id:
            continue
        if uid not in allowed:
            raise PactError(
                _("Puoi affiancare solo operatori che lavorano nel Comune di %(town)s.", town=town.name),
                "followers",
            )
        chosen.append(allowed[uid])
    return chosen


def _check_areas(area_ids: list[int]) -> list[VulnerabilityArea]:
    if not area_ids:
        raise PactError(_("Scegli almeno un'area di vulnerabilità."), "areas")
    areas = list(db.session.scalars(select(VulnerabilityArea).where(VulnerabilityArea.id.in_(area_ids))))
    if len(areas) != len(set(area_ids)):
        raise PactError(_("Scegli aree dall'elenco."), "areas")
    return areas


def _check_start_against_reviews(pact: Pact, start_on: date) -> None:
    early = [r for r in pact.reviews if r.planned_on < start_on or (r.held_on and r.held_on < start_on)]
    if early:
        raise PactError(
            _("Ci sono verifiche prima di questa data di avvio: sposta prima l'avvio o le verifiche."),
            "start_on",
        )


def apply_fields(actor: User, pact: Pact, data: dict) -> Pact:
    """Set a pact's fields from a form's data, checking every rule first."""
    town = _check_town(actor, db.session.get(Town, data["town_id"]) if data.get("town_id") else None)
    areas = _check_areas(data["area_ids"])
    responsible_id = pact.responsible_id or actor.id
    followers = _check_followers(town, data["follower_ids"], responsible_id)
    if pact.id is not None:
        _check_start_against_reviews(pact, data["start_on"])
    pact.town = town
    pact.areas = areas
    pact.followers = followers
    pact.start_on = data["start_on"]
    pact.goal = data["goal"].strip()
    pact.beneficiary_name = data["beneficiary_name"].strip()
    pact.beneficiary_contact = data["beneficiary_contact"].strip()
    pact.beneficiary_age = data["beneficiary_age"]
    pact.age_band = data["age_band"]
    pact.household_size = data["household_size"]
    return pact


def create_pact(actor: User, data: dict, today: date) -> Pact:
    """A new pact in bozza, with its number for the current year; actor is responsible."""
    pact = Pact(responsible_id=actor.id, status=PactStatus.DRAFT)
    apply_fields(actor, pact, data)  # before numbering: a refused pact uses no number
    pact.year = today.year
    pact.seq, pact.number = next_number(today.year)
    db.session.add(pact)
    db.session.flush()
    return pact


def add_commitment(pact: Pact, data: dict) -> Commitment:
    if not data.get("party"):
        raise PactError(
            _("Indica chi si impegna: il servizio, la persona o un partner della comunità."), "party"
        )
    if data.get("until_on") and data["until_on"] < pact.start_on:
        raise PactError(_("L'impegno non può finire prima dell'avvio del patto."), "until_on")
    commitment = Commitment(
        party=data["party"], who=(data.get("who") or "").strip(), what=data["what"].strip(),
        frequency=(data.get("frequency") or "").strip(), until_on=data.get("until_on"),
    )  # fmt: skip
    pact.commitments.append(commitment)
    db.session.flush()
    return commitment


def add_note(pact: Pact, author: User, written_on: date, body: str) -> DiaryNote:
    note = DiaryNote(author=author, written_on=written_on, body=body.strip())
    pact.notes.append(note)
    db.session.flush()
    return note


def plan_review(pact: Pact, planned_on: date) -> Review:
    if planned_on < pact.start_on:
        raise PactError(
            _(
                "La verifica non può essere prima dell'avvio del patto (%(date)s).",
                date=pact.start_on.strftime("%d/%m/%Y"),
            ),
            "planned_on",
        )
    review = Review(planned_on=planned_on)
    pact.reviews.append(review)
    db.session.flush()
    return review


def record_review(pact: Pact, review: Review, held_on: date, result: str, notes: str) -> Review:
    if held_on < pact.start_on:
        raise PactError(
            _(
                "La verifica non può essere prima dell'avvio del patto (%(date)s).",
                date=pact.start_on.strftime("%d/%m/%Y"),
            ),
            "held_on",
        )
    review.held_on, review.result, review.notes = held_on, result, notes.strip()
    db.session.flush()
    return review


def set_links(pact: Pact, labs: list, activities: list, groups: list) -> None:
    pact.labs, pact.activities, pact.groups = labs, activities, groups
    db.session.flush()


def add_area(name: str) -> VulnerabilityArea:
    name = " ".join(name.split())
    exists = db.session.scalar(
        select(VulnerabilityArea.id).where(func.lower(VulnerabilityArea.name) == name.lower())
    )
    if exists is not None:
        raise PactError(_("L'area «%(name)s» c'è già.", name=name), "name")
    area = VulnerabilityArea(name=name)
    db.session.add(area)
    db.session.flush()
    return area


def set_operator_towns(user: User, town_ids: list[int]) -> None:
    db.session.execute(operator_towns.delete().where(operator_towns.c.user_id == user.id))
    if town_ids:
        db.session.execute(operator_towns.insert(), [{"user_id": user.id, "town_id": t} for t in town_ids])
    db.session.flush()
