"""A real SMTP server in the test process (aiosmtpd), and helpers to read what it received."""

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """aiosmtpd handler: keeps every message; `reply` can make the server refuse."""

    def __init__(self):
        self.received = []
        self.reply = None  # e.g. "550 5.1.1 no such user" or "451 4.3.0 try later"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reply:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
        parsed.original = envelope.original_content  # the bytes as the server received them
        self.received.append(parsed)
        return "250 Message accepted for delivery"


class Mailbox:
    def __init__(self, app, port):
        self.app = app
        self.port = port
        self.recorder = Recorder()
        self.controller = None
        self.seen = 0

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        return self.recorder.received

    def deliver(self, **kwargs) -> list:
        """Run the worker once; the messages that arrived since the last call."""
        from app.messages import delivery
        from app.platform.extensions import db

        db.session.commit()
        delivery.deliver(**kwargs)
        new = self.received[self.seen :]
        self.seen = len(self.received)
        return new

    def one(self, **kwargs):
        new = self.deliver(**kwargs)
        assert len(new) == 1, [m["Subject"] for m in new]
        return new[0]


@pytest.fixture
def mailbox(app):
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    box = Mailbox(app, port)
    box.start()
    yield box
    box.stop()


def body(message, subtype="plain") -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", body(message))


def path_of(url: str) -> str:
    """The path of an absolute link in a message, to follow it with the test client."""
    return re.sub(r"^https?://[^/]+", "", url)


def attachments(message) -> list:
    return list(message.iter_attachments())
