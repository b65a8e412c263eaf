"""No stranger writes our e-mail's headers (issue 27): a display name, a lab title or a subject
that is, or decodes to, a line break stays text inside its own header.

Python 3.11.7 decodes RFC 2047 encoded words in a display name or a subject it is given and
writes the decoded CR/LF raw (CVE-2024-6923). Each attack goes through the real path (a lab
sign-up, enqueue, render), is serialised as it would leave, and is parsed back as a receiving
server would."""

import base64
import dataclasses
import email
import re
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import select

from app.common.text import single_line
from app.common.timeutil import today_in_rome
from app.labs import notices, registrations
from app.messages import headers
from app.messages.headers import POLICY, UnsafeHeader, plain, verify
from app.messages.kinds import KINDS
from app.messages.models import Message, MessageState
from app.messages.render import render
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.mail_support import body

VICTIM = "vittima@example.org"
INJECTED = "M\r\nReply-To: x@evil.example\r\n\r\nPremio!"
HEADERS = [
    "Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "List-Unsubscribe",
    "List-Unsubscribe-Post", "MIME-Version", "Content-Type",
]  # fmt: skip


def q(text: str) -> str:
    """An RFC 2047 encoded word, Q form."""
    return "=?utf-8?q?" + "".join(f"={byte:02X}" for byte in text.encode()) + "?="


def b(text: str) -> str:
    """An RFC 2047 encoded word, B form."""
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


ATTACKS = {
    "q": "=?utf-8?q?M=0D=0AReply-To=3A_x=40evil.example=0D=0A=0D=0APremio!?=",
    "q_encoded_all": q(INJECTED),
    "b": b(INJECTED),
    "split": "=?utf-8?q?M=0D?= =?utf-8?q?=0AReply-To=3A_x=40evil.example?= =?utf-8?b?"
    + base64.b64encode(b"\r\n\r\nPremio!").decode()
    + "?=",
    "nested": q(q(INJECTED)),
    "nested_b_in_q": q(b(INJECTED)),
    "quoted": '"' + q(INJECTED) + '"',
    "in_a_comment": "(" + q(INJECTED) + ")",
    "line_separator": "M\u2028Reply-To: x@evil.example\u2029\u2029Premio!",
    "nel": "M\x85Reply-To: x@evil.example\x85\x85Premio!",
    "raw_crlf": INJECTED,
    "bare_lf": "M\nReply-To: x@evil.example\n\nPremio!",
    "nul_and_c0": "M\x00\x0bReply-To: x@evil.example\x0c\x1c\x1d\x1ePremio!",
    "encoded_nel": q("M\x85Reply-To: x@evil.example\u2028\u2028Premio!"),
}


@pytest.fixture
def lab(app):
    found = factories.lab(capacity=20)
    factories.session(found, today_in_rome() + timedelta(days=3))
    db.session.commit()
    return found


def storable(value: str) -> bool:
    """What a name or title column holds on every database: 120 characters, no NUL (PostgreSQL)."""
    return len(value) <= 120 and "\x00" not in value


def sign_up(lab, name: str = "Rosa Ferrari", email_address: str = VICTIM) -> Message:
    stored = name if storable(name) else "Rosa Ferrari"
    registration, token = registrations.register(lab, stored, email_address, "", "", False)
    notices.signed_up(registration, token)
    db.session.commit()
    message = db.session.scalar(select(Message).order_by(Message.id.desc()))
    if stored != name:
        # Longer than any form accepts, or a NUL no PostgreSQL text holds: the name as a row
        # might carry it from elsewhere, kept in memory (as_received renders without flushing).
        message.to_name = name
    return message


def as_received(message: Message):
    """Rendered, serialised as it leaves, parsed back as a receiving server does."""
    with db.session.no_autoflush:
        rendered, _subject, _text = render(message)
    db.session.rollback()  # what was only in memory stays there
    raw = rendered.as_bytes()
    return raw, email.message_from_bytes(raw, policy=policy.default)


def assert_only_our_headers(raw: bytes, received) -> None:
    assert received.keys() == HEADERS
    assert "Reply-To" not in received and "Bcc" not in received
    assert len(received.get_all("To")) == 1
    (to,) = received["To"].addresses
    assert to.addr_spec == VICTIM
    head = raw.split(b"\n\n", 1)[0]
    assert not re.search(rb"^(Reply-To|Bcc|Cc)\s*:", head, re.MULTILINE | re.IGNORECASE)
    for name, value in received.items():
        assert "\r" not in value and "\n" not in value, name
    # The body is ours: the multipart with the text and the HTML, "Premio!" is not a body.
    assert received.get_content_type() == "multipart/mixed"
    plain_text = body(received)
    assert "hai un posto" in plain_text and "Orto" in plain_text
    assert not plain_text.lstrip().startswith("Premio!")


def test_a_plain_name_and_title_read_as_written(lab):
    raw, received = as_received(sign_up(lab))
    assert_only_our_headers(raw, received)
    assert str(received["To"]) == f"Rosa Ferrari <{VICTIM}>"
    assert received["Subject"] == "Iscrizione confermata: Orto condiviso"


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_an_attack_in_the_recipients_name_stays_in_the_to_header(lab, attack):
    raw, received = as_received(sign_up(lab, name=attack))
    assert_only_our_headers(raw, received)
    name = received["To"].addresses[0].display_name
    # What the receiver shows is the text as given, never decoded (no line break of any kind).
    assert not any(ch in name for ch in "\r\n\x85\u2028\u2029\x00")
    assert "=?" not in name


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_an_attack_in_a_lab_title_stays_in_the_subject(app, attack):
    # As the lab form stores a title (one line); encoded words pass it untouched.
    title = single_line(f"Orto {attack}")
    found = factories.lab(title=title if storable(title) else "Orto", capacity=20)
    factories.session(found, today_in_rome() + timedelta(days=3))
    db.session.commit()
    message = sign_up(found)
    found.title = title  # a title longer than the column: in memory only
    raw, received = as_received(message)
    assert_only_our_headers(raw, received)
    assert received["Subject"].startswith("Iscrizione confermata: Orto ")
    assert not any(ch in received["Subject"] for ch in "\r\n\x85\u2028\u2029\x00")


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_an_attack_as_the_subject_itself_stays_in_the_subject(lab, monkeypatch, attack):
    kind = KINDS["lab_signup"]
    monkeypatch.setitem(KINDS, "lab_signup", dataclasses.replace(kind, subject=lambda ctx: attack))
    raw, received = as_received(sign_up(lab))
    assert_only_our_headers(raw, received)


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_row_queued_with_an_unclean_name_is_cleaned_when_rendered(lab, attack):
    message = sign_up(lab)
    message.to_name = attack[:120]  # as an older version might have stored it
    if storable(message.to_name):
        db.session.commit()
    raw, received = as_received(message)
    assert_only_our_headers(raw, received)


def test_the_attack_through_a_real_smtp_server(lab, mailbox):
    sign_up(lab, name=ATTACKS["q"])
    (received,) = mailbox.deliver()
    assert "Reply-To" not in received
    assert received["To"].addresses[0].addr_spec == VICTIM
    assert "hai un posto" in body(received)


def test_a_sender_name_from_the_configuration_is_plain_too(app, lab):
    app.config["MAIL_FROM_NAME"] = ATTACKS["q"]
    raw, received = as_received(sign_up(lab))
    assert_only_our_headers(raw, received)


def test_an_address_with_an_encoded_word_or_a_control_character_is_refused(app):
    from app.messages.services import valid_address

    for address in [
        "=?utf-8?q?a=0D=0A?=@evil.example",
        "a\x00b@example.org",
        'a"b@example.org',
        "a\x85@x.it",
    ]:
        assert not valid_address(address), address
    assert valid_address("nome.cognome+lab@example.org")


def test_plain_text_keeps_the_words_and_drops_the_breaks():
    assert plain("  Rosa\r\n Ferrari\u2028 ") == "Rosa Ferrari"
    assert plain("=?utf-8?q?x?=") == "= ?utf-8?q?x?="
    assert plain("==??") == "== ??"
    assert "=?" not in plain("=?=?=?")
    assert plain("x" * 300, 120) == "x" * 120


def test_verify_refuses_a_header_that_folds_into_two(app):
    from email.message import EmailMessage

    message = EmailMessage(policy=POLICY)
    message["Subject"] = "Ciao"
    message.set_raw("To", "=?utf-8?b?UsOy?=\n =?utf-8?b?c2E=?= <rosa@example.org>")  # folded: fine
    verify(message)
    # What an unpatched Python writes for a decoded encoded word: a second header line, a body.
    for value in ["Ciao\r\nReply-To: x@evil.example", "Ciao\n\nPremio!", "Ciao\nX: y"]:
        bad = EmailMessage(policy=POLICY)
        bad.set_raw("Subject", value)
        with pytest.raises(UnsafeHeader):
            verify(bad)


def test_a_message_that_cannot_be_made_safe_fails_and_the_others_go(lab, mailbox, monkeypatch):
    refused = sign_up(lab)
    sign_up(lab, name="Anna", email_address="anna@example.org")
    real = headers.verify

    def verify_refusing_the_victim(message):
        if VICTIM in message["To"].addresses[0].addr_spec:
            raise UnsafeHeader("To")
        real(message)

    monkeypatch.setattr(headers, "verify", verify_refusing_the_victim)
    (arrived,) = mailbox.deliver()
    assert arrived["To"].addresses[0].addr_spec == "anna@example.org"
    db.session.expire_all()
    assert db.session.get(Message, refused.id).state == MessageState.FAILED


@pytest.mark.parametrize("address", ["=?utf-8?q?a=0D=0A?=@evil.example", "a=?b@example.org"])
def test_a_signup_with_an_address_a_header_would_decode_is_refused_with_a_message(browser, lab, address):
    """E-mail validators accept an encoded word as the local part; the form refuses it, in
    Italian, and nothing is stored or queued."""
    from app.labs.models import Registration

    data = {"full_name": "Rosa", "email": address, "phone": "", "note": ""}
    response = browser.post(f"/laboratori/{lab.slug}/iscrizione", data, token_from=f"/laboratori/{lab.slug}")
    assert response.status_code == 400
    assert "Questo indirizzo non si può usare per l'e-mail" in text(response)
    assert db.session.scalar(select(Registration)) is None
    assert db.session.scalar(select(Message)) is None


def test_a_follow_with_such_an_address_is_refused_too(browser, lab):
    response = browser.post(
        f"/segui/laboratorio/{lab.slug}",
        {"email": "=?x?=@evil.example"},
        token_from=f"/segui/laboratorio/{lab.slug}",
    )
    assert response.status_code == 400 and "non si può usare per l" in response.get_data(as_text=True)
    assert db.session.scalar(select(Message)) is None
