"""Production shape: gunicorn with several workers sharing the database and Redis."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(db_url, tmp_path):
    """Three gunicorn workers in production mode, on the suite's database."""
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable at 127.0.0.1:6379")
        pytest.skip("Redis is not running at 127.0.0.1:6379: production test skipped")
    port = free_port()
    env = {
        **os.environ,
        "LEGAMI_ENV": "production",
        "SECRET_KEY": "production-test-secret-production-test",
        "DATABASE_URL": db_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "TRUSTED_HOSTS": "127.0.0.1,legami.example.it",  # PUBLIC_URL's host too
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_FROM": "legami@legami.example.it",
        "PUBLIC_URL": "https://legami.example.it",
        # Redis outlives the test: a fresh prefix keeps earlier runs' counters out.
        "RATELIMIT_KEY_PREFIX": f"legami-test-{uuid.uuid4().hex}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/salute", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
    assert "Booting worker" in output


def open_form(base: str, path: str) -> tuple[str, str]:
    """GET a form; return its session cookie and CSRF token."""
    response = urllib.request.urlopen(base + path, timeout=5)
    cookie = re.search(r"session=([^;]+)", response.headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
    return cookie, token


def post_login(base: str, email: str) -> int:
    cookie, token = open_form(base, "/accedi")
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": "sbagliata-123"}).encode()
    request = urllib.request.Request(base + "/accedi", data=data, headers={"Cookie": f"session={cookie}"})
    try:
        return urllib.request.urlopen(request, timeout=5).status
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_workers_serve_health_and_share_login_limits(gunicorn):
    health = urllib.request.urlopen(gunicorn + "/salute", timeout=5)
    assert health.status == 200
    assert "Content-Security-Policy" in health.headers
    # Five failed attempts on one account, spread over three workers, use up
    # the limit together: the counters live in Redis, not in one process.
    email = f"{uuid.uuid4().hex}@example.org"
    statuses = [post_login(gunicorn, email) for _ in range(6)]
    assert statuses == [200] * 5 + [429]
