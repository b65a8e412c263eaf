"""Flask-Limiter's in-memory counters (development and tests), safe under threads.

limits 5.8.0's MemoryStorage restarts its expiry Timer without a lock: two
request threads that count a hit at the same moment can both start the same
Timer ("threads can only be started once", a 500; and two OS threads running
one threading.Thread corrupt the threading module's bookkeeping). Fixed
upstream by alisaifee/limits#352 ("Make memory storage threadsafe"), which no
release has yet (5.8.0 is the latest): drop this module once requirements.txt
pins a limits release that contains it. Production counts in Redis
(config.finalise refuses memory:// there).
"""

import threading

from limits.storage.memory import MemoryStorage


class ThreadSafeMemoryStorage(MemoryStorage):
    """memory:// with the expiry timer (re)started under a lock."""

    # Declaring the scheme registers this class for memory:// URIs in limits.
    STORAGE_SCHEME = ["memory"]

    def __init__(self, *args, **kwargs):
        self._timer_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def _MemoryStorage__schedule_expiry(self) -> None:  # the name MemoryStorage.incr() calls
        with self._timer_lock:
            super()._MemoryStorage__schedule_expiry()
