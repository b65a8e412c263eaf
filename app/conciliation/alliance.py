"""The alliance of employers: a resident says they work for a member company and proves it by a
signed link sent to their address at the company's domain, or by the HR contact's confirmation
(a signed link in a message to HR). The links are itsdangerous tokens, as app/labs/confirmation.py."""

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from app.accounts.models import User
from app.common.timeutil import today_in_rome, utcnow
from app.conciliation.models import AllianceCompany, AllianceEmployee, EmployeeState
from app.platform.extensions import db

CONFIRM_MAX_AGE = 14 * 24 * 3600
DOMAIN, HR = "domain", "hr"


class AllianceRefused(ValueError):
    """The request cannot be made: the message says why, in Italian."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="legami-alliance-employee")


def token(employee: AllianceEmployee) -> str:
    return _serializer().dumps({"a": employee.id, "m": employee.method, "e": employee.work_email})


def from_token(value: str) -> AllianceEmployee | None:
    """The request a signed link names; forged, expired or since changed → None."""
    try:
        data = _serializer().loads(value, max_age=CONFIRM_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    employee = db.session.get(AllianceEmployee, data["a"])
    if employee is None or employee.method != data.get("m") or employee.work_email != data.get("e"):
        return None
    return employee


def member_companies() -> list[AllianceCompany]:
    today = today_in_rome()
    companies = db.session.scalars(select(AllianceCompany).order_by(AllianceCompany.name))
    return [c for c in companies if c.is_member_on(today)]


def request(user: User, company: AllianceCompany, method: str, work_email: str) -> AllianceEmployee:
    """Record (or renew) the request; the caller sends the message with the link."""
    if not company.is_member_on(today_in_rome()):
        raise AllianceRefused(_("L'azienda non fa parte dell'alleanza."))
    work_email = (work_email or "").strip().lower()
    if method == DOMAIN:
        domain = work_email.rpartition("@")[2]
        if "@" not in work_email or domain not in company.domain_list:
            raise AllianceRefused(
                _(
                    "Scrivi un indirizzo dell'azienda: deve finire con @%(d)s.",
                    d=" o @".join(company.domain_list),
                )
            )
    elif not company.hr_email:
        raise AllianceRefused(
            _("L'azienda non ha indicato un referente del personale: usa l'indirizzo di lavoro.")
        )
    employee = db.session.scalar(
        select(AllianceEmployee).where(
            AllianceEmployee.company_id == company.id, AllianceEmployee.user_id == user.id
        )
    )
    if employee is not None and employee.state == EmployeeState.CONFIRMED:
        raise AllianceRefused(_("Risulti già tra il personale di questa azienda."))
    if employee is None:
        employee = AllianceEmployee(company=company, user=user)
        db.session.add(employee)
    employee.method, employee.work_email = method, work_email if method == DOMAIN else ""
    employee.requested_at = utcnow()
    db.session.flush()
    return employee


def confirm(employee: AllianceEmployee) -> None:
    if employee.state != EmployeeState.CONFIRMED:
        employee.state, employee.confirmed_at = EmployeeState.CONFIRMED, utcnow()
