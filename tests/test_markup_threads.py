"""Markdown rendered by several threads at once (gunicorn gthread workers) stays each thread's own."""

import sys
import threading

import pytest

from app.markup import render_markdown

THREADS = 8
ROUNDS = 40


@pytest.fixture
def fine_switching():
    """Switch threads very often, so that shared parser state would show within a second."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


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

    threads = [threading.Thread(target=render, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a renderer never returned"
    assert failures == []
    assert 'rel="nofollow noopener"' in expected[0] and "Punto 0" in expected[0]
