"""Delivery claims only what it can send (issue 28): one claim takes at most its batch whatever
PostgreSQL's statistics say, two workers take disjoint messages and send each once, and a
killed worker's messages go out again within the lease (under a minute)."""

import threading
from datetime import UTC, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from app.common.timeutil import utcnow
from app.messages import delivery
from app.messages.models import Message, MessageState
from app.platform.extensions import db


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner and row locks (SKIP LOCKED): run with TEST_DATABASE_URL")
    return app


def queue(count: int) -> list[int]:
    now = utcnow()
    rows = [
        {"key": f"claim:{n}", "kind": "invitation", "to_email": f"p{n}@example.org", "data": {},
         "next_attempt_at": now - timedelta(minutes=1)}
        for n in range(count)
    ]  # fmt: skip
    db.session.execute(insert(Message), rows)
    db.session.commit()
    return db.session.scalars(select(Message.id).order_by(Message.id)).all()


def sending() -> int:
    return db.session.scalar(select(func.count()).where(Message.state == MessageState.SENDING))


def test_one_claim_takes_at_most_ten_of_2000_with_stale_statistics(postgresql):
    # The statistics say the table is empty (as on a fresh database before autovacuum): the
    # planner once made "WHERE id IN (SELECT ... LIMIT 10 FOR UPDATE SKIP LOCKED)" a nested
    # loop that ran the subquery again per row, and one claim took all 2,000.
    db.session.execute(text("ANALYZE messages"))
    db.session.commit()
    ids = queue(2000)
    claimed = delivery.claim_batch(utcnow())
    assert claimed == ids[:10]
    assert sending() == 10


def test_two_workers_at_once_claim_disjoint_sets(postgresql):
    db.session.execute(text("ANALYZE messages"))
    db.session.commit()
    ids = queue(2000)
    now = utcnow()
    with Session(db.engine) as first, Session(db.engine) as second:
        a = delivery.take(first, now)  # not committed: its rows stay locked
        b = delivery.take(second, now)  # skips them, takes the next ten
        first.commit()
        second.commit()
    a, b = {i for i, _ in a}, {i for i, _ in b}
    assert len(a) == len(b) == 10 and not a & b and a | b == set(ids[:20])
    assert sending() == 20


class Recording:
    def __init__(self, sent, lock):
        self.sent, self.lock = sent, lock

    def send(self, email):
        with self.lock:
            self.sent.append(int(email["X-Message"]))

    def close(self):
        pass


def test_two_workers_delivering_at_once_send_each_message_once(postgresql, monkeypatch):
    ids = queue(300)

    def render(message):
        email = EmailMessage()
        email["X-Message"] = str(message.id)
        email.set_content("prova")
        return email, "Prova", "prova"

    monkeypatch.setattr(delivery, "render", render)
    sent, lock, errors = [], threading.Lock(), []

    def worker():
        try:
            with postgresql.app_context():
                delivery.deliver(transport=Recording(sent, lock))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(sent) == ids  # every one, none twice
    assert db.session.scalar(select(func.count()).where(Message.state == MessageState.SENT)) == 300


def test_a_killed_workers_batch_goes_again_within_the_lease_and_only_once(app):
    lease = app.config["MAIL_LEASE_SECONDS"]
    assert lease < 60
    ids = queue(15)
    now = utcnow()
    killed = delivery._claim(now)  # a worker claims ten, then is killed (nothing else happens)
    assert [i for i, _ in killed] == ids[:10]
    # Before the lease ends, another worker takes only the others.
    assert delivery.claim_batch(now + timedelta(seconds=lease - 1)) == ids[10:]
    # When it ends, the killed worker's ten are due again (less than a minute later).
    again = delivery._claim(now + timedelta(seconds=lease + 1))
    assert [i for i, _ in again] == ids[:10]
    # Had the first worker only stalled, it would find them no longer its own: not sent twice.
    assert delivery._renew(killed, now + timedelta(seconds=lease + 2)) == set()
    assert delivery._renew(again, now + timedelta(seconds=lease + 2)) == set(ids[:10])


class Slow:
    """A server that takes `seconds` per message (on a fake clock); `during` runs inside a send."""

    def __init__(self, monkeypatch, seconds: float, during=None):
        self.elapsed, self.seconds, self.during, self.sent = 0.0, seconds, during, []
        monkeypatch.setattr(delivery, "monotonic", lambda: self.elapsed)

    def send(self, email):
        self.elapsed += self.seconds
        if self.during and not self.sent:
            self.during()
        self.sent.append(email["To"])

    def close(self):
        pass


def _fake_render(monkeypatch):
    def render(message):
        email = EmailMessage()
        email["To"] = message.to_email
        email.set_content("prova")
        return email, "Prova", "prova"

    monkeypatch.setattr(delivery, "render", render)


def test_a_slow_batch_renews_its_lease_and_sends_everything_once(app, monkeypatch):
    _fake_render(monkeypatch)
    queue(3)
    server = Slow(monkeypatch, seconds=30)  # 90 s for the batch: twice the lease
    delivery.deliver(transport=server)
    assert server.sent == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert db.session.scalar(select(func.count()).where(Message.state == MessageState.SENT)) == 3


def test_a_worker_that_outlived_its_lease_leaves_what_another_took_over(app, monkeypatch):
    _fake_render(monkeypatch)
    ids = queue(3)
    lease = app.config["MAIL_LEASE_SECONDS"]
    start = utcnow()
    other = []
    # The first send hangs past the lease; meanwhile another worker (its task carried the ids
    # of the two others) claims them: their lease has run out.
    server = Slow(monkeypatch, seconds=lease + 5, during=lambda: other.extend(
        delivery.claim_batch(start + timedelta(seconds=lease + 1), ids[1:])
    ))  # fmt: skip
    delivery.deliver(now=start, transport=server)
    assert other == ids[1:]
    assert server.sent == ["p0@example.org"]  # not p1, p2: the other worker's now
    states = db.session.scalars(select(Message.state).order_by(Message.id)).all()
    assert states == [MessageState.SENT, MessageState.SENDING, MessageState.SENDING]


def test_each_sweep_books_another_half_a_minute_later(app):
    """Periodic tasks run once a minute at best: each sweep books the next one 30 s later, so
    with a 25 s lease a killed worker's messages are taken up again within a minute."""
    from app.messages import queue as jobs

    assert app.config["MAIL_LEASE_SECONDS"] + jobs.HALF_MINUTE < 60
    jobs.huey.flush()
    before = utcnow()
    jobs.sweep_task.call_local()
    # Queued with its time (the consumer keeps it aside until then).
    (booked,) = jobs.huey.pending() + jobs.huey.scheduled()
    assert booked.name.endswith("deliver_task") and booked.args == (None,)
    eta = booked.eta.replace(tzinfo=UTC) if booked.eta.tzinfo is None else booked.eta
    assert timedelta(seconds=29) <= eta - before <= timedelta(seconds=35)
    jobs.huey.flush()
