"""Every rate limit of the portal is on a route (`@limiter.limit`), checked by its decorator.

Flask-Limiter also checks every request before its view, for limits that cover many routes
(defaults, application-wide, per blueprint, meta limits): the portal has none, and that check was
about a sixth of what a kept page costs to serve. So it is removed while none is configured; the
day one is, it stays (and `tests/test_rate_limits.py` shows both)."""

from flask import Flask
from flask_limiter import Limiter


def covers_many_routes(limiter: Limiter) -> bool:
    """Whether a limit applies beyond the route that declares it (Flask-Limiter keeps these apart)."""
    manager = limiter.limit_manager
    return bool(
        manager.default_limits
        or manager.application_limits
        or limiter._meta_limits
        or any(manager._blueprint_limits.values())
    )


def check_in_routes_only(app: Flask, limiter: Limiter) -> None:
    """After every blueprint: drop the check before every view when no limit covers many routes."""
    checks = app.before_request_funcs.get(None, [])
    if not covers_many_routes(limiter) and limiter._check_request_limit in checks:
        checks.remove(limiter._check_request_limit)
