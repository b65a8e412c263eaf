"""Addresses of many rows of one kind, built with one `url_for` per page, not one per row.

`url_for` costs about 10 µs (the routing map's lookup and building); a page printing sixty
dates' links spent more there than on the dates. `url_filler` asks `url_for` once with a
mark in place of the value that varies from row to row (`FILL`) and gives a function that
puts each row's value there: the same address `url_for` would build, for values that need
no quoting (numbers, ISO dates: what the rows' varying parts are); any other is left to `url_for`.
"""

import re

from flask import url_for

# Digits only, so every converter (int, string, path) takes it and no quoting changes it; long
# enough that no slug, id or date of the rest of the address holds it.
FILL = "90210864213579"
SAFE = re.compile(r"[0-9A-Za-z_.~-]+")


def url_filler(endpoint: str, **values):
    """A function of one value giving `url_for(endpoint, **values)` with that value where `values`
    holds FILL (exactly one of them), built once."""
    (varying,) = (name for name, value in values.items() if value is FILL)
    before, mark, after = url_for(endpoint, **values).partition(FILL)
    if not mark or FILL in after:
        raise ValueError(f"{endpoint}: FILL must appear once in its address")

    def fill(value) -> str:
        text = str(value)
        if not SAFE.fullmatch(text):  # would need quoting: as url_for would
            return url_for(endpoint, **(values | {varying: value}))
        return f"{before}{text}{after}"

    return fill
