"""What both file stores share (app/platform/storage.py): keys, the error, reading in pieces."""

import secrets
from collections.abc import Iterator
from typing import BinaryIO

# Downloads are sent in pieces of this size: a 10 MB file never sits whole in a worker.
CHUNK = 64 * 1024


class StorageUnavailable(RuntimeError):
    """The file store did not answer (down, unreachable, refused our credentials)."""


def new_key(suffix: str = "") -> str:
    return secrets.token_hex(16) + suffix


def check_key(key: str) -> str:
    """Keys are flat, opaque names: nothing that could climb out of the folder or prefix."""
    if not key or "/" in key or "\\" in key or key.startswith(".") or len(key) > 200:
        raise KeyError(key)
    return key


def chunks(handle: BinaryIO) -> Iterator[bytes]:
    """The pieces of an already opened file or body, closed at the end (or when abandoned)."""
    try:
        while piece := handle.read(CHUNK):
            yield piece
    finally:
        handle.close()
