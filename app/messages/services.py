"""Enqueue a message: the one way any feature sends e-mail. Adds and flushes, never commits,
never talks SMTP: the message leaves only if the caller's transaction commits."""

import logging
import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from app.common.timeutil import utcnow
from app.messages import suppressions
from app.messages.headers import display_name
from app.messages.kinds import KINDS
from app.messages.models import Message, MessageState
from app.platform.extensions import db

# One address: no spaces, line breaks, control characters, quotes or brackets, exactly one "@",
# a dot in the domain; and no "=?" (an encoded word that a header parser would decode).
_PART = r'[^@\s\x00-\x1f\x7f-\x9f"<>()\[\],;:\\]+'
ADDRESS_RE = re.compile(rf"^{_PART}@{_PART}\.{_PART}$")
_PENDING = "legami_outbox_pending"
log = logging.getLogger(__name__)


class BadAddress(ValueError):
    """The recipient is not one plain e-mail address."""


def valid_address(address: str) -> bool:
    if not address or len(address) > 254 or "=?" in address:
        return False
    return bool(ADDRESS_RE.match(address))


def clean_name(name: str) -> str:
    """A display name as plain text on one line (app/messages/headers.py): no control character,
    no encoded word, so it can never become a header line of its own."""
    return display_name(name)


def enqueue(kind: str, to: str, data: dict, key: str, name: str = "", user=None) -> Message | None:
    """Queue the message `kind` for `to`; with a `key` already queued, return that one unchanged.

    Returns None, queueing nothing, when the address opted out (all but essential kinds) or
    already had its day's share of messages a visitor can cause (`limited` kinds); callers
    go on as if it were queued."""
    if kind not in KINDS:
        raise KeyError(f"unknown message kind {kind!r}")
    to = (to or "").strip().lower()
    if not valid_address(to):
        raise BadAddress(to)
    existing = db.session.scalar(select(Message).where(Message.key == key))
    if existing is not None:
        return existing
    if not KINDS[kind].essential and suppressions.is_suppressed(to):
        log.info("message %s not queued: the address opted out", kind)
        return None
    if KINDS[kind].limited and over_daily_limit(to):
        log.warning("message %s to %s not queued: the address had its messages for the day", kind, masked(to))
        return None
    message = Message(
        key=key[:200], kind=kind, to_email=to, to_name=clean_name(name), data=data,
        user_id=getattr(user, "id", None), state=MessageState.QUEUED,
    )  # fmt: skip
    try:
        # Added inside the savepoint: begin_nested() flushes what is pending before it starts.
        with db.session.begin_nested():
            db.session.add(message)
            db.session.flush()
    except IntegrityError:  # the same key, enqueued at the same instant elsewhere
        return db.session.scalar(select(Message).where(Message.key == key))
    db.session.info.setdefault(_PENDING, []).append(message.id)
    return message


def limited_kinds() -> list[str]:
    return [name for name, found in KINDS.items() if found.limited]


def over_daily_limit(to: str) -> bool:
    """Has `to` been sent MAIL_MAX_PER_ADDRESS_PER_DAY messages that a visitor can cause in
    the last 24 hours? (Counted in the outbox; two at the same instant may both pass.)"""
    limit = current_app.config["MAIL_MAX_PER_ADDRESS_PER_DAY"]
    since = utcnow() - timedelta(days=1)
    count = db.session.scalar(
        select(func.count())
        .select_from(Message)
        .where(Message.to_email == to, Message.kind.in_(limited_kinds()), Message.created_at >= since)
    )
    return count >= limit


def masked(address: str) -> str:
    """An address for the log: enough to tell a flood, not the whole address."""
    local, _, domain = address.partition("@")
    return f"{local[:2]}…@{domain}"


def enqueue_many(kind: str, rows: list[dict]) -> int:
    """Queue many messages of one kind in one statement (weekly digests): each row has `to`, `data`,
    `key` and optionally `name` and `user_id`; keys already queued and addresses that opted out are skipped. Returns the
    rows offered to the database."""
    if kind not in KINDS:
        raise KeyError(f"unknown message kind {kind!r}")
    now = utcnow()
    essential = KINDS[kind].essential
    opted_out = set() if essential else suppressions.suppressed_among([r["to"].strip().lower() for r in rows])
    values = []
    for row in rows:
        to = row["to"].strip().lower()
        if not valid_address(to):
            raise BadAddress(to)
        if to in opted_out:
            continue
        values.append({
            "key": row["key"][:200], "kind": kind, "to_email": to, "to_name": clean_name(row.get("name", "")),
            "user_id": row.get("user_id"), "data": row["data"], "state": MessageState.QUEUED, "attempts": 0,
            "last_error": "", "next_attempt_at": now, "queued_at": now, "created_at": now, "subject": "",
            "body_text": "",
        })  # fmt: skip
    if not values:
        return 0
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(Message).on_conflict_do_nothing(index_elements=["key"]), values)
    db.session.info.setdefault(_PENDING, []).append(None)  # "deliver whatever is due"
    return len(values)


def requeue(message: Message) -> None:
    """ "Invia di nuovo": back in the queue, with a fresh day of retries."""
    now = utcnow()
    message.state = MessageState.QUEUED
    message.next_attempt_at = now
    message.queued_at = now
    message.lease_until = None
    message.last_error = ""
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(message.id)


def _after_commit(session) -> None:
    ids = session.info.pop(_PENDING, None)
    if ids and current_app and current_app.config.get("MAIL_DISPATCH", "queue") == "queue":
        # Late: importing the queue opens its storage (Huey); only a commit that hands over mail does.
        from app.messages import queue

        queue.dispatch(ids)


def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is None:  # the outermost one, rolled back (a commit popped already)
        session.info.pop(_PENDING, None)


def init_app(app) -> None:
    """Hand committed messages to the job queue (the periodic sweep catches any lost hand-over)."""
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_transaction_end", _after_transaction_end)
