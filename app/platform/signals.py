"""Signals between features that must not import each other.

`place_changed` is sent with a Town or a CivicCenter whose name or address
changed. Every feature whose calendar events show that place receives it and
records a change on those events, so that feeds are rebuilt and calendar apps
pick up the new LOCATION.
"""

from blinker import Namespace

_signals = Namespace()

place_changed = _signals.signal("place-changed")
