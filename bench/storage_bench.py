"""Files through an S3-compatible store (issue 26): the attachment download, the approved PDF/A
download and the verify page, served by gunicorn (4 sync workers, production settings,
FILES_BACKEND=s3) with moto's stand-alone server as the store, at 50 connections (wrk).

Run (a database of its own; it is emptied and filled with one verbale):
    createdb -h 127.0.0.1 -U postgres legami_storage_bench
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/legami_storage_bench \\
        .venv/bin/python bench/storage_bench.py          # BENCH_SECONDS=10, BENCH_PORT=8130

Redis must run on 127.0.0.1:6379 (the limits). The attachment is 1 MB; moto serves from memory,
so the figures are the app's cost of a request through boto3 plus moto's own, not a real
store's latency (a LAN object store adds its round trip, ~1-5 ms, to each download)."""

import json
import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.minutes import attachments  # noqa: E402
from app.minutes import services as minutes_services  # noqa: E402
from app.platform.extensions import db  # noqa: E402
from tests.conftest import make_config  # noqa: E402
from tests.s3_support import S3Endpoint  # noqa: E402
from tests.two_servers_support import (  # noqa: E402
    Client,
    production_env,
    stop,
    verbale_in_review,
    wait_until_up,
)  # fmt: skip

DATABASE_URL = os.environ["BENCH_DATABASE_URL"]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PORT = int(os.environ.get("BENCH_PORT", "8130"))
CONNECTIONS = 50
ATTACHMENT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 4096  # 1 MB


def prepare(app) -> dict:
    """One approved verbale with a 1 MB attachment; its files in a fresh bucket."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        r = verbale_in_review("Verbale per la misura")
        attachment = attachments.add(r.minutes, r.secretary, "misura.pdf", ATTACHMENT)
        minutes_services.approve(r.minutes, r.chair, "public", "present")
        db.session.commit()
        version = r.minutes.current_version
        found = {"minutes": r.minutes.id, "attachment": attachment.id, "sha256": version.pdf_sha256,
                 "slug": r.group.slug, "pdf_size": version.pdf_size}  # fmt: skip
        db.engine.dispose()
        return found


def wrk(url: str, cookie: str, script: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s", "--latency",
               "-H", f"Cookie: {cookie}"]  # fmt: skip
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return {"req/s": round(rate, 1), "p50": percentiles.get("50"), "p99": percentiles.get("99"),
            "non-2xx": int(errors.group(1)) if errors else 0, "timeouts": int(timeouts.group(1)) if timeouts else 0}  # fmt: skip


def main() -> None:
    load = os.getloadavg()
    endpoint = S3Endpoint().start()
    bucket = endpoint.new_bucket()
    folder = Path(tempfile.mkdtemp(prefix="storage-bench-"))
    settings = {**endpoint.settings(bucket), "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                "RATELIMIT_KEY_PREFIX": f"storage-bench-{uuid.uuid4().hex[:8]}", "MAIL_SERVER": "127.0.0.1",
                "MAIL_DISPATCH": "none"}  # fmt: skip
    app = create_app(make_config(DATABASE_URL, folder / "setup", **settings))
    ids = prepare(app)
    env = production_env(DATABASE_URL, folder / "instance", **settings)
    log = folder / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{PORT}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        wait_until_up(base, process, log)
        member = Client(base)
        assert member.login("membro@example.org")[0] == 302
        token = member.token("/verbali/verifica")
        cookie = "; ".join(f"{k}={v}" for k, v in member.cookies.items())
        script = folder / "verify.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f'wrk.body = "csrf_token={token}&checksum={ids["sha256"]}"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        )
        minutes = ids["minutes"]
        results = {
            "floor: the verify form (GET, no store, no query)": wrk(f"{base}/verbali/verifica", cookie),
            "attachment download (1 MB, streamed from S3)": wrk(f"{base}/verbali/{minutes}/allegati/{ids['attachment']}", cookie),
            f"approved PDF/A download ({ids['pdf_size'] // 1024} KB, from S3)": wrk(f"{base}/verbali/{minutes}/versioni-approvate/1.pdf", cookie),
            "verify page (POST the checksum)": wrk(f"{base}/verbali/verifica", cookie, str(script)),
        }  # fmt: skip
    finally:
        stop(process)
        endpoint.stop()
    print(json.dumps({"load average before": load, **results}, indent=1))


if __name__ == "__main__":
    main()
