"""The cycle collector runs between requests, not inside one (issue 16, app/platform/collector.py).

Python 3.11 starts a collection inside whichever allocation crosses the threshold. The
subprocesses below do, inside a request, what SQLAlchemy's Session.close() does to an
InstanceState whose mapped object sits in a dead reference cycle: set an attribute that is
not among the class's shared keys (the state's __dict__ is materialised, a dict is allocated)
while the collector is due; the weakref callback of the dying object sets the same attribute
on the same state. On 3.11 with the collector running inside allocations this corrupts memory
and the process dies (SIGSEGV); served through the app it must not. One uses a reduced
InstanceState, the other a real lab with its sessions and Session.close().
"""

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import create_app
from app.platform import collector
from tests.conftest import make_config

ROOT = Path(__file__).resolve().parent.parent

HAZARD = textwrap.dedent(
    """
    import gc, sys, weakref

    class Node:  # a mapped object
        pass

    class State:  # sqlalchemy.orm.state.InstanceState, reduced
        def __init__(self, obj):
            self.obj = weakref.ref(obj, self._cleanup)
            self.key = None

        def _cleanup(self, ref):  # InstanceState._cleanup()
            self._strong_obj = None

    NODES = [Node() for _ in range(40)]
    KEEP = [State(node) for node in NODES]  # after ~30 instances the shared keys stop growing
    n = 0
    while not any(type(r) is dict for r in gc.get_referents(KEEP[0])):
        setattr(KEEP[0], f"filler{n}", None)  # fill them: "_strong_obj" stays out, as in SQLAlchemy
        n += 1

    def close_a_session():
        drain = [{} for _ in range(100)]  # an empty dict free list: the new dict is allocated
        node = Node()
        node.cycle = node  # only the cycle collector frees it
        state = State(node)
        del node
        threshold = gc.get_threshold()
        gc.set_threshold(1)  # the collector is due at the next allocation
        try:
            state._strong_obj = None  # Session.close() -> InstanceState._detach_states()
        finally:
            gc.set_threshold(*threshold)
        for k in range(40):
            setattr(state, f"k{k}", k)  # the state's dict grows
        del drain
    """
)

SERVED = HAZARD + textwrap.dedent(
    """
    from app import create_app

    app = create_app({CONFIG!r})

    @app.route("/close-a-session")
    def close_a_session_view():
        close_a_session()
        return "ok"

    client = app.test_client()
    for _ in range(300):
        assert client.get("/close-a-session").status_code == 200
    print("survived")
    """
)

BARE = HAZARD + textwrap.dedent(
    """
    for _ in range(300):
        close_a_session()
    print("survived")
    """
)


# The same with SQLAlchemy itself: a lab and its sessions (a reference cycle) dropped, the dict
# free list empty, the collector due at the next allocation, then Session.close().
REAL = textwrap.dedent(
    """
    import gc
    from sqlalchemy import select
    from app import create_app
    from app.platform.extensions import db
    from app.labs.models import Lab, LabSession

    app = create_app({CONFIG!r})

    @app.route("/close-a-session-with-a-dead-cycle")
    def close_a_session_with_a_dead_cycle():
        lab = db.session.scalar(select(Lab).order_by(Lab.id))
        sessions = list(db.session.scalars(select(LabSession).where(LabSession.lab_id == lab.id)))
        for session in sessions:
            session.lab  # from the identity map: lab <-> sessions
        lab.sessions
        del lab, sessions, session
        drain = [{{}} for _ in range(100)]  # an empty dict free list
        threshold = gc.get_threshold()
        gc.set_threshold(1)  # the collector is due at the next allocation
        try:
            db.session.close()
        finally:
            gc.set_threshold(*threshold)
        del drain
        return "ok"

    client = app.test_client()
    for _ in range(30):
        assert client.get("/close-a-session-with-a-dead-cycle").status_code == 200
    print("survived")
    """
)


def _run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", script],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def gc_restored():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()


@pytest.mark.skipif(not collector.NEEDED, reason="3.12+ collects only between bytecodes")
def test_the_hazard_crashes_python_3_11_when_the_collector_runs_inside_allocations():
    """The control: without the app's middleware, this Python dies of it."""
    result = _run(BARE)
    assert result.returncode != 0, result.stdout
    assert "survived" not in result.stdout


def test_a_served_app_survives_the_hazard(tmp_path):
    config = make_config(f"sqlite:///{tmp_path / 'app.db'}", tmp_path, TESTING=False)
    result = _run(SERVED.replace("{CONFIG!r}", repr(config)))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "survived" in result.stdout


@pytest.mark.skipif(not collector.NEEDED, reason="3.12+ collects only between bytecodes")
def test_no_automatic_collection_during_a_request_and_a_due_one_after_it(tmp_path, gc_restored):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'app.db'}", tmp_path, TESTING=False))
    assert isinstance(app.wsgi_app, collector.CollectBetweenRequests)
    seen = []

    @app.route("/collector-state")
    def collector_state():
        seen.append(gc.isenabled())
        return "ok"

    client = app.test_client()
    gc.enable()
    assert client.get("/collector-state").status_code == 200
    assert seen == [False]  # off while the request ran
    assert gc.isenabled()  # back on once no request is in flight (the command line, the tests)
    gc.disable()
    junk = [[] for _ in range(gc.get_threshold()[0] + 100)]  # a generation 0 that is due
    assert gc.get_count()[0] > gc.get_threshold()[0]
    assert client.get("/collector-state").status_code == 200
    assert gc.get_count()[0] < gc.get_threshold()[0]  # collected at the end of the request
    assert not gc.isenabled()  # a collector turned off by someone else stays off
    del junk


def test_tests_and_python_3_12_keep_the_collector_as_it_is(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'app.db'}", tmp_path))  # TESTING
    assert not isinstance(app.wsgi_app, collector.CollectBetweenRequests)


def test_collect_if_due_picks_the_oldest_generation_over_its_threshold(gc_restored):
    gc.disable()
    gc.collect()
    assert collector.collect_if_due() is None
    junk = [[] for _ in range(gc.get_threshold()[0] + 100)]
    assert collector.collect_if_due() == 0
    del junk


def test_a_served_session_close_survives_a_dead_cycle_of_mapped_objects(app, db_url, tmp_path):
    from datetime import date, timedelta

    from app.platform.extensions import db
    from tests import factories

    lab = factories.lab()
    for n in range(40):
        factories.session(lab, date(2026, 1, 5) + timedelta(days=n))
    db.session.commit()
    config = make_config(db_url, tmp_path, TESTING=False)
    result = _run(REAL.format(CONFIG=config))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "survived" in result.stdout


SERVED_START = textwrap.dedent(
    """
    import gc, os
    os.environ.update({CONFIG!r})
    import wsgi

    frozen = gc.get_freeze_count()
    gc.collect()
    print(frozen, len(gc.get_objects()))
    """
)


def test_the_served_app_starts_with_what_it_made_out_of_the_collectors_sight(tmp_path):
    """A full collection walks only what requests make, not the ~300,000 objects of the start."""
    config = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/start.sqlite3",
        "SECRET_KEY": "start-test",
        "LOG_LEVEL": "WARNING",
    }
    result = _run(SERVED_START.replace("{CONFIG!r}", repr(config)))
    assert result.returncode == 0, result.stderr
    frozen, tracked = map(int, result.stdout.split())
    assert frozen > 100_000 and tracked < frozen // 10
