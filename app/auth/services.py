"""Account rules: credentials, sessions, invitations. No request, no commit."""

import hmac
import threading

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import Role, User, UserRole
from app.auth.notices import send_invitation
from app.common.timeutil import utcnow
from app.platform.extensions import db, login_manager

# Checked against when the e-mail is unknown, so that a wrong address takes
# as long to refuse as a wrong password (no user enumeration by timing). One
# hash per method, built once under a lock: threads of a worker share it.
_dummy_hashes: dict[str, str] = {}
_dummy_lock = threading.Lock()


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    with _dummy_lock:
        if method not in _dummy_hashes:
            _dummy_hashes[method] = generate_password_hash("legami-dummy-password", method=method)
        return _dummy_hashes[method]


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the user of a login cookie; stale tokens and inactive accounts get nobody."""
    uid, _, token = user_id.partition(":")
    if not uid.isdigit() or not token:
        return None
    # The roles in the same statement: every signed-in request pays this, once.
    user = db.session.get(User, int(uid), options=[joinedload(User.role_links)])
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    return user


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def check_credentials(email: str, password: str) -> User | None:
    """The active user with these credentials, or None, in comparable time."""
    user = find_by_email(email)
    if user is None or not user.has_password:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def mark_login(user: User) -> None:
    """Record a login (this also voids the account's pending login links).

    Not a new version of the account (app/platform/versioning.py): an administrator's form opened
    before this login still saves."""
    now = utcnow()
    db.session.execute(
        update(User).where(User.id == user.id).values(last_login_at=now),
        execution_options={"synchronize_session": False},
    )
    set_committed_value(user, "last_login_at", now)


def authenticate(email: str, password: str) -> User | None:
    """Like check_credentials, and records the login."""
    user = check_credentials(email, password)
    if user is not None:
        mark_login(user)
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every other session of the account."""
    user.set_password(new_password)
    user.end_all_sessions()


def create_user(email: str, full_name: str, roles: set[Role]) -> User:
    """A new account without a password: its owner sets one through the invitation."""
    user = User(email=normalise_email(email), full_name=full_name.strip())
    db.session.add(user)
    set_roles(user, roles)
    db.session.flush()
    return user


def find_or_invite(email: str, name: str = "") -> User:
    """The account with this address, or a new one without a password, invited by e-mail and
    named `name` (empty: no name yet, shown «Ospite senza nome»; a name is never built from the
    address). An existing account keeps its own name. Whoever adds a member, a co-maker or a
    manager by e-mail gets the same reply either way: no hint whether an account existed."""
    user = find_by_email(email)
    if user is None:
        address = normalise_email(email)
        user = create_user(address, " ".join((name or "").split())[:120], set())
        send_invitation(user)
    return user


def set_roles(user: User, roles: set[Role]) -> None:
    current = {link.role: link for link in user.role_links}
    for role in roles:
        if role.value not in current:
            user.role_links.append(UserRole(role=role.value))
    for name, link in current.items():
        if Role(name) not in roles:
            user.role_links.remove(link)
