"""Addresses of many rows of one kind, built with one `url_for` per page, not one per row.

`url_for` costs about 10 µs (the routing map's lookup and building); a page printing sixty
dates' links spent more there than on the dates. `url_filler` asks `url_for` for the address
with two different marks in place of the value that varies from row to row (`FILL`): what the
two addresses share before and after the marks is the rest of every row's address, and each
row's value goes between. The same address `url_for` builds, for values that need no quoting
(numbers, ISO dates: what the rows' varying parts are); any other value is left to `url_for`,
as is a value of the wrong type for a number's place (`url_for` would refuse or rewrite it).
"""

import re

from flask import url_for
from werkzeug.routing import BuildError

FILL = object()  # names the varying value in url_filler's arguments
# Two marks of digits (every converter takes them, no quoting changes them) that differ in their
# first and last digit: the two addresses part exactly where the value goes.
MARKS = ("1234567890123", "9876543210987")
SAFE = re.compile(r"[0-9A-Za-z_.~-]+")


def url_filler(endpoint: str, **values):
    """A function of one value giving `url_for(endpoint, **values)` with that value where `values`
    holds FILL (exactly one of them), built with three calls of url_for whatever the rows."""
    (varying,) = (name for name, value in values.items() if value is FILL)

    def build(value) -> str:
        return url_for(endpoint, **(values | {varying: value}))

    first, second = (build(mark) for mark in MARKS)
    start = _shared_start(first, second)
    end = _shared_start(first[::-1], second[::-1])
    before, after = first[:start], first[len(first) - end :] if end else ""
    numbers_only = _takes_numbers_only(build)

    def fill(value) -> str:
        if numbers_only and not (type(value) is int and value >= 0):
            return build(value)
        text = str(value)
        return f"{before}{text}{after}" if SAFE.fullmatch(text) else build(value)

    return fill


def _shared_start(one: str, other: str) -> int:
    """How many characters the two strings share at their start."""
    for n, (a, b) in enumerate(zip(one, other, strict=False)):
        if a != b:
            return n
    return min(len(one), len(other))


def _takes_numbers_only(build) -> bool:
    """Whether the varying value's place is a number's (an int converter refuses a word)."""
    try:
        build("not-a-number")
    except (BuildError, ValueError):
        return True
    return False
