"""Writers, readers and audited exports together on SQLite under gunicorn (4 sync workers).

Issue 13: a GET export that wrote its audit entry inside its read snapshot failed with
"database is locked" under other writes (69 of 83). Each export now records its entry in a
short write transaction of its own that waits for the lock like a POST (app/platform/database.py).

Run:
    .venv/bin/python bench/concurrency_bench.py        # BENCH_SECONDS=30, BENCH_PORT=0 (any free port)
It builds a fresh SQLite database in a temporary folder, starts gunicorn, and prints per kind of
request the count, the 5xx, the errors, median and max milliseconds; plus the "database is locked"
lines of the server log. tests/test_concurrency.py (marked slow) runs the same load for 20 s.
"""

import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
LAB = "laboratorio-carico"
PERIOD = "dal=2026-01-01&al=2026-12-31"
PASSWORD = "password-di-prova-1"  # noqa: S105 - the seeded coordinator of a throw-away database
COORDINATOR = "coordinatore.carico@example.org"


def settings(db_url: str, instance: str) -> dict:
    """The app's settings for the run: messages stay in the outbox, limits out of the way."""
    return {
        "INSTANCE_PATH": instance, "SECRET_KEY": "bench-secret-key-bench-secret-key", "DATABASE_URL": db_url,
        "RATELIMIT_STORAGE_URI": "memory://", "MAIL_DISPATCH": "none", "PUBLIC_URL": "http://legami.test",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_LEVEL": "WARNING",
        "LOGIN_LIMIT_PER_IP": "100000 per minute", "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        "SIGNUP_LIMIT_PER_IP": "100000 per minute",
    }  # fmt: skip


def seed() -> None:
    """Inside an app context: a coordinator, a lab with held sessions and room for every sign-up."""
    from datetime import date
    from datetime import time as clock

    from app.accounts.models import Role
    from app.auth import services as accounts
    from app.labs.models import Lab, LabSession
    from app.platform.extensions import db
    from app.towns import services as towns

    coordinator = accounts.create_user(COORDINATOR, "Carla Carico", {Role.COORDINATOR})
    coordinator.set_password(PASSWORD)
    town = towns.create_town("Crema", "CR", "Crema")
    lab = Lab(slug=LAB, title="Laboratorio di carico", town=town, venue="Sala", description="Prova",
              status="open", theme="animazione", capacity=100_000, has_waiting_list=True)  # fmt: skip
    db.session.add(lab)
    for day in range(1, 28):
        db.session.add(
            LabSession(lab=lab, start_on=date(2026, 3, day), start_time=clock(18), end_time=clock(20))
        )
    db.session.add(LabSession(lab=lab, start_on=date(2099, 1, 1), start_time=clock(18), end_time=clock(20)))
    db.session.commit()


def start(db_url: str, workdir: Path, port: int = 0):
    """gunicorn with 4 sync workers; (process, port, log path) once it answers."""
    log_path = workdir / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}",
               "--timeout", "60", "--graceful-timeout", "5",
               f"app:create_app({settings(db_url, str(workdir))!r})"]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log_path.read_text())
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log_path.read_text())
        if found and log_path.read_text().count("Booting worker") >= 4:
            try:
                if request(int(found.group(1)), "GET", "/salute")[0] == 200:
                    return process, int(found.group(1)), log_path
            except OSError:
                pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start:\n" + log_path.read_text())


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def request(port, method, path, body=None, cookie=None):
    """(status, headers, body bytes) of one request on a fresh connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _form(port, path, cookie=None):
    _status, headers, html = request(port, "GET", path, cookie=cookie)
    cookie = cookie or headers["Set-Cookie"].split(";", 1)[0]
    return cookie, TOKEN_RE.search(html.decode()).group(1)


def _log_in(port) -> str:
    cookie, token = _form(port, "/accedi")
    status, headers, _ = request(port, "POST", "/accedi", {"csrf_token": token, "email": COORDINATOR,
                                                           "password": PASSWORD}, cookie)  # fmt: skip
    assert status == 302, status
    return headers["Set-Cookie"].split(";", 1)[0]


def load(port: int, seconds: float, writers: int = 5, readers: int = 5, exporters: int = 2) -> list:
    """Run every client until the time is up; [(kind, status, ok, ms)]."""
    results, lock, stop_at = [], threading.Lock(), time.monotonic() + seconds
    counter = iter(range(10**9))

    def note(kind, status, ok, started):
        with lock:
            results.append((kind, status, ok, (time.monotonic() - started) * 1000))

    def writer():
        while time.monotonic() < stop_at:
            cookie, token = _form(port, f"/laboratori/{LAB}")
            n, started = next(counter), time.monotonic()
            data = {
                "csrf_token": token,
                "full_name": f"Persona {n}",
                "email": f"p{n}@example.org",
                "note": "",
            }
            status, _headers, _ = request(port, "POST", f"/laboratori/{LAB}/iscrizione", data, cookie)
            note("write (lab sign-up)", status, status == 302, started)

    def reader(n):
        pages = ["/", "/calendario", f"/laboratori/{LAB}", "/laboratori/"]
        while time.monotonic() < stop_at:
            started = time.monotonic()
            status, _, html = request(port, "GET", pages[n % len(pages)])
            note("read (public page)", status, status == 200 and b"Legami" in html, started)
            n += 1

    def exporter(n):
        cookie = _log_in(port)
        while time.monotonic() < stop_at:
            path = (
                f"/coordinamento/esporta.xlsx?{PERIOD}" if n % 2 else f"/coordinamento/esporta.csv?{PERIOD}"
            )
            started = time.monotonic()
            status, headers, _body = request(port, "GET", path, cookie=cookie)
            note("export (audited GET)", status, status == 200 and "attachment" in headers.get(
                "Content-Disposition", ""), started)  # fmt: skip
            n += 1

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
    threads += [threading.Thread(target=exporter, args=(n,)) for n in range(exporters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summary(results: list) -> str:
    lines = [
        "| requests | count | 5xx | not as expected | median ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in sorted({r[0] for r in results}):
        rows = [r for r in results if r[0] == kind]
        times = [r[3] for r in rows]
        lines.append(f"| {kind} | {len(rows)} | {sum(1 for r in rows if r[1] >= 500)} | "
                     f"{sum(1 for r in rows if not r[2])} | {statistics.median(times):.0f} | {max(times):.0f} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    from app import create_app
    from app.platform.extensions import db

    seconds = float(os.environ.get("BENCH_SECONDS", "30"))
    workdir = Path(tempfile.mkdtemp(prefix="legami-concurrency-"))
    db_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app(settings(db_url, str(workdir)))
    with app.app_context():
        db.create_all()
        seed()
        db.engine.dispose()
    process, port, log_path = start(db_url, workdir, int(os.environ.get("BENCH_PORT", "0")))
    try:
        results = load(port, seconds)
    finally:
        stop(process)
    log = log_path.read_text()
    print(f"{seconds:.0f} s, 4 sync workers, SQLite, 5 writers + 5 readers + 2 exporters")
    print(summary(results))
    print(f'"database is locked" in the server log: {log.count("database is locked")}')


if __name__ == "__main__":
    main()
