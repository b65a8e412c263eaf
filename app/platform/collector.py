"""The cycle collector runs between requests, not inside one (Python 3.11; issue 16).

Python 3.11 starts a garbage collection inside whichever allocation of a
container object crosses the threshold, in the middle of the C code that asked
for the memory. The collection runs weakref callbacks and finalizers, that is
arbitrary Python code, and that code can touch the very object the C code was
building. One such case tore down gthread workers (SIGSEGV) under district-size
pages: SQLAlchemy's Session.close() sets `state._strong_obj` on each
InstanceState; that name is not among the class's shared keys, so CPython
materialises the state's `__dict__` and allocates a dict for it; the allocation
starts a collection; the collection frees the state's mapped object (the page's
objects are cycles: a lab and its sessions point at each other); that object's
weakref callback, `InstanceState._cleanup()`, sets `self._strong_obj` on the
same state, and materialises a second dict over the same values array. The
second dict frees the array when it grows; the first one goes on using it: a
corrupted allocator free list, and a segfault later, anywhere (see
docs/DEPLOY.md, "Worker classes").

Python 3.12 runs the collector only between bytecodes (CPython gh-97922), where
nothing is half-built. This module does the same on 3.11 for the served app:
while at least one request is being served, automatic collection is off, and
each request ends with a collection when one is due, chosen as CPython chooses
it (the oldest generation whose count is over its threshold), called from
Python, between bytecodes. When no request is in flight (an idle worker, the
command line, the tests between requests) Python's own collector runs as usual.
"""

import gc
import sys
import threading

# 3.12 and later collect only at bytecode boundaries: nothing to do there.
NEEDED = sys.version_info < (3, 12)


def collect_if_due() -> int | None:
    """Collect the oldest generation whose count is over its threshold; the generation, or None."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return generation
    return None


class CollectBetweenRequests:
    """WSGI middleware: no automatic collection while requests are served, a due one after each."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self._lock = threading.Lock()
        self._serving = 0
        self._reenable = False

    def __call__(self, environ, start_response):
        with self._lock:
            self._serving += 1
            if self._serving == 1:
                self._reenable = gc.isenabled()  # a collector someone turned off stays off
                gc.disable()
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            # From Python, between bytecodes: no C code of this thread is half-way through building
            # an object, and the other request threads wait for the GIL at bytecode boundaries or
            # in blocking calls, never inside an allocation (automatic collection is off).
            try:
                collect_if_due()
            finally:
                with self._lock:
                    self._serving -= 1
                    if self._serving == 0 and self._reenable:
                        gc.enable()


def freeze_start() -> None:
    """Move what starting the served app made (modules, models, translations, the app itself:
    about 300,000 objects that live as long as the worker) out of the collector's sight.

    A full collection walks every object it tracks: on the district it took 150-500 ms, once every
    few thousand requests of a worker, and every request waiting on that worker waited as long
    (the tail of `bench/district_bench.py`'s latencies). Frozen, a full collection walks only what
    requests made since. Called once, after the app is made (wsgi.py): in each worker, or before the
    fork with `--preload`, where it also keeps the shared pages shared (no collector writes to them)."""
    gc.collect()
    gc.freeze()


def init_app(app) -> None:
    """Serve `app` with the collector between requests (Python 3.11 only, not under tests)."""
    if NEEDED and not app.testing:
        app.wsgi_app = CollectBetweenRequests(app.wsgi_app)
