"""Retention: the personal data of pacts closed more than N years ago is anonymised.

What goes: the beneficiary's name, contact and exact age, the interruption
reason, every diary note, the notes of the reviews and the names and texts of
the person's own commitments. What stays, so the figures do not change: the
number, town, areas, age band, household size, dates, status and outcome.
"""

from datetime import date

from sqlalchemy import delete, select

from app.common.timeutil import utcnow
from app.pacts.models import CLOSED, Commitment, DiaryNote, Pact, Party, Review
from app.platform.extensions import db

ANONYMOUS = "—"


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def due(today: date, years: int) -> list[Pact]:
    """Closed pacts whose end is more than `years` years before today, not yet anonymised."""
    limit = years_before(today, years)
    query = select(Pact).where(Pact.status.in_(CLOSED), Pact.closed_on < limit, Pact.anonymised_at.is_(None))
    return list(db.session.scalars(query.order_by(Pact.id)))


def anonymise(pact: Pact) -> None:
    pact.beneficiary_name = ANONYMOUS
    pact.beneficiary_contact = ""
    pact.beneficiary_age = None
    pact.goal = ""
    pact.interruption_reason = ANONYMOUS if pact.interruption_reason else ""
    pact.anonymised_at = utcnow()
    db.session.execute(delete(DiaryNote).where(DiaryNote.pact_id == pact.id))
    for review in db.session.scalars(select(Review).where(Review.pact_id == pact.id)):
        review.notes = ""
    for commitment in db.session.scalars(select(Commitment).where(Commitment.pact_id == pact.id)):
        if commitment.party == Party.PERSON:
            commitment.who = ""
        commitment.what = ANONYMOUS


def anonymise_due(today: date, years: int) -> list[str]:
    """Anonymise every pact due; their numbers (the caller commits)."""
    pacts = due(today, years)
    for pact in pacts:
        anonymise(pact)
    db.session.flush()
    return [p.number for p in pacts]
