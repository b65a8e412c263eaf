"""District benchmark: the portal as in production (gunicorn, 4 sync workers, PostgreSQL) beside a
one-line Flask route on the same settings, measured with wrk; every figure also as a ratio to the floor.

Run (the district takes a few minutes to load, once):
    export BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/legami_bench
    DATABASE_URL=$BENCH_DATABASE_URL .venv/bin/flask --app wsgi:app db upgrade
    DATABASE_URL=$BENCH_DATABASE_URL .venv/bin/flask --app wsgi:app demo load --scale district
    .venv/bin/python bench/district_bench.py            # BENCH_REPEATS=3, BENCH_SECONDS=8, BENCH_PORT=8110
    BENCH_PAGES=search BENCH_PAGE_CACHE=0 .venv/bin/python bench/district_bench.py   # some pages, rendered each time

BENCH_MIXED=1: home and calendar at 50 connections alone, then while a background thread signs in
through the login form once a second and a center manager cancels or restores one date every 10 s
(real POSTs of their forms); prints both throughputs and the loss (`mixed()`).

With BENCH_DATABASE_URL_TWICE naming a database loaded with `demo load --scale district --times 2`,
it also times every page rendered (the public pages' cache off) on both and prints the growth.
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ["BENCH_DATABASE_URL"]
TWICE_URL = os.environ.get("BENCH_DATABASE_URL_TWICE", "")
PORT = int(os.environ.get("BENCH_PORT", "8110"))
FLOOR_PORT = PORT + 1
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
SINGLES = int(os.environ.get("BENCH_SINGLES", "15"))  # one-at-a-time requests per page
CONNECTIONS = 50
PASSWORD = "bench-password-123"  # noqa: S105 (a throwaway account in the bench database)
MANAGER_EMAIL = "gestione.bench@legami.example"  # BENCH_MIXED: manages the first center
LOGIN_EVERY, CHANGE_EVERY = 1.0, 10.0  # BENCH_MIXED: seconds between logins, between date changes
# BENCH_APP_DIR: serve another checkout (e.g. the code before a change) against the same data.
APP_DIR = Path(os.environ.get("BENCH_APP_DIR", str(ROOT)))
# BENCH_WORKER_CLASS=gthread: 2 workers x 4 threads (docs/DEPLOY.md, "Worker classes"); else 4 sync workers.
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
WORKERS = ["--workers", "2", "--threads", "4"] if WORKER_CLASS == "gthread" else ["--workers", "4"]
GUNICORN = [
    str(ROOT / ".venv/bin/gunicorn"),
    *WORKERS,
    "--worker-class",
    WORKER_CLASS,
    "--log-level",
    "warning",
]


def start(app: str, port: int, env: dict) -> subprocess.Popen:
    where = APP_DIR if "wsgi" in app else ROOT
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", app], cwd=where, env=env
    )
    for _ in range(100):
        try:
            get(port, "/salute" if "wsgi" in app else "/")
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"{app} did not start")


def get(port: int, path: str, headers: dict | None = None, method="GET", body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data, response.msg.get_all("Set-Cookie") or []


def single(port: int, path: str, headers: dict | None = None, n: int = 15) -> float:
    """Median milliseconds of n requests one after the other."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        status, _, _, _ = get(port, path, headers)
        times.append((time.perf_counter() - started) * 1000)
        assert status in (200, 304), (path, status)
    return statistics.median(times)


def wrk(port: int, path: str, headers: dict | None = None) -> dict:
    # A 10 s timeout: wrk's default (2 s) would cut the tail it reports.
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    url = f"http://127.0.0.1:{port}{path}"
    out = subprocess.run([*command, url], capture_output=True, text=True).stdout  # noqa: S603 (our own wrk call)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": rate,
        "p50": percentile(50),
        "p99": percentile(99),
        "errors": int(errors.group(1)) if errors else 0,
    }


def cookie_of(set_cookies: list[str], name: str) -> str | None:
    for header in set_cookies:
        if header.startswith(name + "="):
            return header.split(";", 1)[0]
    return None


def login(email: str, port: int = PORT) -> dict:
    """A coordinator's session cookie, through the login form."""
    _, _, html, cookies = get(port, "/accedi")
    session = cookie_of(cookies, "session")
    token = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1).decode()
    body = urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    headers = {"Cookie": session, "Content-Type": "application/x-www-form-urlencoded"}
    status, _, _, cookies = get(port, "/accedi", headers, method="POST", body=body)
    assert status == 302, status
    session = cookie_of(cookies, "session") or session
    # The welcome message is read once, as a person would: the session then carries no message
    # (wrk never updates its cookie: a message left in it would be shown, and the page never kept).
    _, _, _, cookies = get(port, "/area-riservata", {"Cookie": session})
    return {"Cookie": cookie_of(cookies, "session") or session}


class Browser:
    """One person's cookie jar (the session cookie only), its CSRF token read from the page."""

    def __init__(self, port: int, headers: dict):
        self.port, self.headers = port, dict(headers)

    def request(self, path: str, method: str = "GET", form: dict | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, _, data, cookies = get(self.port, path, headers, method=method, body=body)
        session = cookie_of(cookies, "session")
        if session:
            self.headers["Cookie"] = session
        return status, data

    def open(self, page: str) -> bytes:
        """A page, and its forms' CSRF token for the next post."""
        _, html = self.request(page)
        self.token = (
            re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1).decode()
        )
        return html

    def post(self, action: str, fields: dict) -> int:
        """One of the open page's forms, posted as a browser would."""
        return self.request(action, "POST", {"csrf_token": self.token, **fields})[0]


def mixed_targets(url: str = DATABASE_URL) -> tuple[int, str]:
    """BENCH_MIXED: the bench's center manager (made once, managing the first center) and one of
    their activity's dates a week or more ahead that no change touches: (activity id, ISO date)."""
    from sqlalchemy import select

    from app import create_app
    from app.auth import services as accounts
    from app.calendar.occurrences import original_starts
    from app.civic_centers import services as centers
    from app.civic_centers.models import Activity, CivicCenter
    from app.common.timeutil import today_in_rome
    from app.platform.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    with app.app_context():
        center = db.session.scalar(select(CivicCenter).order_by(CivicCenter.id))
        manager = accounts.find_by_email(MANAGER_EMAIL) or accounts.create_user(
            MANAGER_EMAIL, "Gestione Bench", set()
        )
        if not manager.has_password:
            manager.set_password(PASSWORD)
        centers.add_manager(center, MANAGER_EMAIL)
        activity = db.session.scalar(
            select(Activity).where(Activity.center_id == center.id).order_by(Activity.id)
        )
        changed = {c.original_on for c in activity.changes}
        today = today_in_rome()
        starts = original_starts(activity.schedule(), today + timedelta(days=7), today + timedelta(days=70))
        day = next(s.date() for s in starts if s.date() not in changed)
        db.session.commit()
        return activity.id, day.isoformat()


class Busy:
    """While running: someone signs in through the login form every LOGIN_EVERY seconds (each in
    its own thread, on time however long the last one took), and the center manager cancels one
    date, or restores it, every CHANGE_EVERY seconds (so the data ends as it began)."""

    def __init__(self, port: int, email: str, activity_id: int, day: str):
        self.port, self.email, self.day = port, email, day
        self.page = f"/gestione/attivita/{activity_id}"
        self.stop = threading.Event()
        self.logins: list[float] = []  # each login's milliseconds
        self.changes = 0
        self.cancelled = False
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self.sign_ins), threading.Thread(target=self.date_changes)]

    def __enter__(self):
        self.manager = Browser(self.port, login(MANAGER_EMAIL, self.port))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()
        if self.errors:
            raise RuntimeError("the logins or the date changes failed") from self.errors[0]

    def every(self, seconds: float, action) -> None:
        started, tick = time.monotonic(), 0
        while not self.stop.wait(max(0.0, started + tick * seconds - time.monotonic())):
            self.guarded(action)
            tick += 1

    def guarded(self, action) -> None:
        try:
            action()
        except Exception as error:  # noqa: BLE001 (reported when the run ends)
            self.errors.append(error)

    def sign_in(self) -> None:
        started = time.monotonic()
        login(self.email, self.port)
        self.logins.append((time.monotonic() - started) * 1000)

    def sign_ins(self) -> None:
        logins: list[threading.Thread] = []

        def one() -> None:
            logins.append(threading.Thread(target=self.guarded, args=(self.sign_in,)))
            logins[-1].start()

        self.every(LOGIN_EVERY, one)
        for thread in logins:
            thread.join()

    def date_changes(self) -> None:
        self.every(CHANGE_EVERY, self.change)
        if self.cancelled:
            self.guarded(self.change)

    def change(self) -> None:
        manager = self.manager
        html = manager.open(self.page)
        if not self.cancelled:
            fields = {"annulla-original_on": self.day, "annulla-reason": "Prova di carico"}
            status = manager.post(f"{self.page}/annulla-data", fields)
        else:
            change_id = (
                re.search(rf'action="{self.page}/modifiche/(\d+)/elimina"'.encode(), html).group(1).decode()
            )
            status = manager.post(f"{self.page}/modifiche/{change_id}/elimina", {})
        assert status == 302, ("date change", status)
        self.cancelled = not self.cancelled
        self.changes += 1


def mixed() -> None:
    """Readers on home and calendar alone, then beside logins and a manager's date changes."""
    pages, email = targets()
    activity_id, day = mixed_targets()
    pages = {name: pages[name] for name in ("home", "calendar list")}
    portal = start("wsgi:app", PORT, production_env(DATABASE_URL))
    alone: dict[str, list[float]] = {}
    busy: dict[str, list[float]] = {}
    p99: dict[str, list[float]] = {}
    logins: list[float] = []
    changes = 0
    try:
        for repeat in range(REPEATS):
            for name, path in pages.items():
                get(PORT, path)  # kept (or rendered) once before measuring
                alone.setdefault(name, []).append(wrk(PORT, path)["rps"])
                with Busy(PORT, email, activity_id, day) as background:
                    row = wrk(PORT, path)
                busy.setdefault(name, []).append(row["rps"])
                p99.setdefault(name, []).append(row["p99"])
                logins += background.logins
                changes += background.changes
            print(f"repeat {repeat + 1} done", file=sys.stderr)
    finally:
        portal.terminate()
        portal.wait()
    print(
        f"{WORKER_CLASS} workers; wrk -c{CONNECTIONS} -d{SECONDS}s, {REPEATS} repeats, medians; beside: a login every "
        f"{LOGIN_EVERY:.0f} s ({len(logins)} done, median {statistics.median(logins):.0f} ms each), a date "
        f"cancelled or restored every {CHANGE_EVERY:.0f} s ({changes} done); load average {os.getloadavg()[0]:.1f}"
    )
    print("| page | req/s alone | req/s beside logins and changes | loss | p99 ms beside |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in pages:
        before, after = statistics.median(alone[name]), statistics.median(busy[name])
        print(
            f"| {name} | {before:.0f} | {after:.0f} | {100 * (1 - after / before):.1f} % | "
            f"{statistics.median(p99[name]):.1f} |"
        )


def targets(url: str = DATABASE_URL) -> tuple[dict, str]:
    """The pages measured (found in the loaded district) and the coordinator's e-mail."""
    from sqlalchemy import select

    from app import create_app
    from app.accounts.models import Role
    from app.auth import services as accounts
    from app.civic_centers.models import Activity, CivicCenter
    from app.common.timeutil import today_in_rome
    from app.groups.models import WorkingGroup
    from app.labs.models import Lab
    from app.minutes.models import Minutes
    from app.platform.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    with app.app_context():
        email = "coordinamento.bench@legami.example"
        if accounts.find_by_email(email) is None:
            accounts.create_user(email, "Coordinamento Bench", {Role.COORDINATOR}).set_password(PASSWORD)
            db.session.commit()
        center = db.session.scalar(select(CivicCenter).order_by(CivicCenter.id))
        activity = db.session.scalar(
            select(Activity).where(Activity.center_id == center.id).order_by(Activity.id)
        )
        group = db.session.scalar(select(WorkingGroup).order_by(WorkingGroup.id))
        verbale = db.session.scalar(
            select(Minutes)
            .where(Minutes.group_id == group.id, Minutes.visibility == "public")
            .order_by(Minutes.id.desc())
        )
        lab = db.session.scalar(select(Lab).order_by(Lab.id))
        year = today_in_rome().year
        pages = {
            "home": "/",
            "calendar list": "/calendario",
            "calendar week": "/calendario?vista=settimana",
            "calendar month": "/calendario?vista=mese",
            "center": f"/centri/{center.slug}",
            "activity": f"/centri/{center.slug}/attivita/{activity.id}",
            "lab": f"/laboratori/{lab.slug}",
            "search": "/cerca?q=teatro",
            "search + filters": f"/cerca?q=laboratorio&comune={center.town.slug}&eta=8",
            "group": f"/gruppi/{group.slug}",
            "verbale": f"/gruppi/{group.slug}/verbali/{verbale.id}",
            "dashboard (a year)": f"/coordinamento/?dal={year - 1}-01-01&al={year - 1}-12-31",
            # The app's own fixed cost, for reading the pages against: its stack and one SELECT 1,
            # no template; the base template around a form, no data.
            "stack: health check": "/salute",
            "stack: login form": "/accedi",
        }
        return pages, email


def chosen(pages: dict) -> dict:
    """BENCH_PAGES=search,lab: only the pages whose name holds one of the words (and no feed)."""
    words = [w for w in os.environ.get("BENCH_PAGES", "").split(",") if w]
    return {n: p for n, p in pages.items() if any(w in n for w in words)} if words else pages


def touch_one_activity() -> None:
    """A change made as a manager would (through the ORM), so the next feed request rebuilds."""
    from sqlalchemy import select

    from app import create_app
    from app.civic_centers.models import Activity
    from app.platform.extensions import db

    app = create_app({"DATABASE_URL": DATABASE_URL, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    with app.app_context():
        db.session.scalar(select(Activity).order_by(Activity.id)).touch()
        db.session.commit()


def production_env(url: str, **extra) -> dict:
    return os.environ | {
        "DATABASE_URL": url, "SECRET_KEY": "bench-secret-bench-secret-bench-secret", "LEGAMI_ENV": "production",
        "TRUSTED_HOSTS": "127.0.0.1,legami.example.it", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1",
        "LOG_LEVEL": "WARNING", "MAIL_SERVER": "127.0.0.1", "MAIL_FROM": "legami@legami.example.it", "PUBLIC_URL": "https://legami.example.it",
        "QUEUE_URL": "redis://127.0.0.1:6379/1", **extra,
    }  # fmt: skip


def rendered(url: str) -> dict[str, float]:
    """Each page's median time, one request at a time, rendered every time (the pages' cache off)."""
    pages, email = targets(url)
    pages = chosen(pages)
    port = PORT + 2
    portal = start("wsgi:app", port, production_env(url, PAGE_CACHE_BYTES="0"))
    try:
        coordinator = login(email, port)
        return {
            name: single(port, path, coordinator if "dashboard" in name else None, n=5 if "dashboard" in name else SINGLES)
            for name, path in pages.items()
        }  # fmt: skip
    finally:
        portal.terminate()
        portal.wait()


def main() -> None:
    if os.environ.get("BENCH_MIXED"):
        mixed()
        return
    if os.environ.get("BENCH_RENDERED_ONLY"):  # only the pages rendered, on the district (and twice it)
        report_rendered()
        return
    pages, email = targets()
    pages = chosen(pages)
    # BENCH_PAGE_CACHE=0: every request renders its page (what a search with new words costs).
    env = production_env(
        DATABASE_URL, **({"PAGE_CACHE_BYTES": "0"} if os.environ.get("BENCH_PAGE_CACHE") == "0" else {})
    )
    portal = start("wsgi:app", PORT, env)
    floor = start("bench.floor_app:app", FLOOR_PORT, env)
    results: dict[str, list[dict]] = {}
    try:
        coordinator = login(email)
        feed = "/ical/tutto.ics"
        with_feed = not os.environ.get("BENCH_PAGES")  # some pages only: the feed left out
        if with_feed:
            get(PORT, feed)  # built once (or read) before measuring
        for repeat in range(REPEATS):
            runs = {"floor": (FLOOR_PORT, "/", None)}
            runs |= {
                name: (PORT, path, coordinator if "dashboard" in name else None)
                for name, path in pages.items()
            }
            if with_feed:
                _, headers, _, _ = get(PORT, feed)
                runs["feed warm"] = (PORT, feed, None)
                runs["feed 304"] = (PORT, feed, {"If-None-Match": headers["ETag"]})
            for name, (port, path, extra) in runs.items():
                try:
                    row = {"single_ms": single(port, path, extra, n=3 if "dashboard" in name else SINGLES)}
                except TimeoutError:  # slower than the 30 s of a gunicorn worker
                    results.setdefault(name, []).append({"timeout": True})
                    continue
                _, _, data, _ = get(port, path, extra)
                row["kib"] = len(data) / 1024
                if "dashboard" not in name:  # one request's time is the dashboard's goal
                    row |= wrk(port, path, extra)
                results.setdefault(name, []).append(row)
            if with_feed:
                touch_one_activity()
                # Each worker trusts a feed it checked for FEED_HEAD_SECONDS: wait, so the next request rebuilds.
                time.sleep(31)
                started = time.perf_counter()
                assert get(PORT, feed)[0] == 200
                results.setdefault("feed rebuilt after one change", []).append(
                    {"single_ms": (time.perf_counter() - started) * 1000}
                )
            print(f"repeat {repeat + 1} done", file=sys.stderr)
    finally:
        portal.terminate()
        floor.terminate()
        portal.wait()
        floor.wait()
    report(results)
    report_rendered()


def report_rendered() -> None:
    once = rendered(DATABASE_URL)
    twice = rendered(TWICE_URL) if TWICE_URL else {}
    print("\nRendered (the pages' cache off), one request at a time, median ms:")
    print("| page | district | twice the district | growth |")
    print("| --- | ---: | ---: | ---: |")
    for name, ms in once.items():
        cells = [f"{ms:.1f}"]
        cells += (
            [f"{twice[name]:.1f}", f"{100 * (twice[name] / ms - 1):+.0f} %"] if name in twice else ["–", "–"]
        )
        print(f"| {name} | " + " | ".join(cells) + " |")


def report(results: dict) -> None:
    def median(name, key):
        values = [r[key] for r in results[name] if key in r]
        return statistics.median(values) if values else None

    floor_rps = median("floor", "rps")
    print(
        f"{WORKER_CLASS} workers; wrk -c{CONNECTIONS} -d{SECONDS}s, {REPEATS} repeats, medians; floor {floor_rps:.0f} req/s"
    )
    print("| page | one request ms | req/s at 50 conn. | % of floor | p50 ms | p99 ms | KiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in results:
        rps, p50, p99, kib = (median(name, k) for k in ("rps", "p50", "p99", "kib"))
        if median(name, "single_ms") is None:
            print(f"| {name} | > 30 s (worker timeout) | – | – | – | – | – |")
            continue
        cells = [f"{median(name, 'single_ms'):.1f}"]
        cells += (
            [f"{rps:.0f}", f"{100 * rps / floor_rps:.1f} %", f"{p50:.1f}", f"{p99:.1f}"] if rps else ["–"] * 4
        )
        cells.append(f"{kib:.0f}" if kib is not None else "–")
        print(f"| {name} | " + " | ".join(cells) + " |")
    out = os.environ.get("BENCH_JSON")
    if out:
        Path(out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
