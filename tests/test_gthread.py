"""The app under gunicorn's threaded workers (2 workers x 4 threads), as deployed with --worker-class gthread.

A few hundred concurrent requests over pages, feeds and two write paths (a lab sign-up
and a login, both with CSRF) must leave every worker alive (no SIGSEGV, no WORKER TIMEOUT,
no respawn in the arbiter's log), give no 5xx, and give each page its own content.
The workers switch threads very often so that state shared between threads shows up.
"""

import http.client
import os
import re
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.groups import services as groups
from app.labs.models import Registration
from app.platform.extensions import db
from tests import factories
from tests.conftest import PASSWORD, make_config

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 24
TASKS_PER_CLIENT = 16
TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
DEATH_SIGNS = (
    "SIGSEGV",
    "SIGABRT",
    "SIGKILL",
    "WORKER TIMEOUT",
    "Fatal Python error",
    "Traceback",
    "Exception on",
)
GUNICORN_CONF = """
import faulthandler, sys

def post_fork(server, worker):
    faulthandler.enable()
    sys.setswitchinterval(1e-4)
"""


def _config(db_url: str, instance: Path) -> dict:
    """The suite's settings (messages stay in the outbox), served on any host, limits out of the way."""
    return make_config(
        db_url, instance, SERVER_NAME=None, TESTING=False, LOG_LEVEL="WARNING",
        LOGIN_FAILURES_PER_ADDRESS="10000 per minute", LOGIN_FAILURES_PER_PAIR="10000 per minute",
        SIGNUP_LIMIT_PER_IP="10000 per minute",
    )  # fmt: skip


@pytest.fixture
def gunicorn(db_url, app, tmp_path):
    """Start gunicorn gthread on a free port; yield (port, log reader); stop it."""
    conf = tmp_path / "gunicorn_conf.py"
    conf.write_text(GUNICORN_CONF)
    log_path = tmp_path / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "--config", str(conf), "--worker-class", "gthread",
        "--workers", "2", "--threads", "4", "--bind", "127.0.0.1:0", "--timeout", "30",
        "--graceful-timeout", "5", f"app:create_app({_config(db_url, tmp_path)!r})",
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        )
    try:
        port = _wait_until_ready(process, log_path)
        yield port, log_path.read_text
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process, log_path: Path) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        log = log_path.read_text()
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log)
        if found and log.count("Booting worker") >= 2:
            port = int(found.group(1))
            try:
                if _request(port, "GET", "/salute")[0] == 200:
                    return port
            except OSError:
                pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start:\n" + log_path.read_text())


def _request(port, method, path, body=None, cookie=None):
    """(status, headers, text) of one request on a fresh connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _form(port, path):
    """The session cookie and CSRF token of a page with a form."""
    status, headers, html = _request(port, "GET", path)
    assert status == 200, (path, status)
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    return cookie, TOKEN_RE.search(html).group(1)


def _long(markdown: str) -> str:
    """Markdown long enough that renders on different threads overlap."""
    filler = "\n\n- un punto con [un link](https://example.org/x) e *enfasi*\n- un altro, www.example.org\n\n> nota"
    return markdown + filler * 8


@pytest.fixture
def site(app, make_user):
    """A group, a lab with sessions and a center with an activity, each with Markdown of its own."""
    make_user("socia@example.org", [], "Sofia Socia")
    group = groups.create_group(
        "Gruppo Alfa", _long("Il gruppo **Alfa** lavora con www.alfa.example.it."), None, "Crema"
    )
    lab = factories.lab(
        title="Laboratorio Beta", slug="laboratorio-beta", capacity=5,
        description=_long("Il laboratorio **Beta**: vedi https://beta.example.it/programma."),
    )  # fmt: skip
    for week in range(6):
        factories.session(lab, date.today() + timedelta(days=7 * week + 1))
    center = factories.center("Centro Gamma", slug="centro-gamma")
    center.description = _long("Il centro **Gamma**, [il sito](https://gamma.example.it).")
    activity = factories.activity(center, start_on=date.today(), until_on=date.today() + timedelta(days=120))
    pages = {
        f"/gruppi/{group.slug}": "<strong>Alfa</strong>",
        "/laboratori/laboratorio-beta": "<strong>Beta</strong>",
        "/centri/centro-gamma": "<strong>Gamma</strong>",
        f"/centri/centro-gamma/attivita/{activity.id}": "Doposcuola",
        "/": "Legami",
        "/calendario": "Doposcuola",
        "/gruppi/": "Gruppo Alfa",
        "/laboratori/": "Laboratorio Beta",
        "/centri/": "Centro Gamma",
        "/ical/tutto.ics": "BEGIN:VCALENDAR",
        "/ical/laboratori/laboratorio-beta.ics": "Laboratorio Beta",
        "/ical/centri/centro-gamma.ics": "Doposcuola",
    }
    # Committed last: reading an attribute after a commit would begin a transaction
    # here that holds SQLite's write lock while the workers run.
    db.session.commit()
    return pages


def test_threaded_workers_survive_mixed_load(gunicorn, site):
    port, read_log = gunicorn
    pages = list(site)
    markers = {"<strong>Alfa</strong>", "<strong>Beta</strong>", "<strong>Gamma</strong>"}

    def sign_up(n):
        cookie, token = _form(port, "/laboratori/laboratorio-beta")
        data = {"csrf_token": token, "full_name": f"Persona {n}", "email": f"p{n}@example.org", "note": ""}
        status, headers, _ = _request(port, "POST", "/laboratori/laboratorio-beta/iscrizione", data, cookie)
        # With an e-mail the private link goes by e-mail (issue 12): /iscrizione-ricevuta.
        location = headers.get("Location", "")
        return [("sign-up", status, 302, "/iscrizione/" in location or "/iscrizione-ricevuta" in location)]

    def log_in(n):
        cookie, token = _form(port, "/accedi")
        password = PASSWORD if n % 2 else "password-sbagliata"
        data = {"csrf_token": token, "email": "socia@example.org", "password": password}
        status, _, html = _request(port, "POST", "/accedi", data, cookie)
        if n % 2:
            return [("login", status, 302, True)]
        return [("bad login", status, 200, "Indirizzo e-mail o password non corretti." in html)]

    def read(n):
        path = pages[n % len(pages)]
        status, _, html = _request(port, "GET", path)
        # A page with Markdown shows its own, never another page's (no state shared by threads).
        others = markers - {site[path]} if site[path] in markers else set()
        return [(path, status, 200, site[path] in html and not any(m in html for m in others))]

    def task(n):
        if n % 20 == 3:
            return sign_up(n)
        if n % 20 == 13:
            return log_in(n)
        return read(n)

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = [row for rows in pool.map(task, range(CLIENTS * TASKS_PER_CLIENT)) for row in rows]
    elapsed = time.monotonic() - started
    log = read_log()

    assert [r for r in results if r[1] >= 500] == [], log[-3000:]
    assert [r for r in results if r[1] != r[2] or not r[3]] == []
    assert not [sign for sign in DEATH_SIGNS if sign in log], log[-5000:]
    assert log.count("Booting worker") == 2, log[-3000:]  # no worker was replaced
    sign_ups = sum(1 for r in results if r[0] == "sign-up")
    assert db.session.scalar(select(func.count()).select_from(Registration)) == sign_ups
    assert len(results) >= 300, elapsed
