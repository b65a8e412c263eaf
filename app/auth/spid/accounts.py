"""What a proved identity does to accounts. An identity already linked signs its account in; a new
one creates a resident account (no role: SPID never gives one) when the identity provider's e-mail
address has no account, or joins an existing account once the address's owner confirms by a link
(linking.py). One identity per account, one account per codice fiscale. No request, no commit."""

from datetime import date, datetime

from sqlalchemy import select

from app.accounts.identity import VerifiedIdentity, identity_row
from app.accounts.models import User
from app.auth import services
from app.auth.spid import settings
from app.common.timeutil import utcnow
from app.platform.extensions import db


class OtherIdentity(Exception):
    """The account already has another identity, or the identity another account."""


def linked_account(fiscal_number: str) -> User | None:
    row = db.session.scalar(select(VerifiedIdentity).where(VerifiedIdentity.fiscal_number == fiscal_number))
    return db.session.get(User, row.user_id) if row else None


def _fill(row: VerifiedIdentity, data: dict) -> None:
    row.given_name, row.family_name = data["given_name"], data["family_name"]
    row.date_of_birth = date.fromisoformat(data["date_of_birth"]) if data.get("date_of_birth") else None
    row.method, row.provider = data["method"], data["provider"][:255]
    row.verified_at = datetime.fromisoformat(data["verified_at"]) if data.get("verified_at") else utcnow()


def refresh(user: User, data: dict) -> None:
    """A new login of a linked account: what the identity provider said now is kept."""
    row = identity_row(user)
    if row is not None:
        _fill(row, data)
    services.mark_login(user)


def link(user: User, data: dict) -> None:
    """Join an identity to an existing account; OtherIdentity if either is already taken."""
    row = identity_row(user)
    other = linked_account(data["fiscal_number"])
    if (row is not None and row.fiscal_number != data["fiscal_number"]) or (
        other is not None and other.id != user.id
    ):
        raise OtherIdentity(data["fiscal_number"])
    if row is None:
        row = VerifiedIdentity(user_id=user.id, fiscal_number=data["fiscal_number"], linked_at=utcnow())
        db.session.add(row)
    _fill(row, data)
    db.session.flush()


def create(address: str, data: dict) -> User:
    """A resident's account for a new identity: named as the identity provider says, no role."""
    if linked_account(data["fiscal_number"]) is not None:
        raise OtherIdentity(data["fiscal_number"])
    name = f"{data['given_name']} {data['family_name']}".strip()
    user = services.create_user(address, name, set())
    link(user, data)
    return user


def unlink(user: User) -> bool:
    row = identity_row(user)
    if row is None:
        return False
    db.session.delete(row)
    user.end_all_sessions()
    db.session.flush()
    return True


def must_use_spid(user: User) -> bool:
    """True when an administrator's setting (SPID_REQUIRED_ROLES) makes one of the account's roles
    enter only with SPID or CIE, and SPID is set up."""
    return settings.is_configured() and bool({role.value for role in user.roles} & settings.required_roles())
