"""Two servers, one truth: two gunicorn servers with their own instance folders, on one
PostgreSQL database, one Redis and one S3 endpoint (moto's stand-alone server), with a job
consumer beside the second. Whatever is done on A is what B serves (issue 26).

PostgreSQL only: two machines cannot share a SQLite file (its lock is one machine's)."""

import io
import os
import time
import uuid

import pikepdf
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app import create_app
from app.messages.models import Message
from app.minutes.models import ApprovedVersion, Attachment
from app.platform.extensions import db
from tests.conftest import make_config
from tests.mail_support import Recorder
from tests.s3_support import free_port, s3_endpoint_fixture  # noqa: F401
from tests.test_production import redis_available
from tests.two_servers_support import (
    Client,
    Database,
    production_env,
    sha256,
    start_consumer,
    start_gunicorn,
    stop,
    verbale_in_review,
    wait_until_up,
    words,
)  # fmt: skip

SUITE_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not SUITE_URL.startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL): two machines cannot share one SQLite file",
)
TITLE = "Verbale della riunione sul ponte con il mondo profit"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 600


@pytest.fixture(scope="module")
def servers(s3_endpoint, tmp_path_factory):
    """A and B (gunicorn, 2 workers each), a consumer beside B, an SMTP sink; the data made once."""
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable at 127.0.0.1:6379")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    database = Database(SUITE_URL)
    url = database.create()
    folder = tmp_path_factory.mktemp("two-servers")
    smtp = Recorder()
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    controller.start()
    run = uuid.uuid4().hex[:10]
    shared = {
        **s3_endpoint.settings(s3_endpoint.new_bucket()),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": f"legami-two-{run}",
        "QUEUE_URL": "redis://127.0.0.1:6379/0", "QUEUE_NAME": f"legami-two-{run}",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port),
    }  # fmt: skip
    processes = []
    try:
        app = create_app(make_config(url, folder / "setup"))
        with app.app_context():
            db.create_all()
            data = verbale_in_review(TITLE)
            ids = {"minutes": data.minutes.id, "slug": data.group.slug}
            db.engine.dispose()
        bases = {}
        for name in ("a", "b"):
            port, log = free_port(), folder / f"{name}.log"
            env = production_env(url, folder / f"instance-{name}", **shared)
            processes.append((start_gunicorn(env, port, log), log))
            bases[name] = f"http://127.0.0.1:{port}"
        consumer_log = folder / "consumer.log"
        processes.append((start_consumer(production_env(url, folder / "instance-b", **shared), consumer_log),
                          consumer_log))  # fmt: skip
        for (process, log), base in zip(processes, bases.values(), strict=False):
            wait_until_up(base, process, log)
        yield {"a": bases["a"], "b": bases["b"], "app": app, "smtp": smtp, **ids}
    finally:
        for process, _log in processes[:2]:
            stop(process, quick=True)  # the gunicorn servers
        for process, _log in processes[2:]:
            stop(process)
        controller.stop()
        database.drop()


def test_what_is_done_on_a_is_what_b_serves(servers):
    a, b, app = servers["a"], servers["b"], servers["app"]
    minutes_id, slug = servers["minutes"], servers["slug"]
    page = f"/gruppi/{slug}/verbali/{minutes_id}"

    # A session cookie made by A works on B.
    chair_a = Client(a)
    assert chair_a.login("presidente@example.org")[0] == 302
    chair_b = Client(b, chair_a.cookies)
    assert "Angela Beretta" in words(chair_b.get("/profilo/password")[2])

    # An attachment uploaded on A downloads on B, byte for byte (it lives in the bucket).
    assert chair_a.upload(f"/verbali/{minutes_id}/allegati", "Programma.pdf", PDF, token_from=page)[0] == 302
    with app.app_context():
        attachment = db.session.scalar(select(Attachment).where(Attachment.minutes_id == minutes_id))
        attachment_id = attachment.id
    status, headers, body = chair_b.get(f"/verbali/{minutes_id}/allegati/{attachment_id}")
    assert (
        status == 200
        and body == PDF
        and headers["Content-Disposition"] == 'attachment; filename="programma.pdf"'
    )

    # B keeps the group's public page; a verbale approved (public) on A shows there within a second.
    visitor_b = Client(b)
    assert "Nessun verbale pubblicato" in words(visitor_b.get(f"/gruppi/{slug}")[2])
    approved = chair_a.post(
        f"/verbali/{minutes_id}/approva", {"method": "present", "visibility": "public"}, page
    )
    assert approved[0] == 302
    started = time.monotonic()
    while TITLE not in words(visitor_b.get(f"/gruppi/{slug}")[2]):
        assert time.monotonic() - started < 1.5, "B still serves the page kept before the approval"
        time.sleep(0.05)

    # The PDF/A approved on A is served by B, and verifies on B.
    with app.app_context():
        version = db.session.scalar(select(ApprovedVersion).where(ApprovedVersion.minutes_id == minutes_id))
        checksum = version.pdf_sha256
    status, headers, pdf = chair_b.get(f"/verbali/{minutes_id}/versioni-approvate/1.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf" and sha256(pdf) == checksum
    assert pikepdf.open(io.BytesIO(pdf)).open_metadata().get("pdfaid:part") == "3"  # PDF/A-3u
    verified = words(visitor_b.post("/verbali/verifica", {"checksum": checksum}, "/verbali/verifica")[2])
    assert "L'impronta corrisponde al verbale n. 1/2014 del gruppo «Welfare di Comunità»" in verified


def test_login_failures_counted_on_a_lock_on_b(servers):
    on_a, on_b = Client(servers["a"]), Client(servers["b"])
    wrong = {"email": "membro@example.org", "password": "sbagliata-123"}
    statuses = [on_a.post("/accedi", wrong, "/accedi")[0] for _ in range(3)]
    statuses += [on_b.post("/accedi", wrong, "/accedi")[0] for _ in range(3)]
    assert statuses == [200] * 5 + [429]


def test_a_message_queued_on_a_is_delivered_once_by_the_worker_beside_b(servers):
    smtp, app = servers["smtp"], servers["app"]

    def resets():
        return [m for m in smtp.received if m["Subject"] == "Legami: scegli una nuova password"]

    visitor = Client(servers["a"])
    form = "/password-dimenticata"
    assert visitor.post(form, {"email": "segretario@example.org"}, form)[0] == 302
    deadline = time.monotonic() + 20
    while not resets() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # time for a second delivery, were there one
    assert ["segretario@example.org" in str(m["To"]) for m in resets()] == [True]  # once, to them
    with app.app_context():
        query = select(Message.state).where(Message.kind == "password_reset")
        assert list(db.session.scalars(query)) == ["sent"]
