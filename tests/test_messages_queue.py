"""The job queue: SqliteHuey by default, RedisHuey when QUEUE_URL names a Redis."""

import importlib
import os
import uuid

import pytest
from huey import RedisHuey, SqliteHuey

from app.messages.queue import make_huey
from tests.test_production import redis_available

# Issue 12's own Redis database on the shared development server (CI has Redis to itself).
REDIS_QUEUE_URL = os.environ.get("TEST_QUEUE_URL", "redis://127.0.0.1:6379/3")


def test_sqlite_queue_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("QUEUE_URL", raising=False)
    monkeypatch.setenv("QUEUE_SQLITE_PATH", str(tmp_path / "queue.sqlite3"))
    huey = make_huey()
    assert isinstance(huey, SqliteHuey)

    @huey.task()
    def add(a, b):
        return a + b

    add(2, 3)
    task = huey.dequeue()
    assert huey.execute(task) == 5


def test_redis_queue_when_configured(monkeypatch):
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable at 127.0.0.1:6379")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    monkeypatch.setenv("QUEUE_URL", REDIS_QUEUE_URL)
    huey = make_huey()
    assert isinstance(huey, RedisHuey)
    huey.name = f"legami-test-{uuid.uuid4().hex[:8]}"  # a queue of its own
    huey.storage = RedisHuey(huey.name, url=REDIS_QUEUE_URL).storage

    @huey.task()
    def deliver(ids):
        return sorted(ids)

    try:
        deliver([3, 1, 2])
        assert huey.pending_count() == 1
        assert huey.execute(huey.dequeue()) == [1, 2, 3]
    finally:
        huey.storage.flush_all()


def test_the_worker_starts_from_app_worker(monkeypatch):
    """`huey_consumer app.worker.huey`: the worker's entry hands the queue the app factory (the
    queue, being plumbing, cannot import it); without it, a task says how to start the worker."""
    from app import create_app
    from app.messages import queue

    monkeypatch.setattr(queue, "_factory", None)
    monkeypatch.setattr(queue, "_worker_app", None)
    with pytest.raises(RuntimeError, match=r"huey_consumer app\.worker\.huey"):
        queue._app()
    import app.worker

    monkeypatch.setattr(queue, "_factory", None)
    importlib.reload(app.worker)
    assert queue._factory is create_app
    assert app.worker.huey is queue.huey
    built = object()
    monkeypatch.setattr(queue, "_factory", lambda: built)
    assert queue._app() is built  # one app per worker process, built on first use
    assert queue._app() is built
