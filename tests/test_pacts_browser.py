"""Browser test of the register (tests/browser/pacts_flow.mjs): an operator from a new pact
to its first review, a coordinator reading the read log; axe-core on every page."""

import os
import subprocess
import threading

from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.test_e2e import CHROMIUM, PASSWORD, ROOT, require_browser


def test_an_operator_from_a_new_pact_to_its_first_review(tmp_path):
    require_browser()
    from app.demo import load

    app = create_app({
        "SECRET_KEY": "e2e", "DATABASE_URL": f"sqlite:///{tmp_path / 'pacts.sqlite3'}", "INSTANCE_PATH": str(tmp_path),
        "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_LEVEL": "WARNING",
    })  # fmt: skip
    with app.app_context():
        db.create_all()
        load("admin@legami.example", PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = subprocess.run(
            ["node", str(ROOT / "tests" / "browser" / "pacts_flow.mjs"), f"http://127.0.0.1:{server.server_port}"],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
            env={**os.environ, "LEGAMI_PASSWORD": PASSWORD, "CHROMIUM": CHROMIUM or ""},
        )  # fmt: skip
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "pacts browser flow: ok PG-" in done.stdout and "VIOLATIONS" not in done.stdout
