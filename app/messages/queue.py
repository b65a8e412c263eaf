"""The job queue (Huey): SqliteHuey on a file in instance/ by default, RedisHuey when
QUEUE_URL names a Redis. The worker is `huey_consumer app.worker.huey` (app/worker.py).

Tasks only carry message ids; the rows are the truth. A periodic sweep delivers whatever is
due, so a hand-over lost between commit and queue delays a message by a minute, never loses it."""

import os
from pathlib import Path

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab

from app.common.timeutil import utcnow
from app.messages import delivery, scheduled
from app.platform import schedule

INSTANCE = Path(__file__).resolve().parents[2] / "instance"


def make_huey():
    url = os.environ.get("QUEUE_URL", "")
    immediate = os.environ.get("QUEUE_IMMEDIATE") == "1"
    if url.startswith(("redis://", "rediss://", "unix://")):
        # QUEUE_NAME keeps two portals (or a test run) on one Redis apart; every consumer and app
        # server of one portal uses the same name.
        return RedisHuey(os.environ.get("QUEUE_NAME") or "legami", url=url, immediate=immediate)
    path = os.environ.get("QUEUE_SQLITE_PATH") or str(INSTANCE / "queue.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("legami", filename=path, immediate=immediate)


huey = make_huey()
_worker_app = None
_factory = None


def use_factory(factory) -> None:
    """The worker's entry (app/worker.py) hands over create_app: this package knows no feature."""
    global _factory
    _factory = factory


def _app():
    """The Flask app: the caller's (immediate mode, tests) or one per worker process."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        if _factory is None:
            raise RuntimeError("Start the e-mail worker with: huey_consumer app.worker.huey")
        _worker_app = _factory()
    return _worker_app


@huey.task()
def deliver_task(ids: list[int] | None):
    """Deliver these messages (None: every due one, after a bulk enqueue)."""
    with _app().app_context():
        return delivery.deliver(ids)


# Periodic tasks run at most once a minute: each sweep also books the one half a minute later,
# so an expired lease (25 s) is taken up again within a minute of a worker's death.
HALF_MINUTE = 30


@huey.periodic_task(crontab(minute="*"))
def sweep_task():
    """Every half minute: whatever is due (retries, expired leases, lost hand-overs)."""
    deliver_task.schedule(args=(None,), delay=HALF_MINUTE)
    with _app().app_context():
        return delivery.deliver()


@huey.periodic_task(crontab(minute="7"))
def hourly_task():
    """Every hour: notices that depend on the clock (reminders, digests); each is enqueued once.
    Every consumer's clock enqueues this: the first to claim the hour runs it, the others skip."""
    with _app().app_context():
        if not schedule.claim("hourly", schedule.hour_slot(utcnow())):
            return None
        return scheduled.run()


@huey.periodic_task(crontab(minute="15", hour="2"))
def nightly_task():
    """02:15 UTC every night: upkeep (pacts' retention, the stored occurrences' horizon)."""
    with _app().app_context():
        return scheduled.run_nightly()


def dispatch(ids: list[int]) -> None:
    """After a commit: hand the new messages to the worker (never fails the request)."""
    try:
        deliver_task(None if None in ids else list(ids))
    except Exception:
        current_app.logger.exception("could not hand messages %s to the queue", ids[:10])
