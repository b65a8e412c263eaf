"""Warm feed bytes kept in each worker process, so a busy feed is not re-read from the database.

The database row (`FeedCache`) stays the shared truth; this is a bounded,
thread-safe copy per process, keyed by the feed and its ETag (a hash of the
bytes, so an entry can never be stale: a change gives a new ETag). It lives on
the application object, not in a module global, and a lock guards it, since
gunicorn's gthread workers serve several requests at once.
"""

import threading

from cachetools import LRUCache
from flask import Flask, current_app

EXTENSION = "legami_feed_memory"


class FeedMemory:
    def __init__(self, max_bytes: int):
        self._lock = threading.Lock()
        self._cache: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=len)

    def get(self, key: str, etag: str) -> bytes | None:
        with self._lock:
            return self._cache.get((key, etag))

    def put(self, key: str, etag: str, body: bytes) -> None:
        if len(body) > self._cache.maxsize:
            return
        with self._lock:
            self._cache[(key, etag)] = body


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = FeedMemory(app.config.get("FEED_MEMORY_BYTES", 32 * 1024 * 1024))


def memory() -> FeedMemory:
    return current_app.extensions[EXTENSION]
