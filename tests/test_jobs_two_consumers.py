"""Jobs on more than one machine: two Huey consumers on one Redis at once never send a message
twice (the outbox's claim), and a scheduled job runs once per schedule whichever consumer's
clock enqueued it (app/platform/schedule.py), on SQLite and PostgreSQL alike (issue 26)."""

import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.auth.notices import send_password_reset
from app.messages import scheduled
from app.messages.models import Message
from app.platform import schedule
from app.platform.extensions import db
from tests.mail_support import Recorder
from tests.s3_support import free_port
from tests.test_production import redis_available
from tests.two_servers_support import ROOT, production_env, start_consumer, stop

# Run in a third process, as an app server or a consumer's clock would: enqueue the hand-overs
# of the outbox, and each scheduled job twice (two consumers' clocks at the same minute).
ENQUEUE = """
from app.messages import queue
for _ in range(6):
    queue.deliver_task(None)
for task in (queue.hourly_task, queue.nightly_task):
    task()
    task()
"""
RUNS = re.compile(r"scheduled job (\S+) \S+: (runs here|already run elsewhere)")


def runs(folder) -> list[tuple[str, str]]:
    """What the two consumers' logs say of each scheduled job they were handed."""
    return [hit for name in ("one", "two") for hit in RUNS.findall((folder / f"{name}.log").read_text())]


def test_a_slot_is_claimed_once(app):
    now = datetime(2026, 12, 7, 3, 15, tzinfo=UTC)
    assert schedule.claim("hourly", schedule.hour_slot(now)) is True
    assert schedule.claim("hourly", schedule.hour_slot(now)) is False
    assert schedule.claim("hourly", "2026-12-07T04") is True
    assert schedule.claim("other", schedule.hour_slot(now)) is True


def test_nightly_jobs_run_once_a_day(app, monkeypatch):
    ran = []
    monkeypatch.setattr(scheduled, "NIGHTLY", [lambda: ran.append(1) or len(ran)])
    now = datetime(2026, 12, 7, 2, 15, tzinfo=UTC)
    assert list(scheduled.run_nightly(now).values()) == [1]
    assert scheduled.run_nightly(now) == {}  # the second consumer's run of the same night
    assert list(scheduled.run_nightly(datetime(2026, 12, 8, 2, 15, tzinfo=UTC)).values()) == [2]


def test_the_real_nightly_jobs_are_registered(app):
    names = sorted(f"{f.__module__}.{f.__name__}" for f in scheduled.NIGHTLY)
    assert names == ["app.agenda.cli.nightly_extend", "app.pacts.retention.nightly_retention"]


def test_two_consumers_send_each_message_once_and_run_each_job_once(app, db_url, tmp_path, make_user):
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable at 127.0.0.1:6379")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    addresses = [f"persona{i}@example.org" for i in range(40)]
    for address in addresses:
        make_user(address, name=address.split("@")[0])
        send_password_reset(address)
    db.session.commit()
    smtp = Recorder()
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    controller.start()
    run = uuid.uuid4().hex[:10]
    settings = {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "QUEUE_URL": "redis://127.0.0.1:6379/0",
        "QUEUE_NAME": f"legami-jobs-{run}", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port),
    }  # fmt: skip
    consumers = [
        start_consumer(production_env(db_url, tmp_path / f"consumer-{n}", **settings), tmp_path / f"{n}.log")
        for n in ("one", "two")
    ]
    try:
        enqueued = subprocess.run(
            [sys.executable, "-c", ENQUEUE], cwd=ROOT, capture_output=True, text=True, timeout=240,
            env=production_env(db_url, tmp_path / "clock", **settings),
        )  # fmt: skip
        assert enqueued.returncode == 0, enqueued.stderr
        deadline = time.monotonic() + 120
        while (
            len(smtp.received) < len(addresses) or len(runs(tmp_path)) < 6
        ) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # time for a second delivery, were there one
    finally:
        for consumer in consumers:
            stop(consumer)
        controller.stop()
    # Each job was enqueued twice: one run did the work, the other stood aside.
    nightly = [f"{f.__module__}.{f.__name__}" for f in scheduled.NIGHTLY]
    # (A consumer's own clock may add a run at minute 7 or at 02:15: it can only stand aside too.)
    done = runs(tmp_path)
    assert Counter(job for job, what in done if what == "runs here") == Counter(["hourly", *nightly])
    assert {job for job, what in done if what != "runs here"} == {"hourly", *nightly}
    sent_to = Counter(m["To"].addresses[0].addr_spec for m in smtp.received)
    assert sorted(sent_to) == sorted(addresses) and set(sent_to.values()) == {1}
    db.session.expire_all()
    assert set(db.session.scalars(select(Message.state))) == {"sent"}
