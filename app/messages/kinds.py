"""The kinds of message: how each one is rendered. Each feature registers its own in its notices.py."""

from collections.abc import Callable
from dataclasses import dataclass, field


class Gone(Exception):
    """What the message is about no longer exists (a deleted lab): it cannot be rendered."""


@dataclass(frozen=True)
class Attachment:
    """A file attached to the message; or, with `inline_alternative`, a third version of the body
    beside text/plain and text/html in the multipart/alternative (text content, sent as UTF-8,
    its `params` on the Content-Type, no file name): how a calendar invitation
    (`text/calendar; method=REQUEST`) gets Outlook's accept/decline bar. A kind that wants both
    returns two Attachments."""

    filename: str
    content: bytes
    maintype: str = "text"
    subtype: str = "calendar"
    params: dict = field(default_factory=dict)
    inline_alternative: bool = False


@dataclass(frozen=True)
class Kind:
    """`subject(ctx)` gives the subject; `load(data)` adds fresh objects to the context (or
    raises Gone); templates are mail/<name>.txt and mail/<name>.html; `reason` is the footer."""

    name: str
    subject: Callable[[dict], str]
    reason: Callable[[dict], str]
    load: Callable[[dict], dict] = lambda data: {}
    attachments: Callable[[dict], list[Attachment]] = lambda ctx: []
    # List-Unsubscribe (one click) to this URL; a kind without one that is not essential
    # carries the address's own opt-out link (app/messages/suppressions.py).
    unsubscribe: Callable[[dict], str | None] | None = None
    # Essential (the account's invitation, password, login link): goes to an address that
    # opted out too, and carries no List-Unsubscribe.
    essential: bool = False
    # A visitor can cause it (a sign-up, a follow, with anyone's address): at most
    # MAIL_MAX_PER_ADDRESS_PER_DAY of these a day per address; beyond, enqueue drops it.
    limited: bool = False


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind
