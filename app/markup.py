"""Markdown written by users, rendered safely: markdown -> bleach allow-list -> Markup.

This is the only place where user text becomes HTML; templates use
`{{ text|markdown }}` and never `|safe` on user data.
"""

import bleach
import markdown as md
from bleach.linkifier import Linker
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
        "del", "ins", "blockquote", "code", "pre", "ul", "ol", "li", "a", "table", "thead",
        "tbody", "tr", "th", "td", "abbr", "sup", "sub",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
EXTENSIONS = ["extra", "sane_lists", "nl2br"]
# Over this size a text is refused by the forms; here it is a hard stop.
MAX_SOURCE_CHARS = 1_000_000


def _link_attributes(attrs, new=False):
    """Every link gets rel="nofollow noopener"."""
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True
)
_linker = Linker(callbacks=[_link_attributes], skip_tags={"pre", "code"})


def render_markdown(source: str | None) -> Markup:
    """Markdown to sanitised HTML; raw HTML in the source is escaped, never run."""
    if not source:
        return Markup("")
    # Raw HTML in the source is escaped, so it shows as text rather than vanishing.
    html = md.markdown(source[:MAX_SOURCE_CHARS].replace("<", "&lt;"), extensions=EXTENSIONS)
    return Markup(_linker.linkify(_cleaner.clean(html)))  # noqa: S704 - sanitised just above
