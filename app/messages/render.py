"""Turn an outbox row into an EmailMessage: Italian text and HTML, absolute links to the
configured public address (never the request's Host), a Message-ID made from the key."""

import hashlib
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app, render_template, url_for

from app.common.timeutil import utcnow
from app.messages import headers, suppressions
from app.messages.kinds import KINDS
from app.messages.models import Message


def public_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def link(endpoint: str, **values) -> str:
    """An absolute URL on the portal's public address (use inside public_context())."""
    return public_url() + url_for(endpoint, **values)


class NotConfigured(RuntimeError):
    """The settings cannot build this message (PUBLIC_URL's host not among TRUSTED_HOSTS):
    the message waits and is tried again, it is not failed for good (app/messages/delivery.py)."""


@contextmanager
def public_context():
    """A request context whose base URL is the configured public address."""
    with current_app.test_request_context("/", base_url=public_url() + "/") as ctx:
        if ctx.url_adapter is None:  # Flask refused the host: no link can be built
            raise NotConfigured(
                f"PUBLIC_URL ({public_url()}) is not on a host listed in TRUSTED_HOSTS: no link can be built."
            )
        yield ctx


def message_id(key: str) -> str:
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2].strip(" >") or "legami.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def sender() -> str:
    """The From value, encoded like every name (app/messages/headers.py)."""
    return headers.address(current_app.config["MAIL_FROM_NAME"], current_app.config["MAIL_FROM"], "From")


def render(message: Message) -> tuple[EmailMessage, str, str]:
    """The e-mail, its subject and its text; raises whatever the kind's loader or template raises."""
    kind = KINDS[message.kind]
    with public_context():
        ctx = dict(message.data or {})
        ctx.update(kind.load(message.data or {}))
        ctx.update(message=message, link=link, public_url=public_url())
        subject = headers.plain(kind.subject(ctx), 255)
        unsubscribe = kind.unsubscribe(ctx) if kind.unsubscribe else None
        # Every message that is not essential can be stopped in one click: the kind's own
        # link, or the address's (no more mail from Legami to it; app/messages/suppressions.py).
        address_optout = None
        if unsubscribe is None and not kind.essential:
            unsubscribe = address_optout = link(
                "messages.address_optout", token=suppressions.token(message.to_email)
            )
        ctx.update(
            subject=subject,
            reason=str(kind.reason(ctx)),
            unsubscribe=unsubscribe,
            address_optout=address_optout,
        )
        text = render_template(f"mail/{kind.name}.txt", **ctx)
        html = render_template(f"mail/{kind.name}.html", **ctx)
        attachments = kind.attachments(ctx)
    email = EmailMessage(policy=headers.POLICY)
    # Written by us, never parsed (a row queued before names were cleaned is made plain here too).
    email.set_raw("Subject", headers.subject(subject))
    email.set_raw("From", sender())
    email.set_raw("To", headers.address(message.to_name, message.to_email, "To"))
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id(message.key)
    email["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        email["List-Unsubscribe"] = f"<{unsubscribe}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    for item in attachments:
        if not item.inline_alternative:
            continue
        if item.maintype != "text":
            raise ValueError(f"an alternative body must be text, not {item.maintype}/{item.subtype}")
        # charset=utf-8 on the Content-Type: a SUMMARY with "à" or "–" reads as written; 7-bit
        # on the wire (quoted-printable if needed), so that no relay has to convert it.
        content = item.content.decode("utf-8")
        cte = "7bit" if content.isascii() else "quoted-printable"
        email.add_alternative(content, subtype=item.subtype, cte=cte, params=item.params or None)
    for item in attachments:
        if item.inline_alternative:
            continue
        email.add_attachment(
            item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename,
            params=item.params or None,
        )  # fmt: skip
    headers.verify(email)
    return email, subject, text
