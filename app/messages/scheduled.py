"""Clock-driven notices: each flow's `due()` enqueues what is due now, idempotently (keys)."""

from app.platform.extensions import db

# Functions (now) -> int, registered by the flows.
JOBS = []


def job(function):
    JOBS.append(function)
    return function


def run(now=None) -> dict[str, int]:
    from app.common.timeutil import utcnow

    now = now or utcnow()
    done = {}
    for function in JOBS:
        done[function.__name__] = function(now)
        db.session.commit()
    return done
