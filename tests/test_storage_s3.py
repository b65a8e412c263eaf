"""Files in an S3-compatible store (moto's stand-alone server, a real HTTP endpoint): the
interface, attachments and approved PDFs through it, a store that is down, the cleanup of
objects no row names, the copy from local files with each SHA-256 checked, backup's files."""

import hashlib
import io

import pytest
from sqlalchemy import func, select

from app import create_app
from app.minutes import services
from app.minutes.models import ApprovedVersion, Attachment, Minutes
from app.platform.config import ConfigError
from app.platform.extensions import db
from app.platform.storage import LocalStorage, S3Storage, storage
from tests.conftest import make_config, text
from tests.s3_support import free_port, s3_endpoint_fixture  # noqa: F401
from tests.verbale_2014 import approve, record_attendance, review_fixture, round2014_fixture  # noqa: F401

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" * 200_000  # several pieces when streamed
DOWN = "In questo momento l'archivio dei file (allegati e verbali approvati) non risponde"


@pytest.fixture
def bucket(app, s3_endpoint):
    name = s3_endpoint.new_bucket()
    app.config.update(s3_endpoint.settings(name))
    return name


def upload(browser, m, name, data):
    return browser.post(f"/verbali/{m.id}/allegati", {"file": (io.BytesIO(data), name)},
                        content_type="multipart/form-data", token_from=f"/gruppi/{m.group.slug}/verbali/{m.id}")  # fmt: skip


def attachments():
    return db.session.scalars(select(Attachment).order_by(Attachment.id)).all()


def test_the_interface_on_a_private_bucket_under_a_prefix(app, bucket, s3_endpoint):
    store = storage()
    assert isinstance(store, S3Storage)
    key = store.put(PDF, ".pdf")
    assert len(key) == 36 and key.endswith(".pdf")
    assert s3_endpoint.objects(bucket) == {key: PDF}  # under the prefix, nothing else
    pieces = list(store.stream(key))
    assert len(pieces) > 1 and b"".join(pieces) == PDF and store.get(key) == PDF
    acl = s3_endpoint.client().get_object_acl(Bucket=bucket, Key="legami/" + key)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # the owner only
    assert [k for k, _modified in store.listing()] == [key]
    with pytest.raises(KeyError):
        store.get("../secret")
    store.delete(key)
    with pytest.raises(FileNotFoundError):
        store.get(key)
    assert s3_endpoint.objects(bucket) == {}


@pytest.fixture
def draft(round2014):
    record_attendance(round2014)
    round2014.minutes = services.create_minutes(round2014.meeting, round2014.secretary, "Verbale", "Testo.")
    db.session.commit()
    return round2014


def test_an_attachment_goes_to_the_bucket_and_comes_back_streamed(browser, draft, bucket, s3_endpoint):
    m = draft.minutes
    browser.login(draft.member)
    upload(browser, m, "Ordine del giorno.pdf", PDF)
    (found,) = attachments()
    assert s3_endpoint.objects(bucket) == {found.storage_key: PDF}
    assert found.sha256 == hashlib.sha256(PDF).hexdigest()
    response = browser.get(f"/verbali/{m.id}/allegati/{found.id}")
    assert response.is_streamed and response.headers["Content-Length"] == str(len(PDF))
    assert response.data == PDF
    assert response.headers["Content-Disposition"] == 'attachment; filename="ordine-del-giorno.pdf"'
    # Removing it removes the row; the object waits for the cleanup (a backup may still name it).
    key, page = found.storage_key, f"/gruppi/{m.group.slug}/verbali/{m.id}"
    browser.post(f"/verbali/{m.id}/allegati/{found.id}/elimina", token_from=page)
    assert attachments() == [] and list(s3_endpoint.objects(bucket)) == [key]


def test_an_approved_pdf_is_kept_in_the_bucket(browser, review, bucket, s3_endpoint):
    m = approve(review)
    version = db.session.scalar(select(ApprovedVersion))
    stored = s3_endpoint.objects(bucket)[version.pdf_key]
    assert hashlib.sha256(stored).hexdigest() == version.pdf_sha256
    browser.login(review.member)
    response = browser.get(f"/verbali/{m.id}/versioni-approvate/1.pdf")
    assert response.data == stored and response.mimetype == "application/pdf"


def test_a_store_that_is_down_gives_a_503_page_and_writes_nothing(browser, draft, bucket, app):
    m = draft.minutes
    browser.login(draft.member)
    upload(browser, m, "nota.pdf", PDF)
    (kept,) = attachments()
    app.config["S3_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    response = upload(browser, m, "altra.pdf", PDF)
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert DOWN in text(response) and "Nessun dato è stato modificato" in text(response)
    assert [a.id for a in attachments()] == [kept.id]
    response = browser.get(f"/verbali/{m.id}/allegati/{kept.id}")
    assert response.status_code == 503 and DOWN in text(response)


def test_approving_while_the_store_is_down_issues_nothing(browser, review, bucket, app):
    """Approval makes the PDF/A: with the store down the verbale stays in review, with no version."""
    r = review.minutes
    services.add_comment(r, review.member, "", approval=True)
    db.session.commit()
    app.config["S3_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"
    browser.login(review.chair)
    response = browser.post(f"/verbali/{r.id}/approva", {"method": "present", "visibility": "public"},
                            token_from=f"/gruppi/{r.group.slug}/verbali/{r.id}")  # fmt: skip
    assert response.status_code == 503 and DOWN in text(response)
    db.session.expire_all()
    assert db.session.get(Minutes, r.id).status != "approved"
    assert db.session.scalar(select(func.count(ApprovedVersion.id))) == 0


def test_cleanup_removes_only_objects_no_row_names_after_the_grace_period(
    browser, draft, bucket, s3_endpoint, app
):
    m = draft.minutes
    browser.login(draft.member)
    upload(browser, m, "nota.pdf", PDF)
    named = attachments()[0].storage_key
    orphan = storage().put(b"a failed commit's file", ".pdf")
    db.session.commit()  # the test's own transaction ends (on SQLite it holds the write lock)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["files", "cleanup"])
    assert result.exit_code == 0 and "0 file(s)" in result.output  # younger than 48 hours
    assert runner.invoke(args=["files", "cleanup", "--grace-hours", "0", "--dry-run"]).output.startswith(
        f"1 file(s) no row names would be removed: {orphan}"
    )
    assert set(s3_endpoint.objects(bucket)) == {named, orphan}
    result = runner.invoke(args=["files", "cleanup", "--grace-hours", "0"])
    assert result.exit_code == 0 and orphan in result.output
    assert set(s3_endpoint.objects(bucket)) == {named}


def test_migrate_to_s3_copies_every_file_checking_its_sha256(
    browser, draft, bucket, s3_endpoint, app, tmp_path
):
    app.config.update(FILES_BACKEND="local", FILES_DIR=str(tmp_path / "files"))
    m = draft.minutes
    browser.login(draft.member)
    upload(browser, m, "nota.pdf", PDF)
    upload(browser, m, "foto.png", PNG)
    first, second = (a.storage_key for a in attachments())
    second_id = attachments()[1].id
    db.session.commit()  # the test's own transaction ends (on SQLite it holds the write lock)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["files", "migrate", "--to", "s3"])
    assert result.exit_code == 0 and "2 of 2 file(s) copied to s3" in result.output
    assert s3_endpoint.objects(bucket) == {first: PDF, second: PNG}
    app.config["FILES_BACKEND"] = "s3"
    assert browser.get(f"/verbali/{m.id}/allegati/{second_id}").data == PNG  # served from the bucket now
    # A local file that no longer matches its checksum is named, and not copied.
    LocalStorage(tmp_path / "files").write(first, b"%PDF changed on disk")
    s3_endpoint.client().delete_object(Bucket=bucket, Key="legami/" + first)
    result = runner.invoke(args=["files", "migrate", "--to", "s3"])
    assert result.exit_code == 1 and first in result.output and "1 of 2" in result.output
    assert set(s3_endpoint.objects(bucket)) == {second}


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"FILES_BACKEND": "ftp"}, "FILES_BACKEND must be local or s3"),
        ({"FILES_BACKEND": "s3"}, "FILES_BACKEND=s3 needs S3_BUCKET"),
        ({"FILES_BACKEND": "s3", "S3_BUCKET": "b", "S3_PREFIX": "legami"}, "S3_PREFIX must end with a slash"),
    ],
)
def test_file_settings_are_checked_at_start(db_url, settings, message):
    with pytest.raises(ConfigError, match=message):
        create_app(make_config(db_url, None, **settings))
