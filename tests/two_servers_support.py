"""What the two-server test needs: a database of its own on the suite's PostgreSQL server,
gunicorn and the job consumer as processes with production settings, and a small HTTP client
that keeps its cookies by hand (so that one server's cookie can be shown to the other)."""

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date
from datetime import time as clock
from http.cookies import SimpleCookie
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from app.accounts.models import User
from app.auth import services as accounts
from app.groups import services as groups
from app.groups.models import GroupRole
from app.minutes import services as minutes_services
from app.platform.extensions import db
from tests.conftest import PASSWORD, TOKEN_RE
from tests.verbale_2014 import MEMBERS_WITHOUT_ACCOUNT, Round, record_attendance

ROOT = Path(__file__).resolve().parent.parent
SECRET = "two-servers-secret-two-servers-secret-0123"


class Database:
    """A new database beside the suite's (never the suite's own), dropped at the end."""

    def __init__(self, suite_url: str):
        self.admin_url = make_url(suite_url).set(database="postgres")
        self.url = make_url(suite_url).set(database=f"legami_two_{uuid.uuid4().hex[:10]}")

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sql(statement))
        finally:
            engine.dispose()

    def create(self) -> str:
        self._admin(f'CREATE DATABASE "{self.url.database}"')
        return self.url.render_as_string(hide_password=False)

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.url.database}" WITH (FORCE)')


def production_env(database_url: str, instance: Path, **more) -> dict:
    instance.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "LEGAMI_ENV": "production",
        "LEGAMI_INSTANCE_PATH": str(instance),
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "TRUSTED_HOSTS": "127.0.0.1,legami.example.it",
        "PUBLIC_URL": "https://legami.example.it",
        "MAIL_FROM": "legami@legami.example.it",
        **more,
    }


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def start_consumer(env: dict, log: Path) -> subprocess.Popen:
    consumer = Path(sys.executable).parent / "huey_consumer"
    return subprocess.Popen(
        [str(consumer), "app.worker.huey", "--workers", "1", "--worker-type", "thread", "--delay", "0.1"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_until_up(base: str, process: subprocess.Popen, log: Path, seconds: float = 150) -> None:
    """Until /salute answers (a few seconds on a quiet machine; much longer on a busy one)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{base} died:\n{log.read_text()}")
        try:
            urllib.request.urlopen(base + "/salute", timeout=10)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not answer:\n{log.read_text()}")


def stop(process: subprocess.Popen, quick: bool = False) -> None:
    """TERM: gunicorn finishes its requests, Huey's consumer stops at once; quick: gunicorn's INT."""
    process.send_signal(signal.SIGINT if quick else signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class Client:
    """Requests to one server with cookies kept by hand: `other.cookies = this.cookies` moves a
    session between servers."""

    def __init__(self, base: str, cookies: dict | None = None):
        self.base = base
        self.cookies = dict(cookies or {})

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            response = OPENER.open(
                urllib.request.Request(self.base + path, data=data, headers=headers), timeout=20
            )
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, response.read()

    def get(self, path: str):
        return self.request(path)

    def token(self, path: str) -> str:
        status, _headers, body = self.get(path)
        match = TOKEN_RE.search(body.decode())
        assert match, f"no CSRF token on {path} ({status})"
        return match.group(1)

    def post(self, path: str, fields: dict, token_from: str):
        fields = {**fields, "csrf_token": self.token(token_from)}
        body = urllib.parse.urlencode(fields).encode()
        return self.request(path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, path: str, name: str, data: bytes, token_from: str):
        boundary = uuid.uuid4().hex
        token = self.token(token_from)
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, email: str, password: str = PASSWORD):
        return self.post("/accedi", {"email": email, "password": password}, "/accedi")


def words(body: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body.decode()))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_user(email: str, name: str) -> User:
    user = accounts.create_user(email, name, set())
    user.set_password(PASSWORD)
    db.session.commit()
    return user


def verbale_in_review(title: str) -> Round:
    """A group, its meeting with attendance, a verbale in review with a present member's approval
    (as tests/verbale_2014.py builds it, through the services)."""
    r = Round()
    r.chair = make_user("presidente@example.org", "Angela Beretta")
    r.secretary = make_user("segretario@example.org", "Pietro Bacecchi")
    r.member = make_user("membro@example.org", "Silvia Fiorentini")
    r.group = groups.create_group("Welfare di Comunità", "Gruppo di progettazione", None, "Crema")
    start = date(2014, 1, 1)
    for user, role in ((r.chair, GroupRole.CHAIR), (r.secretary, GroupRole.SECRETARY), (r.member, "member")):
        groups.add_member(r.group, user.email, role, start)
    r.people = {
        name: groups.add_person(r.group, name, "", "member", start) for name, _ in MEMBERS_WITHOUT_ACCOUNT
    }
    r.meeting = groups.schedule_meeting(r.group, date(2014, 4, 9), clock(14, 30), clock(16, 40), "via Frecavalli 16",
                                        "Sintesi del lavoro")  # fmt: skip
    db.session.commit()
    record_attendance(r)
    r.minutes = minutes_services.create_minutes(r.meeting, r.secretary, title, "Testo del verbale.")
    minutes_services.send_to_review(r.minutes)
    minutes_services.add_comment(r.minutes, r.member, "", approval=True)
    db.session.commit()
    return r
