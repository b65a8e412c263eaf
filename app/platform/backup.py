"""A consistent backup: the database and the files it names, as of one moment.

On PostgreSQL one REPEATABLE READ transaction exports its snapshot; `pg_dump --snapshot` dumps
exactly that snapshot, and the list of files is read in the same transaction, so the files
copied are the ones the dump names (objects are never changed, only added, and removed by the
cleanup after a grace period longer than a backup takes). On SQLite the online backup API
copies the database and the list is read from the copy.

    backup/
      database.dump  (or database.sqlite3)
      files/ab/ab12....pdf       (LocalStorage's layout)
      manifest.json              {"files": {key: sha256}, "database": ..., "taken_at": ...}

Restoring: `pg_restore` into an empty database, `flask files restore DIR` into the store
(docs/DEPLOY.md gives the order)."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

from app.platform.storage import LocalStorage, Storage

DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """The backup could not be made or checked; the message says which file or step."""


# (connection) -> {key: sha256} of every file the database names.
NamedKeys = Callable[[Connection], dict[str, str]]


def libpq(engine: Engine) -> tuple[str, dict]:
    """The database's address for pg_dump/pg_restore, the password in the environment (not argv)."""
    url = engine.url.set(drivername="postgresql")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    return url.set(password=None).render_as_string(hide_password=False), env


def take(engine: Engine, store: Storage, named_keys: NamedKeys, target: Path) -> dict:
    """Write a backup into target (a new or empty folder); return its manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty.")
    if engine.dialect.name == "postgresql":
        keys = _dump_postgresql(engine, named_keys, target / DUMP)
        database = DUMP
    else:
        keys = _copy_sqlite(engine, named_keys, target / SQLITE_COPY)
        database = SQLITE_COPY
    copy = LocalStorage(target / "files")
    for key, sha256 in sorted(keys.items()):
        data = store.get(key)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BackupError(f"{key}: the stored file does not match its SHA-256 in the database.")
        copy.write(key, data)
    manifest = {"taken_at": datetime.now(UTC).isoformat(), "database": database, "files": keys}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _dump_postgresql(engine: Engine, named_keys: NamedKeys, path: Path) -> dict[str, str]:
    address, env = libpq(engine)
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client-15).")
    connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with connection, connection.begin():
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        done = subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={path}", f"--dbname={address}"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return named_keys(connection)


def _copy_sqlite(engine: Engine, named_keys: NamedKeys, path: Path) -> dict[str, str]:
    source = sqlite3.connect(engine.url.database)
    try:
        with sqlite3.connect(path) as copy:
            source.backup(copy)
    finally:
        source.close()
    copied = create_engine(f"sqlite:///{path}")
    try:
        with copied.connect() as connection:
            return named_keys(connection)
    finally:
        copied.dispose()


def restore_files(source: Path, store: Storage) -> int:
    """Put a backup's files into the store, each checked against the manifest; how many."""
    manifest = json.loads((source / MANIFEST).read_text())
    copy = LocalStorage(source / "files")
    for key, sha256 in sorted(manifest["files"].items()):
        data = copy.get(key)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BackupError(f"{key}: the backup's copy does not match its SHA-256.")
        store.write(key, data)
    return len(manifest["files"])
