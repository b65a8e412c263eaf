"""Clock-driven jobs. Hourly: each job that a feature's notices register enqueues what is due
now, idempotently (keys). Nightly: upkeep a feature registers (the stored occurrences' horizon,
the pacts' retention). The worker runs them (app/messages/queue.py), each once per hour or night
however many job consumers are up (app/platform/schedule.py)."""

from app.common.timeutil import utcnow
from app.platform import schedule
from app.platform.extensions import db

# Functions (now) -> int, registered by the features' notices.
JOBS = []
# Functions () -> a summary, registered by the features; run in this order every night.
NIGHTLY = []


def job(function):
    JOBS.append(function)
    return function


def nightly(function):
    NIGHTLY.append(function)
    return function


def run_nightly(now=None) -> dict[str, object]:
    """Every nightly job this consumer is the first to claim for today (the others are skipped)."""
    now = now or utcnow()
    done = {}
    for function in NIGHTLY:
        name = f"{function.__module__}.{function.__name__}"
        if schedule.claim(name, schedule.day_slot(now)):
            done[name] = function()
            db.session.commit()
    return done


def run(now=None) -> dict[str, int]:
    now = now or utcnow()
    done = {}
    for function in JOBS:
        done[function.__name__] = function(now)
        db.session.commit()
    return done
