"""The kinds of message: how each one is rendered. Each feature registers its own in its notices.py."""

from collections.abc import Callable
from dataclasses import dataclass, field


class Gone(Exception):
    """What the message is about no longer exists (a deleted lab): it cannot be rendered."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "text"
    subtype: str = "calendar"
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    """`subject(ctx)` gives the subject; `load(data)` adds fresh objects to the context (or
    raises Gone); templates are mail/<name>.txt and mail/<name>.html; `reason` is the footer."""

    name: str
    subject: Callable[[dict], str]
    reason: Callable[[dict], str]
    load: Callable[[dict], dict] = lambda data: {}
    attachments: Callable[[dict], list[Attachment]] = lambda ctx: []
    # Non-essential messages carry List-Unsubscribe (one click) to this URL.
    unsubscribe: Callable[[dict], str | None] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind
