"""The worker's side: claim a queued message with a lease, render it, send it, mark it.

A worker killed after its claim leaves the row 'sending' until the lease ends; then any worker
claims it again. Order holds: the oldest due message goes first, and when the server cannot be
reached every due message waits by the same back-off."""

import logging
from datetime import datetime, timedelta
from time import monotonic

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.common.timeutil import utcnow
from app.messages.models import Message, MessageState
from app.messages.render import NotConfigured, render
from app.messages.transport import PermanentFailure, TemporaryFailure, transport_for
from app.platform.extensions import db

log = logging.getLogger(__name__)
# Claimed together, with a lease of MAIL_LEASE_SECONDS (25 s): with a sweep every half minute
# (queue.py), a killed worker's messages wait less than a minute. Before each message, once
# RENEW_AFTER has passed since the claim or the last renewal, the lease of what is left of the
# batch is renewed and this worker's claim checked: every message starts with at least 20 s of
# lease ahead (each SMTP step is bounded by MAIL_TIMEOUT, 20 s), and a slow batch never
# outlives its lease (a fast one, 10 messages in a second, costs no extra statement).
BATCH = 10
RENEW_AFTER = timedelta(seconds=5)


def _due(now: datetime):
    return or_(
        and_(Message.state == MessageState.QUEUED, Message.next_attempt_at <= now),
        and_(Message.state == MessageState.SENDING, Message.lease_until < now),
    )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most half an hour between tries."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 1800))


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])


def take(session, now: datetime, ids: list[int] | None = None, limit: int = BATCH) -> list[tuple[int, int]]:
    """Claim up to `limit` due messages, oldest first, in `session`'s transaction (not committed):
    (id, attempts) of each, the attempts counting this claim (what `_renew` checks ownership by).

    The due rows are chosen once, in a MATERIALIZED CTE (`SELECT ... ORDER BY id LIMIT n FOR
    UPDATE SKIP LOCKED`), then updated by a join. Written as `UPDATE ... WHERE id IN (SELECT ...
    LIMIT n)`, PostgreSQL may plan a nested-loop semi-join that runs the subquery again for each
    outer row (fresh tables, stale statistics): each run skips the rows locked by the last one,
    and one worker took the whole outbox. SQLite (one writer at a time) runs the same statement."""
    due = select(Message.id).where(_due(now)).order_by(Message.id).limit(limit)
    if ids is not None:
        due = due.where(Message.id.in_(ids))
    due = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
    taken = session.execute(
        update(Message)
        .where(Message.id == due.c.id, _due(now))
        .values(state=MessageState.SENDING, lease_until=now + _lease(), attempts=Message.attempts + 1)
        .returning(Message.id, Message.attempts)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted((row.id, row.attempts) for row in taken)


def _claim(now: datetime, ids: list[int] | None = None, limit: int = BATCH) -> list[tuple[int, int]]:
    taken = take(db.session, now, ids, limit)
    db.session.commit()
    return taken


def claim_batch(now: datetime, ids: list[int] | None = None, limit: int = BATCH) -> list[int]:
    """Take up to `limit` due messages, oldest first, for this worker until the lease ends
    (committed at once; a row another worker took meanwhile is not returned)."""
    return [message_id for message_id, _ in _claim(now, ids, limit)]


def claim(message_id: int, now: datetime | None = None) -> bool:
    """Take one message (see claim_batch)."""
    return claim_batch(now or utcnow(), [message_id], 1) == [message_id]


def _renew(claimed: list[tuple[int, int]], now: datetime) -> set[int]:
    """Extend this worker's lease on the messages of its batch not yet sent; the ids it still
    holds. A message whose lease ran out and that another worker claimed since (one more
    attempt counted) is no longer this worker's: it is left alone, never sent twice."""
    if not claimed:
        return set()
    held = db.session.scalars(
        update(Message)
        .where(
            Message.state == MessageState.SENDING,
            or_(*(and_(Message.id == i, Message.attempts == a) for i, a in claimed)),
        )
        .values(lease_until=now + _lease())
        .returning(Message.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return set(held)


def _finish(message_id: int, **values) -> None:
    db.session.execute(
        update(Message).where(Message.id == message_id).values(lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    db.session.commit()


class ServerDown(Exception):
    def __init__(self, reason: str, later: datetime):
        super().__init__(reason)
        self.later = later


def send_claimed(message_id: int, transport, now: datetime | None = None) -> str:
    """Render and send a message this worker has claimed; returns the new state."""
    now = now or utcnow()
    message = db.session.get(Message, message_id)
    queued_at, attempts = message.queued_at, message.attempts
    try:
        email, subject, text = render(message)
    except NotConfigured as error:  # the settings, not the message: every due message waits
        log.warning("message %s waits for the configuration: %s", message_id, error)
        return _retry_later(
            message_id, now, queued_at, attempts, TemporaryFailure(str(error), connection=True)
        )
    except Exception as error:  # noqa: BLE001 - any template fault fails this message only
        log.warning("message %s cannot be rendered: %r", message_id, error)
        reason = f"Il messaggio non si può comporre: {error.__class__.__name__}: {error}"
        _finish(message_id, state=MessageState.FAILED, last_error=reason[:2000])
        return MessageState.FAILED
    db.session.commit()  # no transaction (no SQLite lock) held while talking to the server
    try:
        transport.send(email)
    except PermanentFailure as error:
        _finish(message_id, state=MessageState.FAILED, last_error=str(error)[:2000])
        return MessageState.FAILED
    except TemporaryFailure as error:
        return _retry_later(message_id, now, queued_at, attempts, error)
    _finish(
        message_id,
        state=MessageState.SENT,
        sent_at=utcnow(),
        last_error="",
        subject=subject[:255],
        body_text=text,
    )
    return MessageState.SENT


def _retry_later(
    message_id: int, now: datetime, queued_at: datetime, attempts: int, error: TemporaryFailure
) -> str:
    """Back in the queue with back-off; after a day of tries, failed. When the server (or the
    configuration) is the problem, every due message waits by the same back-off (ServerDown)."""
    expired = now - _aware(queued_at) > timedelta(seconds=current_app.config["MAIL_RETRY_SECONDS"])
    if expired:
        _finish(
            message_id, state=MessageState.FAILED, last_error=f"Nessun invio in un giorno: {error}"[:2000]
        )
        return MessageState.FAILED
    later = now + backoff(attempts)
    _finish(message_id, state=MessageState.QUEUED, next_attempt_at=later, last_error=str(error)[:2000])
    if error.connection:
        _wait_all(now, later)
        raise ServerDown(str(error), later) from error
    return MessageState.QUEUED


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _wait_all(now: datetime, later: datetime) -> None:
    """The server is down: every due message waits until the same moment, keeping their order."""
    db.session.execute(
        update(Message)
        .where(Message.state == MessageState.QUEUED, Message.next_attempt_at < later)
        .values(next_attempt_at=later)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _release(ids: list[int], later: datetime) -> None:
    """Claimed but not tried (the server went down): back in the queue, waiting with the others."""
    if ids:
        db.session.execute(
            update(Message).where(Message.id.in_(ids), Message.state == MessageState.SENDING)
            .values(state=MessageState.QUEUED, lease_until=None, next_attempt_at=later, attempts=Message.attempts - 1)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        db.session.commit()


def deliver(ids: list[int] | None = None, now: datetime | None = None, transport=None) -> dict[str, int]:
    """Deliver the given messages (or every due one), oldest first, in claimed batches; the
    lease of a batch is renewed (and this worker's claim checked) as it goes (RENEW_AFTER)."""
    start, began = now or utcnow(), monotonic()

    def clock() -> datetime:  # `now` (tests move it) plus the time this run has taken
        return start + timedelta(seconds=monotonic() - began)

    own = transport is None
    transport = transport or transport_for(current_app)
    counts = {MessageState.SENT: 0, MessageState.FAILED: 0, MessageState.QUEUED: 0}
    try:
        while True:
            claimed_at = clock()
            batch = _claim(claimed_at, ids)
            if not batch:
                break
            held, held_until = {i for i, _ in batch}, claimed_at + _lease()
            for n, (message_id, _) in enumerate(batch):
                if held_until - clock() < _lease() - RENEW_AFTER:  # a slow batch: renew, check
                    renewed_at = clock()
                    held = _renew([pair for pair in batch[n:] if pair[0] in held], renewed_at)
                    held_until = renewed_at + _lease()
                if message_id not in held:
                    continue  # the lease ran out and another worker has it now
                try:
                    counts[send_claimed(message_id, transport, clock())] += 1
                except ServerDown as down:
                    _release([i for i, _ in batch[n + 1 :] if i in held], down.later)
                    raise
    except ServerDown:
        pass
    finally:
        if own:
            transport.close()
    return {str(k): v for k, v in counts.items()}
