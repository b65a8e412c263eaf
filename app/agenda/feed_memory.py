"""Warm feed bytes kept in each worker process, so a busy feed is not re-read from the database.

The database row (`FeedCache`) stays the shared truth; this is a bounded,
thread-safe copy per process, keyed by the feed and its ETag (a hash of the
bytes, so an entry can never be stale: a change gives a new ETag). It lives on
the application object, not in a module global, and a lock guards it, since
gunicorn's gthread workers serve several requests at once.

A feed's head (its fingerprint was checked, its ETag and date) is also kept
for `FEED_HEAD_SECONDS` (30 by default): within that time a poll costs no
query at all. A change committed in this process forgets the heads at once;
another worker sees it within those seconds, well inside the 15 minutes the
feeds' `Cache-Control: max-age` already lets any cache keep them.
"""

import threading

from cachetools import LRUCache, TTLCache
from flask import Flask, current_app

from app.agenda import bp

EXTENSION = "legami_feed_memory"


class FeedMemory:
    def __init__(self, max_bytes: int, head_seconds: float = 30):
        self._lock = threading.Lock()
        self._cache: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=len)
        self._heads: TTLCache | None = TTLCache(maxsize=4096, ttl=head_seconds) if head_seconds > 0 else None

    def head(self, key: str):
        if self._heads is None:
            return None
        with self._lock:
            return self._heads.get(key)

    def keep_head(self, key: str, head) -> None:
        if self._heads is not None:
            with self._lock:
                self._heads[key] = head

    def forget_heads(self) -> None:
        if self._heads is not None:
            with self._lock:
                self._heads.clear()

    def get(self, key: str, etag: str) -> bytes | None:
        with self._lock:
            return self._cache.get((key, etag))

    def put(self, key: str, etag: str, body: bytes) -> None:
        if len(body) > self._cache.maxsize:
            return
        with self._lock:
            self._cache[(key, etag)] = body


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = FeedMemory(app.config["FEED_MEMORY_BYTES"], app.config["FEED_HEAD_SECONDS"])


def memory() -> FeedMemory:
    return current_app.extensions[EXTENSION]


def forget_heads() -> None:
    """A change was committed here: this process checks every feed's fingerprint again."""
    if current_app and EXTENSION in current_app.extensions:
        current_app.extensions[EXTENSION].forget_heads()


bp.record_once(lambda state: init_app(state.app))
