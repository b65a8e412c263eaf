"""The outbox: enqueue in the caller's transaction, delivery with a lease, retries, failures."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.common.timeutil import utcnow
from app.messages import delivery, services
from app.messages.models import Message, MessageState
from app.platform.extensions import db
from tests.mail_support import body


def _invite(user):
    from app.auth import notices as accounts

    accounts.send_invitation(user)


def test_enqueue_is_idempotent_and_rolls_back_with_the_change(app, make_user):
    user = make_user("nuovo@example.org", name="Nina Nuova", password=None)
    _invite(user)
    _invite(user)
    db.session.rollback()
    assert db.session.scalars(select(Message)).all() == []
    _invite(user)
    _invite(user)
    db.session.commit()
    rows = db.session.scalars(select(Message)).all()
    assert [(m.kind, m.to_email, m.state) for m in rows] == [("invitation", "nuovo@example.org", "queued")]


@pytest.mark.parametrize(
    "address",
    ["a@b@example.org", "nuovo@example.org\r\nBcc: x@evil.example", "senza-chiocciola", "a b@example.org"],
)
def test_enqueue_refuses_addresses_that_are_not_one_plain_address(app, address):
    with pytest.raises(services.BadAddress):
        services.enqueue("invitation", address, {"user_id": 1}, key="k")


def test_a_display_name_with_line_breaks_never_injects_a_header(app, make_user, mailbox):
    user = make_user("nuovo@example.org", name="Nina\r\nBcc: spia@evil.example", password=None)
    _invite(user)
    message = mailbox.one()
    assert "Bcc" not in message
    assert message["To"].addresses[0].addr_spec == "nuovo@example.org"
    assert mailbox.recorder.received[0]["To"].addresses[0].display_name == "Nina Bcc: spia@evil.example"


def test_killed_between_claim_and_send_goes_out_exactly_once(app, make_user, mailbox):
    user = make_user("nuovo@example.org", name="Nina Nuova", password=None)
    _invite(user)
    db.session.commit()
    message = db.session.scalar(select(Message))
    now = utcnow()
    # A worker claims it, then dies before sending (nothing else happens).
    assert delivery.claim(message.id, now)
    assert mailbox.deliver(now=now + timedelta(seconds=10)) == []  # the lease still holds
    assert db.session.get(Message, message.id).state == MessageState.SENDING
    later = now + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1)
    assert len(mailbox.deliver(now=later)) == 1
    assert mailbox.deliver(now=later + timedelta(hours=1)) == []
    row = db.session.get(Message, message.id)
    assert (row.state, row.attempts) == ("sent", 2)
    assert len(mailbox.received) == 1


def test_smtp_down_for_an_hour_then_everything_in_order_once(app, make_user, mailbox):
    users = [make_user(f"p{i}@example.org", name=f"Persona {i}", password=None) for i in range(3)]
    for user in users:
        _invite(user)
    db.session.commit()
    mailbox.stop()
    now = utcnow()
    for minute in range(0, 60, 5):
        mailbox.deliver(now=now + timedelta(minutes=minute))
    rows = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert {m.state for m in rows} == {"queued"} and "SMTP" in rows[0].last_error
    mailbox.start()
    arrived = mailbox.deliver(now=now + timedelta(hours=2))
    assert [m["To"].addresses[0].addr_spec for m in arrived] == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]
    assert mailbox.deliver(now=now + timedelta(hours=3)) == []


def test_temporary_refusal_retries_permanent_refusal_fails(app, make_user, mailbox):
    user = make_user("nuovo@example.org", name="Nina Nuova", password=None)
    _invite(user)
    db.session.commit()
    now = utcnow()
    mailbox.recorder.reply = "451 4.3.0 Riprova più tardi"
    mailbox.deliver(now=now)
    row = db.session.scalar(select(Message))
    assert row.state == "queued" and row.last_error.startswith("451")
    assert mailbox.deliver(now=now + timedelta(seconds=30)) == []  # backing off
    mailbox.recorder.reply = "550 5.1.1 Casella inesistente"
    mailbox.deliver(now=now + timedelta(minutes=5))
    db.session.expire_all()
    row = db.session.scalar(select(Message))
    assert row.state == "failed" and row.last_error.startswith("550")


def test_temporary_failures_give_up_after_a_day(app, make_user, mailbox):
    user = make_user("nuovo@example.org", name="Nina Nuova", password=None)
    _invite(user)
    db.session.commit()
    mailbox.recorder.reply = "451 4.3.0 Riprova più tardi"
    mailbox.deliver(now=utcnow() + timedelta(days=1, minutes=1))
    row = db.session.scalar(select(Message))
    assert row.state == "failed" and "un giorno" in row.last_error


def test_a_message_that_cannot_be_rendered_fails_with_the_reason_and_the_rest_go_on(app, make_user, mailbox):
    gone = make_user("via@example.org", name="Vittorio Via", password=None)
    stays = make_user("resta@example.org", name="Rita Resta", password=None)
    _invite(gone)
    _invite(stays)
    db.session.commit()
    db.session.delete(gone)
    db.session.commit()
    arrived = mailbox.deliver()
    assert [m["To"].addresses[0].addr_spec for m in arrived] == ["resta@example.org"]
    failed = db.session.scalar(select(Message).where(Message.state == "failed"))
    assert failed.to_email == "via@example.org" and "non esiste più" in failed.last_error


def test_message_id_comes_from_the_key_and_links_from_the_public_address(app, make_user, mailbox):
    app.config["PUBLIC_URL"] = "https://legami.example.it"
    user = make_user("nuovo@example.org", name="Nina Nuova", password=None)
    _invite(user)
    message = mailbox.one()
    row = db.session.scalar(select(Message))
    from app.messages.render import message_id

    assert message["Message-ID"] == message_id(row.key)
    assert "https://legami.example.it/invito/" in body(message)
    assert "https://legami.example.it/invito/" in body(message, "html")
    assert "List-Unsubscribe" not in message  # an invitation is essential


def test_file_transport_in_development(app, make_user, tmp_path):
    app.config.update(MAIL_SERVER="")
    from app.messages.transport import FileTransport

    user = make_user("nuovo@example.org", name="Nina Nuova", password=None)
    _invite(user)
    db.session.commit()
    delivery.deliver(transport=FileTransport(tmp_path))
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1 and b"Il tuo account su Legami" in files[0].read_bytes()


def test_huey_task_delivers_after_commit(app, make_user, mailbox):
    from app.messages import queue

    app.config["MAIL_DISPATCH"] = "queue"
    queue.huey.immediate = True
    try:
        user = make_user("nuovo@example.org", name="Nina Nuova", password=None)
        _invite(user)
        assert mailbox.received == []
        db.session.commit()
        assert [m["Subject"] for m in mailbox.received] == ["Il tuo account su Legami"]
    finally:
        queue.huey.immediate = False


WORKER = """
import sys, time
from app import create_app
from app.messages import delivery
app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "DATABASE_URL": sys.argv[1],
                  "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(sys.argv[2]), "MAIL_DISPATCH": "none"})
with app.app_context():
    # What the worker does: claim... and here it is killed before sending.
    print(delivery.claim_batch(delivery.utcnow()), flush=True)
    time.sleep(60)
"""


def test_a_worker_process_killed_after_its_claim_leaves_the_message_to_go_out_once(
    app, db_url, make_user, mailbox
):
    import subprocess
    import sys

    user = make_user("nuovo@example.org", name="Nina Nuova", password=None)
    _invite(user)
    db.session.commit()
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, db_url, str(mailbox.port)], stdout=subprocess.PIPE, text=True
    )
    try:
        claimed = worker.stdout.readline().strip()
    finally:
        worker.kill()  # SIGKILL: no clean-up of any kind
        worker.wait()
    message = db.session.scalar(select(Message))
    assert claimed == f"[{message.id}]" and message.state == "sending"
    assert mailbox.deliver() == []  # another worker leaves it alone while the lease holds
    later = utcnow() + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1)
    assert len(mailbox.deliver(now=later)) == 1
    assert mailbox.deliver(now=later + timedelta(hours=1)) == []
    assert len(mailbox.received) == 1
