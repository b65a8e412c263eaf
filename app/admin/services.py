"""Account administration rules. No request, no commit."""

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User


class LockoutError(Exception):
    """The change would leave the site without an active administrator."""


def user_list_query(search: str = "") -> Select:
    query = select(User).options(selectinload(User.role_links)).order_by(func.lower(User.full_name), User.id)
    term = search.strip().lower()
    if term:
        like = f"%{term.replace('%', '').replace('_', '')}%"
        query = query.where(or_(func.lower(User.full_name).like(like), func.lower(User.email).like(like)))
    return query


def guard_self_lockout(actor: User, target: User, new_roles: set[Role] | None, deactivate: bool) -> None:
    """An administrator may not deactivate themself or drop their own admin role."""
    if actor.id != target.id:
        return
    if deactivate or (new_roles is not None and Role.ADMIN not in new_roles):
        raise LockoutError
