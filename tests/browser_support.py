"""What the browser tests share: Chromium found (or the test skipped, failed in CI), the app
served on a free port, a node script of tests/ run against it with its config as JSON."""

import json
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "password-del-browser-1"


def require_browser():
    missing = []
    if not CHROMIUM:
        missing.append("Debian's chromium (apt-get install chromium)")
    if not (ROOT / "node_modules" / "playwright-core").exists() or not shutil.which("node"):
        missing.append("node and `npm ci` (playwright-core, @axe-core/playwright)")
    if missing:
        message = "browser tests skipped: missing " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def served(app):
    """The app on 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def run_script(script: str, config: dict, workdir: Path, timeout: int = 300) -> dict:
    """Run tests/<script> (tests/browser/harness.mjs reads the config); its last line is the JSON result."""
    config = {"chromium": CHROMIUM, "screenshots": os.environ.get("E2E_SCREENSHOTS", ""), **config}
    path = workdir / "config.json"
    path.write_text(json.dumps(config))
    done = subprocess.run(
        ["node", str(ROOT / "tests" / script), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_flow(script: str, base: str, timeout: int = 300) -> str:
    """Run tests/<script> that takes the base URL and prints a line per step; returns what it printed."""
    done = subprocess.run(
        ["node", str(ROOT / "tests" / script), base], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "LEGAMI_PASSWORD": PASSWORD, "CHROMIUM": CHROMIUM or ""},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def empty_app(tmp_path: Path, name: str, **settings):
    """A portal on its own SQLite file, its tables created and empty."""
    from app import create_app
    from app.platform.extensions import db

    app = create_app({
        "SECRET_KEY": "e2e", "DATABASE_URL": f"sqlite:///{tmp_path / (name + '.sqlite3')}", "INSTANCE_PATH": str(tmp_path),
        "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_LEVEL": "WARNING",
        **settings,
    })  # fmt: skip
    with app.app_context():
        db.create_all()
    return app


def demo_app(tmp_path: Path, name: str):
    """A portal on its own SQLite file with the demo data loaded."""
    from app.demo import load

    app = empty_app(tmp_path, name)
    with app.app_context():
        load("admin@legami.example", PASSWORD)
    return app
