"""Voucher calls: opening one, an application filed (eligibility, household, protocol number),
closing, the ranking computed and published with its vouchers; who may read an application.

Personal data (household, ISEE, care needs) is read only by the applicant and coordinators;
every coordinator's read is logged in voucher_application_reads, in a short write transaction
of its own (app/platform/database.py's write_transaction), so a GET may log it.
"""

from datetime import date, datetime

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.timeutil import ROME, utcnow
from app.conciliation import eligibility, notices_calls, protocol, ranking, vouchers
from app.conciliation.eligibility import Draft
from app.conciliation.voucher_models import (
    Application,
    ApplicationRead,
    HouseholdMember,
    VoucherCall,
)
from app.platform.database import write_transaction
from app.platform.extensions import db


class CallError(Exception):
    """An application or a step refused; `reasons` in Italian."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def get_call_or_404(call_id: int) -> VoucherCall:
    call = db.session.scalar(
        select(VoucherCall).where(VoucherCall.id == call_id).options(selectinload(VoucherCall.towns))
    )
    if call is None:
        abort(404)
    return call


def _locked_call(call: VoucherCall) -> VoucherCall:
    return db.session.scalar(
        select(VoucherCall).where(VoucherCall.id == call.id).with_for_update()
        .execution_options(populate_existing=True)
    )  # fmt: skip


def submit(call: VoucherCall, draft: Draft, user, details: dict, now: datetime, today: date) -> Application:
    """File an application, or raise CallError with every reason. The call's row is locked
    first, so the household rule holds under two submissions at once; the protocol number is
    taken last, in the same transaction (gap-free)."""
    found = eligibility.reasons(call, draft, now, today)
    if found:
        raise CallError(found)
    call = _locked_call(call)
    household = eligibility.household_reason(call, draft)
    if household:
        raise CallError([household])
    year = now.astimezone(ROME).year  # the protocol's year is Italy's, not UTC's
    seq, number = protocol.next_number(year)
    application = Application(
        call_id=call.id, user_id=user.id, year=year, seq=seq, number=number,
        fiscal_code=draft.fiscal_code, birth_date=draft.birth_date, employment=draft.employment,
        weekly_hours=draft.weekly_hours, town_id=draft.town_id, isee_cents=draft.isee_cents,
        isee_issued_on=draft.isee_issued_on, declarations=list(draft.declarations), submitted_at=now,
        members=[HouseholdMember(call_id=call.id, fiscal_code=m.fiscal_code, age=m.age, care_needs=m.care_needs)
                 for m in draft.members],
        **details,
    )  # fmt: skip
    db.session.add(application)
    db.session.flush()
    notices_calls.application_received(application)
    return application


def close(call: VoucherCall, now: datetime) -> None:
    """Close the window now (no more applications)."""
    if call.is_closed(now):
        raise CallError([_("Il bando è già chiuso.")])
    call.closes_at = max(now, call.opens)


def applications_of(call: VoucherCall) -> list[Application]:
    return db.session.scalars(
        select(Application).where(Application.call_id == call.id)
        .options(selectinload(Application.members)).order_by(Application.year, Application.seq)
    ).all()  # fmt: skip


def compute(call: VoucherCall, now: datetime) -> list[Application]:
    """Points and rank of every application (again, until published); for the coordinator to review."""
    if not call.is_closed(now):
        raise CallError([_("La graduatoria si calcola dopo la chiusura del bando.")])
    if call.published_at is not None:
        raise CallError([_("La graduatoria è già pubblicata.")])
    applications = applications_of(call)
    criteria = ranking.criteria_of(call)
    by_key = {a.id: a for a in applications}
    entries = [
        ranking.Entry(a.id, a.household_size, a.care_needs, a.isee_cents, a.year, a.seq) for a in applications
    ]
    for position, (entry, points) in enumerate(ranking.rank(criteria, entries), start=1):
        by_key[entry.key].points, by_key[entry.key].rank = points, position
    call.ranked_at = now
    return sorted(applications, key=lambda a: a.rank)


def publish(call: VoucherCall, now: datetime, today: date) -> list:
    """Publish the reviewed ranking and give vouchers down it while the budget holds."""
    if call.ranked_at is None:
        raise CallError([_("Calcola la graduatoria prima di pubblicarla.")])
    if call.published_at is not None:
        raise CallError([_("La graduatoria è già pubblicata.")])
    call.published_at = now
    given = vouchers.fill(call, today)
    for application in applications_of(call):
        notices_calls.ranking_published(application)
    for voucher in given:
        notices_calls.voucher_assigned(voucher)
    return given


def ranked(call: VoucherCall) -> list[Application]:
    return db.session.scalars(
        select(Application).where(Application.call_id == call.id, Application.rank.is_not(None))
        .order_by(Application.rank)
    ).all()  # fmt: skip


def now_and_today() -> tuple[datetime, date]:
    now = utcnow()
    return now, now.astimezone(ROME).date()


def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_coordinator)


def log_read(user, application: Application, what: str) -> None:
    """Record a coordinator's read of the application's personal data (the caller commits)."""
    db.session.add(ApplicationRead(application_id=application.id, user_id=user.id, what=what))


def get_application_or_404(number: str) -> Application:
    """The application numbered `number`, if current_user is its applicant or a coordinator (a
    coordinator's read is logged, committed at once); anyone else gets 404."""
    application = db.session.scalar(
        select(Application).where(Application.number == number)
        .options(selectinload(Application.members), selectinload(Application.call), selectinload(Application.town))
    )  # fmt: skip
    if application is None or not current_user.is_authenticated:
        abort(404)
    if application.user_id == current_user.id:
        return application
    if not is_coordinator(current_user):
        abort(404)
    with write_transaction(db.session):
        log_read(current_user, application, "scheda")
    return application


def reads_of(call: VoucherCall) -> list[ApplicationRead]:
    return db.session.scalars(
        select(ApplicationRead).join(Application, Application.id == ApplicationRead.application_id)
        .where(Application.call_id == call.id)
        .options(selectinload(ApplicationRead.user), selectinload(ApplicationRead.application))
        .order_by(ApplicationRead.read_at.desc(), ApplicationRead.id.desc())
    ).all()  # fmt: skip
