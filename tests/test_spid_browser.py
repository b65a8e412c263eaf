"""In a real browser (tests/browser/spid_login.mjs): «Entra con SPID» on the login page, the test
identity provider's login form (a pysaml2 IdP served by the test process), the signed Response
posted back, signed in; at 390 and 1280 px, checked with axe-core. (In CI a skip is a failure.)"""

import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.accounts.identity import VerifiedIdentity
from app.auth.spid import keys
from app.platform.extensions import db
from tests.browser_support import empty_app, require_browser, run_script, served
from tests.spid_support import TestIdP, idp_wsgi

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("spid-login")
    server = make_server("127.0.0.1", 0, None, threaded=True)  # the IdP's address, known before its metadata
    idp = TestIdP(workdir / "idp", f"http://127.0.0.1:{server.server_port}/metadata",
                  f"http://127.0.0.1:{server.server_port}", "IdP di prova")  # fmt: skip
    (workdir / "metadata").mkdir()
    idp.write_metadata(workdir / "metadata" / "idp.xml")
    sp_keys = workdir / "sp"
    key_file, cert_file = keys.write_pair(sp_keys, "Legami", "http://127.0.0.1/spid/metadata")
    app = empty_app(workdir, "spid", SPID_KEY_FILE=str(key_file), SPID_CERT_FILE=str(cert_file),
                    SPID_METADATA=str(workdir / "metadata"))  # fmt: skip
    with served(app) as base:
        app.config["PUBLIC_URL"] = base
        with app.test_request_context():
            metadata = app.test_client().get("/spid/metadata").data
        idp.trust(metadata)
        server.app = idp_wsgi(idp)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            found = run_script("browser/spid_login.mjs", {"base": base, "idp_name": idp.name}, workdir)
        finally:
            server.shutdown()
    with app.app_context():
        rows = db.session.execute(select(VerifiedIdentity.fiscal_number, VerifiedIdentity.method)).all()
        db.engine.dispose()
    return found, rows


def test_the_login_goes_through_the_identity_provider_and_back(results):
    found, rows = results
    assert rows == [("RSSMRA80A01D142X", "spid")]
    steps = found["steps"]
    assert "Entra con SPID" in steps["login_phone"] and "Con e-mail e password" in steps["login_phone"]
    assert steps["idp_form_phone"].startswith("IdP di prova")
    assert "Ti diamo il benvenuto in Legami, Maria Rossi" in steps["signed_in_phone"]
    assert "Ti diamo il bentornato, Maria Rossi" in steps["signed_in_desktop"]  # the same account, again
    assert "RSSMRA80A01D142X" in steps["profile_desktop"]


def test_no_serious_accessibility_violations_or_console_errors(results):
    found, _ = results
    assert found["axe"] and all(v == [] for v in found["axe"].values()), found["axe"]
    assert found["console"] == []
