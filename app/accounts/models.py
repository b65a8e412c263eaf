"""Accounts and their site-wide roles."""

import enum
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.common.timeutil import utcnow
from app.platform.extensions import db
from app.platform.versioning import Versioned


class Role(enum.StrEnum):
    """Site-wide roles; group, center and lab roles belong to their features."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    COMMUNITY_MAKER = "community_maker"
    OPERATOR = "operator"  # follows Patti Gener-Attivi in the towns given to them

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Amministrazione"),
    Role.COORDINATOR: _l("Coordinamento"),
    Role.COMMUNITY_MAKER: _l("Community Maker"),
    Role.OPERATOR: _l("Operatore dei Patti"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Versioned, UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Part of the login cookie; replacing it ends every session of the account.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Loaded when read: the person signed in gets theirs with them (app/auth/services.py), a page
    # listing people with their roles asks for them (selectinload); a member, an author or an
    # attendee shown by name costs no query for roles nobody reads.
    role_links: Mapped[list["UserRole"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    @property
    def display_name(self) -> str:
        """The name every page, list and document shows: never built from the address. An
        account invited by e-mail without a name reads «Ospite senza nome» until it is given."""
        return self.full_name or str(_l("Ospite senza nome"))

    def get_id(self) -> str:
        """Flask-Login's id: the token makes old cookies useless once rotated."""
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"] if current_app else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    @property
    def roles(self) -> set[Role]:
        return {Role(link.role) for link in self.role_links}

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def is_operator(self) -> bool:
        return self.has_role(Role.OPERATOR)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(Role.COORDINATOR)

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_links")
