"""One home for cleaning typed text: no control character reaches the database.

A name or any single-line field loses every control character (a tab or a
line break becomes a space); multi-line text keeps tabs and line breaks
(CR LF and a lone CR become LF) and loses the rest. NUL never gets this far:
a request that carries one is refused with 400 (app/platform/errors.py).
"""

import re

# Unicode category Cc: C0, DEL and C1.
_SPACES = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\x85]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTILINE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_line(value):
    """A single-line value without control characters; other values as they are."""
    if isinstance(value, str):
        return _CONTROL.sub("", _SPACES.sub(" ", value))
    if isinstance(value, list):
        return [clean_line(item) for item in value]
    return value


def single_line(value):
    """Titles and names: one line, runs of spaces made one, no control character."""
    return " ".join(clean_line(value).split()) if isinstance(value, str) else value


def clean_text(value):
    """Multi-line text: tabs and line breaks (as LF) kept, other control characters gone."""
    if isinstance(value, str):
        return _MULTILINE_CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value
