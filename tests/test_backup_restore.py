"""`flask backup` then a restore into a new database and a new folder: every verbale's PDF
matches its checksum, every attachment its own, and the outbox is the same (issue 26).

On PostgreSQL (TEST_DATABASE_URL) the dump is pg_dump's and the restore pg_restore's, into a
database of its own; on SQLite, the online backup's copy. The files come from a bucket (moto's
server) and go back into a local folder: the two stores meet in one test."""

import json
import shutil
import subprocess

import pytest
from sqlalchemy import select

from app import create_app
from app.messages.models import Message
from app.minutes.models import ApprovedVersion, Attachment
from app.platform.backup import libpq
from app.platform.extensions import db
from app.platform.storage import LocalStorage, storage
from tests.conftest import make_config
from tests.s3_support import s3_endpoint_fixture  # noqa: F401
from tests.two_servers_support import Database, sha256
from tests.verbale_2014 import approve, review_fixture, round2014_fixture  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 40


def snapshot() -> dict:
    """What a restore must bring back: versions, attachments, the outbox."""
    versions = db.session.execute(select(ApprovedVersion.pdf_key, ApprovedVersion.pdf_sha256)).all()
    files = db.session.execute(select(Attachment.storage_key, Attachment.sha256, Attachment.filename)).all()
    outbox = db.session.execute(
        select(Message.key, Message.to_email, Message.state).order_by(Message.key)
    ).all()
    return {"versions": sorted(versions), "attachments": sorted(files), "outbox": outbox}


@pytest.fixture
def restored_database(db_url, tmp_path):
    """A new, empty place for the database: its own PostgreSQL database, or a new SQLite file."""
    if not db_url.startswith("postgresql"):
        yield None
        return
    database = Database(db_url)
    url = database.create()
    yield url
    database.drop()


def test_a_backup_restores_into_a_new_database_and_folder(
    app, review, s3_endpoint, tmp_path, restored_database
):
    app.config.update(s3_endpoint.settings(s3_endpoint.new_bucket()))
    m = approve(review, "public")
    assert m.versions and len(snapshot()["outbox"]) > 0  # the approval's notices wait in the outbox
    kept_key = storage().put(PDF, ".pdf")  # an attachment (written as attachments.add does: object first)
    db.session.add(Attachment(meeting_id=m.meeting_id, minutes_id=m.id, filename="programma.pdf",
                              content_type="application/pdf", size=len(PDF), sha256=sha256(PDF),
                              storage_key=kept_key))  # fmt: skip
    db.session.commit()
    before = snapshot()
    db.session.commit()

    target = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((target / "manifest.json").read_text())
    expected = {key: digest for key, digest, *_ in before["versions"] + before["attachments"]}
    assert manifest["files"] == expected

    # After the backup the attachment is removed and its object cleaned up: the backup still has it.
    db.session.delete(db.session.scalar(select(Attachment)))
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["files", "cleanup", "--grace-hours", "0"]).exit_code == 0
    with pytest.raises(FileNotFoundError):
        storage().get(kept_key)

    # Restore: the database first, then the files, into places that never saw them.
    if restored_database:
        _address, env = libpq(db.engine)  # the suite's password, if any, for the same server
        address = restored_database.replace("postgresql+psycopg", "postgresql")
        done = subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={address}", str(target / "database.dump")],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        new_url = restored_database
    else:
        shutil.copy(target / "database.sqlite3", tmp_path / "restored.sqlite3")
        new_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    folder = tmp_path / "restored-files"
    restored = create_app(make_config(new_url, tmp_path / "instance", FILES_DIR=str(folder)))
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["files", "restore", str(target)])
        assert result.exit_code == 0 and f"{len(expected)} file(s) restored" in result.output
        assert snapshot() == before
        files = LocalStorage(folder)
        for key, digest in before["versions"]:
            assert sha256(files.get(key)) == digest  # every verbale's PDF/A, as approved
        for key, digest, _name in before["attachments"]:
            assert sha256(files.get(key)) == digest
        db.session.remove()
        db.engine.dispose()


def test_a_restore_refuses_a_file_that_does_not_match(app, tmp_path):
    target = tmp_path / "backup"
    key = "ab" + "0" * 30 + ".pdf"
    LocalStorage(target / "files").write(key, b"changed")
    (target / "manifest.json").write_text(json.dumps({"files": {key: sha256(b"original")}}))
    app.config["FILES_DIR"] = str(tmp_path / "files")
    result = app.test_cli_runner().invoke(args=["files", "restore", str(target)])
    assert result.exit_code == 1 and f"{key}: the backup's copy does not match its SHA-256" in result.output
    assert not (tmp_path / "files").exists()


def test_a_backup_goes_only_into_an_empty_folder(app, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path)])
    assert result.exit_code == 1 and "is not empty" in result.output
