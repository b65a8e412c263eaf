"""Markdown written by users, rendered safely: markdown -> bleach allow-list -> Markup.

This is the only place where user text becomes HTML; templates use
`{{ text|markdown }}` and never `|safe` on user data.

Threads: a bleach Cleaner or Linker keeps its html5lib parser, tokenizer and
tree between calls, so one instance used by two threads at once mixes their
documents (another request's text in a page, IndexError/AssertionError, or a
parser that never returns; mozilla/bleach#370). Each thread gets its own pair.
"""

import threading
from functools import lru_cache

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
# The same text gives the same HTML: the last texts rendered are kept (a center's description is
# rendered for every visitor: markdown and bleach took ~8 % of the center page's CPU). Bounded
# by count and size: at most KEPT_TEXTS texts of at most KEPT_CHARS each (about 10 MB).
KEPT_TEXTS = 512
KEPT_CHARS = 10_000


def _link_attributes(attrs, new=False):
    """Every link gets rel="nofollow noopener"."""
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_per_thread = threading.local()


def _sanitisers() -> tuple[bleach.Cleaner, Linker]:
    """This thread's Cleaner and Linker, built on its first use."""
    pair = getattr(_per_thread, "pair", None)
    if pair is None:
        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True
        )
        # No skip_tags: bleach re-escapes the text of skipped tags ("&amp;lt;" shown in code spans).
        linker = Linker(callbacks=[_link_attributes])
        pair = _per_thread.pair = (cleaner, linker)
    return pair


def _converter() -> md.Markdown:
    """Markdown without its raw-HTML handling: "<b>" is plain text, escaped once like any other
    text, also inside `code spans` (escaping the source beforehand escaped those twice)."""
    converter = md.Markdown(extensions=EXTENSIONS)
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def render_markdown(source: str | None) -> Markup:
    """Markdown to sanitised HTML; raw HTML in the source is escaped, never run."""
    if not source:
        return Markup("")
    if len(source) <= KEPT_CHARS:
        return _kept(str(source))
    return _render(source)


@lru_cache(maxsize=KEPT_TEXTS)
def _kept(source: str) -> Markup:
    return _render(source)


def _render(source: str) -> Markup:
    html = _converter().convert(source[:MAX_SOURCE_CHARS])
    cleaner, linker = _sanitisers()
    return Markup(linker.linkify(cleaner.clean(html)))  # noqa: S704 - sanitised just above
