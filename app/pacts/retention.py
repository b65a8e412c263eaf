"""Retention: the personal data of pacts closed more than N years ago is anonymised.

What goes: the beneficiary's name, contact and exact age, the interruption
reason, every diary note, the notes of the reviews and the names and texts of
the person's own commitments, and the person's name and contact wherever free text still
carries them: the other parties' commitments (who, how often) and the audit log's entries
(a named export's stated reason, say). What stays, so the figures do not change: the
number, town, areas, age band, household size, dates, status and outcome.
"""

import re
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, or_, select

from app.audit.models import AuditEntry
from app.audit.services import record
from app.common.timeutil import today_in_rome, utcnow
from app.messages import scheduled
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


def _traces(pact: Pact) -> list[str]:
    """How free text may name the person: the name in either order, the contact."""
    words = pact.beneficiary_name.split()
    found = [" ".join(words), " ".join(reversed(words)), pact.beneficiary_contact.strip()]
    # Too short to be a name rather than part of another word ("—", initials).
    return sorted({t for t in found if len(t) >= 3 and t != ANONYMOUS}, key=len, reverse=True)


def _scrub(text: str, traces: list[str]) -> str:
    for trace in traces:
        text = re.sub(r"\s+".join(map(re.escape, trace.split())), ANONYMOUS, text, flags=re.IGNORECASE)
    return text


def _scrub_audit_log(traces: list[str]) -> None:
    if not traces:
        return
    mentions = or_(*(func.lower(AuditEntry.subject).contains(t.lower()) for t in traces))
    for entry in db.session.scalars(select(AuditEntry).where(mentions)):
        entry.subject = _scrub(entry.subject, traces)


def anonymise(pact: Pact) -> None:
    traces = _traces(pact)
    _scrub_audit_log(traces)
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
        commitment.who = "" if commitment.party == Party.PERSON else _scrub(commitment.who, traces)
        commitment.frequency = _scrub(commitment.frequency, traces)
        commitment.what = ANONYMOUS


def anonymise_due(today: date, years: int) -> list[str]:
    """Anonymise every pact due; their numbers (the caller commits)."""
    pacts = due(today, years)
    for pact in pacts:
        anonymise(pact)
    db.session.flush()
    return [p.number for p in pacts]


def run(today: date, years: int | None = None) -> list[str]:
    """The retention job (`flask pacts anonymise`, the worker's nightly task): anonymise what is
    due after PACT_RETENTION_YEARS (or years) and log it once in the audit (the caller commits)."""
    years = years if years is not None else current_app.config["PACT_RETENTION_YEARS"]
    numbers = anonymise_due(today, years)
    if numbers:
        record(None, "pacts.anonymise", ", ".join(numbers), row_count=len(numbers))
    return numbers


@scheduled.nightly
def nightly_retention() -> list[str]:
    """The worker's nightly run (app/messages/scheduled.py), same as `flask pacts anonymise`."""
    return run(today_in_rome())
