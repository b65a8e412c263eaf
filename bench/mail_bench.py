"""Benchmark: the weekly digest for 2,000 members, queued in one transaction, delivered to a
local SMTP server (aiosmtpd) by the worker; and a request that queues a message.

Run:  .venv/bin/python bench/mail_bench.py            (SQLite in a temporary folder)
      BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/mail_bench.py
      BENCH_WORKERS=2 (worker processes, default 2)
"""

import multiprocessing
import os
import socket
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select

from app import create_app
from app.accounts.models import User
from app.common.timeutil import ROME
from app.groups.models import ActionItem, Meeting, WorkingGroup
from app.messages.models import Message
from app.platform.extensions import db

MEMBERS = 2000
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=ROME)


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(url: str, folder: str, port: int) -> dict:
    return {
        "SECRET_KEY": "bench", "DATABASE_URL": url, "INSTANCE_PATH": folder, "LOG_LEVEL": "WARNING",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_DISPATCH": "none", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }  # fmt: skip


def populate() -> None:
    db.session.execute(
        insert(User),
        [
            {"email": f"membro{n}@example.org", "full_name": f"Membro {n}", "session_token": f"t{n}"}
            for n in range(MEMBERS)
        ],
    )
    group = WorkingGroup(slug="bench", name="Gruppo bench")
    meeting = Meeting(group=group, held_on=date(2026, 11, 10), start_time=clock(14), end_time=clock(16))
    db.session.add(meeting)
    db.session.flush()
    ids = db.session.scalars(select(User.id)).all()
    db.session.execute(
        insert(ActionItem),
        [
            {
                "group_id": group.id,
                "opened_meeting_id": meeting.id,
                "description": f"Azione {i}",
                "owner_id": uid,
                "due_on": date(2026, 11, 10 + i % 20),
                "status": "open",
            }
            for i, uid in enumerate(ids)
        ],
    )
    db.session.commit()


def work(url: str, folder: str, port: int, cpu, sent_by, n: int) -> None:
    from app.messages import delivery

    app = create_app(config(url, folder, port))
    with app.app_context():
        started = time.process_time()
        counts = delivery.deliver()
        with cpu.get_lock():
            cpu.value += time.process_time() - started
        sent_by[n] = counts["sent"]


def main() -> None:
    folder = tempfile.mkdtemp(prefix="legami-mail-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    port = free_port()
    counter = Counter()
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    app = create_app(config(url, folder, port))
    with app.app_context():
        db.drop_all()
        db.create_all()
        populate()
        from app.groups.notices import weekly_actions_digest

        started, cpu_started = time.perf_counter(), time.process_time()
        queued = weekly_actions_digest(MONDAY)
        db.session.commit()
        queue_ms = (time.perf_counter() - started) * 1000
        queue_cpu = (time.process_time() - cpu_started) * 1000
        rows = db.session.scalar(select(func.count(Message.id)))
        print(
            f"queued {queued} digests ({rows} rows) in one transaction: {queue_ms:.0f} ms ({queue_cpu:.0f} ms CPU)"
        )
        db.engine.dispose()
    started = time.perf_counter()
    cpu = multiprocessing.Value("d", 0.0)
    sent_by = multiprocessing.Array("i", WORKERS)
    workers = [
        multiprocessing.Process(target=work, args=(url, folder, port, cpu, sent_by, n))
        for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    with app.app_context():
        sent = db.session.scalar(select(func.count(Message.id)).where(Message.state == "sent"))
    print(
        f"delivered {counter.count} messages ({sent} marked sent) with {WORKERS} workers in {seconds:.1f} s"
    )
    print(f"= {counter.count / seconds:.0f} messages/s; sent by each worker: {list(sent_by)}")
    print(f"workers' CPU time {cpu.value:.1f} s", end=" ")
    print(f"(machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    # A request that queues a message: an administrator creates an account (invitation) and the
    # hand-off to the job queue (SqliteHuey file) happens after the commit, inside the request.
    request_app = create_app(
        {**config(url, folder, port), "MAIL_DISPATCH": "queue", "WTF_CSRF_ENABLED": False}
    )
    with request_app.app_context():
        from app.accounts.models import Role
        from app.auth import services as accounts

        admin = accounts.create_user("admin@example.org", "Admin", {Role.ADMIN})
        admin.set_password("password-bench-1")
        db.session.commit()
        client = request_app.test_client()
        client.post("/accedi", data={"email": "admin@example.org", "password": "password-bench-1"})
        timings = []
        for n in range(20):
            started = time.perf_counter()
            response = client.post(
                "/amministrazione/utenti/nuovo",
                data={"full_name": f"Nuovo {n}", "email": f"nuovo{n}@example.org"},
            )
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
        timings.sort()
        print(
            f"request that queues an invitation: median {timings[10]:.0f} ms, max {timings[-1]:.0f} ms (20 requests)"
        )
    smtp.stop()


if __name__ == "__main__":
    os.environ.setdefault("QUEUE_SQLITE_PATH", os.path.join(tempfile.mkdtemp(), "queue.sqlite3"))
    main()
