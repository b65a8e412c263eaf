"""Where uploaded attachments and approved PDFs live: one small interface, two backends.

The app only ever calls `put`, `get`, `stream` and `delete` with opaque random keys:
`LocalStorage` keeps them under FILES_DIR (one machine, or a shared volume), `S3Storage`
(app/platform/object_store.py) in a private bucket of any S3-compatible store, chosen by
FILES_BACKEND. Files never sit under static/: they are served by views that check the
verbale's access rules first.

Rules every caller keeps (docs/DEPLOY.md, "Files"):
- write the object first, then the row in the transaction: a failed write changes no row, and
  a failed commit leaves only an object no row names, which `flask files cleanup` removes after
  a grace period;
- never delete an object when its row goes: the cleanup does, later, so that a backup taken
  from an earlier snapshot of the database still finds every file it names;
- a store that does not answer raises StorageUnavailable: the visitor gets a 503 page
  (app/platform/errors.py) and the transaction is rolled back."""

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from flask import current_app

from app.platform.file_keys import StorageUnavailable, check_key, chunks, new_key
from app.platform.object_store import S3Storage

__all__ = ["LocalStorage", "S3Storage", "Storage", "StorageUnavailable", "storage"]


class Storage(Protocol):
    def put(self, data: bytes, suffix: str = "") -> str: ...
    def write(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def stream(self, key: str) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...
    def listing(self) -> Iterator[tuple[str, datetime]]: ...


class LocalStorage:
    """Files under a directory, two-level fan-out, written atomically (temp file + rename)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def put(self, data: bytes, suffix: str = "") -> str:
        key = new_key(suffix)
        self.write(key, data)
        return key

    def write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError as error:
            raise StorageUnavailable(str(error)) from error

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def stream(self, key: str) -> Iterator[bytes]:
        return chunks(self._path(key).open("rb"))  # opened now: a missing file fails before the answer

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def listing(self) -> Iterator[tuple[str, datetime]]:
        for path in sorted(self.root.glob("??/*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)


def storage() -> Storage:
    """The configured store (FILES_BACKEND): local files, or an S3-compatible bucket."""
    if current_app.config.get("FILES_BACKEND") == "s3":
        return S3Storage.from_config(current_app.config)
    return LocalStorage(current_app.config["FILES_DIR"])
