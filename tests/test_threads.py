"""What the threads of one worker (gunicorn gthread, flask run) share stays correct when they use it at once."""

import sys
import threading
import time

import pytest
from limits.storage import storage_from_string

from app.common.markup import render_markdown
from app.platform.ratelimit_memory import ThreadSafeMemoryStorage

THREADS = 8
ROUNDS = 40


@pytest.fixture
def fine_switching():
    """Switch threads very often, so that shared parser state would show within a second."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


def _run(threads: int, target) -> None:
    started = [threading.Thread(target=target, args=(n,)) for n in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in started), "a thread never returned"


def _text(n: int) -> str:
    return (
        f"# Verbale {n}\n\n1. **Punto {n}** con [il sito](https://example.org/{n}) e www.comune{n}.it\n"
        f"2. Varie\n\n> citazione {n}\n\n| a | b |\n|---|---|\n| {n} | {n + 1} |\n"
    ) * 3


def test_each_thread_gets_its_own_text_back(fine_switching):
    expected = {n: str(render_markdown(_text(n))) for n in range(THREADS)}
    failures = []

    def render(n: int) -> None:
        for _ in range(ROUNDS):
            try:
                html = str(render_markdown(_text(n)))
            except Exception as error:  # noqa: BLE001 - any error is the failure being tested
                failures.append(f"thread {n}: {type(error).__name__}: {error}")
                return
            if html != expected[n]:
                failures.append(f"thread {n}: another thread's text in the output")
                return

    _run(THREADS, render)
    assert failures == []
    assert 'rel="nofollow noopener"' in expected[0] and "Punto 0" in expected[0]


def _widened(storage_class):
    """storage_class with a pause right after the expiry timer is replaced: the moment
    when another thread could start the same new timer a second time."""

    class Widened(storage_class):
        STORAGE_SCHEME = []
        timer = property(lambda self: self._timer, lambda self, timer: self._set_timer(timer))

        def _set_timer(self, timer):
            self._timer = timer
            time.sleep(0.002)

    return Widened


def test_in_memory_rate_limit_counters_work_from_many_threads_at_once():
    assert isinstance(storage_from_string("memory://"), ThreadSafeMemoryStorage)
    storage = _widened(ThreadSafeMemoryStorage)()
    time.sleep(0.05)  # the first expiry timer has run: the next hit starts a new one
    start = threading.Barrier(THREADS)
    failures = []

    def hit(n: int) -> None:
        start.wait()
        try:
            storage.incr("login/127.0.0.1", expiry=60)
        except Exception as error:  # noqa: BLE001 - any error is the failure being tested
            failures.append(f"thread {n}: {type(error).__name__}: {error}")

    _run(THREADS, hit)
    assert failures == []
    assert storage.get("login/127.0.0.1") == THREADS
