"""Route guards by site-wide role."""

from functools import wraps

from flask import abort
from flask_login import current_user

from app.accounts.models import Role
from app.platform.extensions import login_manager


def roles_required(*roles: Role):
    """Anonymous users go to the login page; users without one of roles get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
