"""Coordinators' figures of the register, in a fixed number of queries. No request, no commit.

Drafts are not counted. A pact is "avviato" in a period when it starts in it,
"attivo" when it was running at some moment of it, "concluso"/"interrotto"
when it ended in it.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.pacts.models import AGE_BANDS, OUTCOME_LABELS, Pact, PactStatus
from app.platform.extensions import db
from app.reports.period import Period

KINDS = ("avviati", "attivi", "conclusi", "interrotti")
PSEUDONYMOUS_HEADER = ["Patto", "Comune", "Aree", "Fascia d'età", "Nucleo", "Avvio", "Stato", "Esito", "Chiusura",
                       "Verifiche svolte"]  # fmt: skip
NAMED_HEADER = [*PSEUDONYMOUS_HEADER, "Beneficiario", "Contatto", "Operatore responsabile"]


@dataclass
class PactFigures:
    opened: int = 0
    active: int = 0
    concluded: int = 0
    interrupted: int = 0
    year: int = 0
    opened_in_year: int = 0
    target: int = 50
    by_town: list[tuple[str, int, int, int]] = field(default_factory=list)  # name, opened, active, concluded
    by_area: list[tuple[str, int]] = field(default_factory=list)  # active pacts per area
    by_age_band: list[tuple[str, int]] = field(default_factory=list)  # active pacts per band
    by_outcome: list[tuple[str, int]] = field(default_factory=list)  # concluded in the period

    @property
    def target_percent(self) -> int:
        return round(100 * self.opened_in_year / self.target) if self.target else 0


def pacts_in(period: Period) -> list[Pact]:
    """Every counted pact that ran at some moment of the period."""
    query = (
        select(Pact)
        .where(
            Pact.status != PactStatus.DRAFT,
            Pact.start_on <= period.last,
            or_(Pact.closed_on.is_(None), Pact.closed_on >= period.first),
        )
        .options(
            selectinload(Pact.town),
            selectinload(Pact.areas),
            selectinload(Pact.reviews),
            selectinload(Pact.responsible),
        )
        .order_by(Pact.year, Pact.seq)
    )
    if period.town_id:
        query = query.where(Pact.town_id == period.town_id)
    return list(db.session.scalars(query))


def kind_of(pact: Pact, period: Period) -> set[str]:
    kinds = {"attivi"}
    if period.first <= pact.start_on <= period.last:
        kinds.add("avviati")
    if pact.closed_on and period.first <= pact.closed_on <= period.last:
        kinds.add("conclusi" if pact.status == PactStatus.CONCLUDED else "interrotti")
    return kinds


def opened_in_year(year: int, town_id: int | None = None) -> int:
    query = select(func.count(Pact.id)).where(
        Pact.status != PactStatus.DRAFT,
        and_(Pact.start_on >= date(year, 1, 1), Pact.start_on <= date(year, 12, 31)),
    )
    if town_id:
        query = query.where(Pact.town_id == town_id)
    return db.session.scalar(query) or 0


def figures(period: Period, target: int) -> PactFigures:
    pacts = pacts_in(period)
    result = PactFigures(target=target, year=period.last.year)
    towns: dict[str, Counter] = {}
    areas, bands, outcomes = Counter(), Counter(), Counter()
    for pact in pacts:
        kinds = kind_of(pact, period)
        town = towns.setdefault(pact.town.name, Counter())
        town.update(kinds)
        result.active += 1
        result.opened += "avviati" in kinds
        result.concluded += "conclusi" in kinds
        result.interrupted += "interrotti" in kinds
        areas.update(a.name for a in pact.areas)
        bands[pact.age_band] += 1
        if "conclusi" in kinds:
            outcomes[pact.outcome] += 1
    result.by_town = [(name, c["avviati"], c["attivi"], c["conclusi"]) for name, c in sorted(towns.items())]
    result.by_area = sorted(areas.items())
    result.by_age_band = [(str(label), bands[code]) for code, label, _lo, _hi in AGE_BANDS if bands[code]]
    result.by_outcome = [(str(label), outcomes[key.value]) for key, label in OUTCOME_LABELS.items()]
    result.opened_in_year = opened_in_year(result.year, period.town_id)
    return result


def rows(pacts: list[Pact], period: Period, kind: str | None, named: bool = False) -> list[list]:
    """One row per pact: pseudonymised (the pact number stands for the person) unless named."""
    found = []
    for pact in pacts:
        if kind and kind not in kind_of(pact, period):
            continue
        row = [
            pact.number, pact.town.name, ", ".join(a.name for a in pact.areas), pact.age_band_label,
            pact.household_size, pact.start_on, pact.status_label, pact.outcome_label, pact.closed_on,
            sum(1 for r in pact.reviews if r.held_on),
        ]  # fmt: skip
        if named:
            row += [
                pact.beneficiary_name,
                pact.beneficiary_contact,
                pact.responsible.full_name if pact.responsible else "",
            ]
        found.append(row)
    return found
