"""Fixtures: the app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), a
browser-like client that sends CSRF tokens as a real form would, and users by role."""

import os
import re
import tempfile

import pytest
from sqlalchemy import delete

from app import create_app
from app.accounts.models import Role, User
from app.auth import services as accounts
from app.platform.extensions import db

PASSWORD = "password-di-prova-1"
INSTANCE = tempfile.mkdtemp(prefix="legami-instance-")
# The job queue's SQLite file (app/messages/queue.py) stays out of the checkout's instance/.
os.environ.setdefault("QUEUE_SQLITE_PATH", os.path.join(INSTANCE, "queue.sqlite3"))
TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_config(url: str, tmp_path, **overrides) -> dict:
    config = {
        "INSTANCE_PATH": str(tmp_path or INSTANCE),
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "legami.test",
        # A cheap hash keeps the suite fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Messages wait in the outbox; tests deliver them explicitly (tests/mail_support.py).
        "MAIL_DISPATCH": "none",
        "PUBLIC_URL": "http://legami.test",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    """The test database, with the schema created once for the session."""
    url = database_url(tmp_path_factory)
    app = create_app(make_config(url, None))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return url


@pytest.fixture
def app(db_url, request):
    overrides = getattr(request, "param", {}) or {}
    app = create_app(make_config(db_url, None, **overrides))
    with app.app_context():
        yield app
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "page_generation":  # its one row stays, as in a real database
                db.session.execute(delete(table))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


class Browser:
    """A test client that fills in the CSRF token the way a rendered form does."""

    def __init__(self, client):
        self.client = client
        self.user = None

    def _request(self, method, url, **kwargs):
        # Each request gets its own app context, as in production: otherwise
        # it would reuse the test's context and share `g` (and the logged-in
        # user) and the database session with the test and other requests.
        # The test's own transaction ends first, as a finished request's would,
        # so that it holds no SQLite lock while the request runs.
        db.session.commit()
        with self.client.application.app_context():
            return getattr(self.client, method)(url, **kwargs)

    def get(self, url, **kwargs):
        return self._request("get", url, **kwargs)

    def token(self, page: str | None = None) -> str:
        page = page or ("/profilo/password" if self.user else "/accedi")
        html = self.get(page).get_data(as_text=True)
        match = TOKEN_RE.search(html)
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def post(self, url, data=None, token_from=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.token(token_from)
        return self._request("post", url, data=data, **kwargs)

    def login(self, user, password=PASSWORD):
        response = self.post("/accedi", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.user = user
        return response

    def logout(self):
        response = self.post("/esci", token_from="/esci")
        self.user = None
        return response


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def make_user(app):
    def factory(
        email="persona@example.org", roles=(), name="Persona di Prova", password=PASSWORD, active=True
    ):
        user = accounts.create_user(email, name, set(roles))
        if password:
            user.set_password(password)
        user.is_active = active
        db.session.commit()
        return user

    return factory


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin@example.org", [Role.ADMIN], "Alba Amministratrice")


@pytest.fixture
def coordinator(make_user) -> User:
    return make_user("coordinatore@example.org", [Role.COORDINATOR], "Carlo Coordinatore")


@pytest.fixture
def maker(make_user) -> User:
    return make_user("maker@example.org", [Role.COMMUNITY_MAKER], "Marta Maker")


@pytest.fixture
def member(make_user) -> User:
    return make_user("membro@example.org", [], "Mario Membro")


@pytest.fixture
def as_admin(browser, admin):
    browser.login(admin)
    return browser


def opened(obj) -> dict:
    """The hidden `version` of an edit form opened now (app/platform/versioning.py), to post with it."""
    db.session.expire(obj)
    return {"version": str(obj.version)}


def text(response) -> str:
    """The visible text of a response, whitespace collapsed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


from tests.mail_support import mailbox  # noqa: E402,F401  (the in-process SMTP server fixture)
