"""Clock-driven notices: each job that a feature's notices register enqueues what is due now, idempotently (keys)."""

from app.common.timeutil import utcnow
from app.platform.extensions import db

# Functions (now) -> int, registered by the features' notices.
JOBS = []


def job(function):
    JOBS.append(function)
    return function


def run(now=None) -> dict[str, int]:
    now = now or utcnow()
    done = {}
    for function in JOBS:
        done[function.__name__] = function(now)
        db.session.commit()
    return done
