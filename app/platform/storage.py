"""Where uploaded attachments and approved PDFs live: one small interface, one local backend.

The app only ever calls `put`, `get` and `delete` with opaque random keys, so a deployment with
several app servers can point FILES_DIR at a shared volume, or swap LocalStorage for an
object-storage class with the same three methods (see docs/DEPLOY.md). Files never sit under
static/: they are served by views that check the verbale's access rules first."""

import os
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app


class Storage(Protocol):
    def put(self, data: bytes, suffix: str = "") -> str: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under a directory, two-level fan-out, written atomically (temp file + rename)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise KeyError(key)
        return self.root / key[:2] / key

    def put(self, data: bytes, suffix: str = "") -> str:
        key = secrets.token_hex(16) + suffix
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage() -> Storage:
    return LocalStorage(current_app.config["FILES_DIR"])
