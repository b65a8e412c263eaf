"""Scheduled jobs run once per schedule, however many job consumers (machines) are up.

Every Huey consumer runs its own clock and enqueues each periodic task when it is due, so two
consumers enqueue the hourly and nightly jobs twice. Each job first claims its slot (the job's
name and the hour or day it is for) with one INSERT: the primary key lets exactly one claim
commit, on PostgreSQL and SQLite alike; the others see the row and skip the run.

    if schedule.claim("hourly", schedule.hour_slot(now)):
        ...  # this consumer's turn

The claim is committed before the job runs (a job that then fails is not run again in the same
slot: the next slot, or `flask ...` by hand, catches up; every job is idempotent anyway)."""

import logging
import os
import socket
from datetime import datetime

from sqlalchemy import DateTime, String, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.common.timeutil import utcnow
from app.platform.extensions import db

log = logging.getLogger(__name__)


class ScheduledRun(db.Model):
    """One row per job and slot that ran (kept: a small log of which machine ran what)."""

    __tablename__ = "scheduled_runs"

    job: Mapped[str] = mapped_column(String(80), primary_key=True)
    slot: Mapped[str] = mapped_column(String(40), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ran_by: Mapped[str] = mapped_column(String(120), default="")


def hour_slot(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H")


def day_slot(now: datetime) -> str:
    return now.strftime("%Y-%m-%d")


def claim(job: str, slot: str) -> bool:
    """True for the one caller that claims this job's slot first, in its own transaction."""
    row = {
        "job": job,
        "slot": slot,
        "ran_at": utcnow(),
        "ran_by": f"{socket.gethostname()}:{os.getpid()}"[:120],
    }
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(ScheduledRun).values(**row))
    except IntegrityError:
        log.info("scheduled job %s %s: already run elsewhere, skipped", job, slot)
        return False
    log.info("scheduled job %s %s: runs here (%s)", job, slot, row["ran_by"])
    return True
