"""Each flow registers its kinds of message and offers one function per notice."""

from app.messages.flows import accounts, follows, groups, labs  # noqa: F401
