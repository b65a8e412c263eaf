"""Rate limits are declared on routes and checked there; the check before every view is dropped
while no limit covers many routes, and kept the day one does."""

import pytest

from app.platform.extensions import limiter


def _checks_before_every_view(app) -> bool:
    return limiter._check_request_limit in app.before_request_funcs.get(None, [])


def test_no_check_before_every_view_while_every_limit_is_a_routes(app):
    assert not _checks_before_every_view(app)


@pytest.mark.parametrize("app", [{"PASSWORD_RESET_LIMIT": "2 per hour"}], indirect=True)
def test_a_routes_own_limit_still_refuses(app, browser):
    answers = [
        browser.post(
            "/password-dimenticata", {"email": "chiunque@example.org"}, token_from="/password-dimenticata"
        )
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert browser.get("/").status_code == 200  # a page with no limit of its own is not touched


@pytest.fixture
def defaults_forgotten():
    """The limiter is one object for the process: the apps made after this test get no default."""
    yield
    limiter.limit_manager.set_default_limits([])


@pytest.mark.parametrize("app", [{"RATELIMIT_DEFAULT": "2 per hour"}], indirect=True)
def test_a_limit_for_every_route_keeps_the_check_and_is_applied(defaults_forgotten, app, browser):
    assert _checks_before_every_view(app)
    assert [browser.get("/laboratori/").status_code for _ in range(3)] == [200, 200, 429]


def test_an_app_made_after_it_has_no_default(app):
    assert not limiter.limit_manager.default_limits and not _checks_before_every_view(app)
