"""A real SAML identity provider in the test process: pysaml2's IdP server with its own key pair,
SPID's attributes and its metadata on disk for the SP to load. It reads the SP's signed
AuthnRequest, builds a Response, lets a test change it before or after signing, and signs the
assertion and the response (with its own key, or another's)."""

import base64
import tempfile
import zlib
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.server import Server
from saml2.sigver import pre_signature_part, read_cert_from_file
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from werkzeug.wrappers import Request, Response

from app.auth.spid import keys

MAPS = str(Path(__file__).resolve().parent / "spid_maps")
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS = {"samlp": SAMLP, "saml": SAML, "ds": "http://www.w3.org/2000/09/xmldsig#"}
ROSSI = {
    "fiscalNumber": "TINIT-RSSMRA80A01D142X", "name": "Maria", "familyName": "Rossi",
    "email": "maria.rossi@example.org", "dateOfBirth": "1980-01-01", "spidCode": "TEST0001",
}  # fmt: skip


def saml_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TestIdP:
    """One identity provider; `base` is where its endpoints answer (the browser test serves them)."""

    __test__ = False

    def __init__(self, folder: Path, entity_id: str, base: str, name: str = "IdP di prova"):
        self.folder, self.entity_id, self.base, self.name = folder, entity_id, base.rstrip("/"), name
        self.key_file, self.cert_file = keys.write_pair(folder, name, entity_id)
        self.server: Server | None = None

    def _config(self, sp_metadata: Path | None) -> IdPConfig:
        conf = IdPConfig()
        conf.load({
            "entityid": self.entity_id,
            "key_file": str(self.key_file), "cert_file": str(self.cert_file),
            "attribute_map_dir": MAPS,
            "metadata": {"local": [str(sp_metadata)]} if sp_metadata else {},
            "organization": {"name": [(self.name, "it")], "display_name": [(self.name, "it")],
                             "url": [(self.base, "it")]},
            "service": {"idp": {
                "endpoints": {
                    "single_sign_on_service": [(f"{self.base}/sso", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(f"{self.base}/slo", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "want_authn_requests_signed": True,
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                                       "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"}},
            }},
        })  # fmt: skip
        return conf

    def write_metadata(self, path: Path) -> Path:
        path.write_text(str(entity_descriptor(self._config(None))))
        return path

    def trust(self, sp_metadata: bytes) -> None:
        """Load the SP's metadata (as served at /spid/metadata)."""
        path = self.folder / "sp-metadata.xml"
        path.write_bytes(sp_metadata)
        self.server = Server(config=self._config(path))

    # -- requests ---------------------------------------------------------------------------------
    def read_request(self, location: str):
        """The AuthnRequest in a redirect URL, its signature checked against the SP's metadata."""
        query = parse_qs(urlsplit(location).query)
        args = {k: v[0] for k, v in query.items()}
        if "Signature" not in args:
            raise AssertionError("the AuthnRequest is not signed")
        parsed = self.server.parse_authn_request(
            args["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=args.get("RelayState"),
            sigalg=args["SigAlg"], signature=args["Signature"],
        )  # fmt: skip
        return parsed.message

    # -- responses --------------------------------------------------------------------------------
    def response_xml(
        self, request, attributes=None, level: int = 2, issuer: str | None = None, **changes
    ) -> str:
        """The unsigned Response to request (pysaml2 builds it), as text."""
        attributes = ROSSI if attributes is None else attributes
        identity = {name: [value] for name, value in attributes.items()}
        response = self.server.create_authn_response(
            identity, request.id, changes.pop("destination", request.assertion_consumer_service_url)
            or self.server.metadata.assertion_consumer_service(request.issuer.text, BINDING_HTTP_POST)[0]["location"],
            request.issuer.text, name_id_policy=request.name_id_policy, userid="maria",
            authn={"class_ref": f"https://www.spid.gov.it/SpidL{level}", "authn_auth": self.entity_id},
            sign_response=False, sign_assertion=False,
        )  # fmt: skip
        return str(response)

    def sign(self, xml: str, key_file: Path | None = None, cert_file: Path | None = None,
             response: bool = True, assertion: bool = True) -> str:  # fmt: skip
        """Sign the (first) assertion, then the response, with this IdP's key or another's."""
        key_file, cert_file = key_file or self.key_file, cert_file or self.cert_file
        cert = read_cert_from_file(str(cert_file))
        sec = self.server.sec
        if assertion:
            tree = etree.fromstring(xml.encode())
            node = tree.find(".//saml:Assertion", NS)
            _insert_template(node, cert)
            xml = etree.tostring(tree).decode()
            xml = sec.sign_statement(xml, f"{SAML}:Assertion", key_file=str(key_file), node_id=node.get("ID"))
        if response:
            tree = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
            _insert_template(tree, cert)
            xml = etree.tostring(tree).decode()
            xml = sec.sign_statement(xml, f"{SAMLP}:Response", key_file=str(key_file), node_id=tree.get("ID"))
        return xml

    def respond(self, request, before=None, after=None, **kwargs) -> str:
        """A Response to request, base64 as the HTTP-POST binding sends it. `before(tree)` changes
        the XML before signing, `after(text)` after."""
        xml = self.response_xml(request, **{k: v for k, v in kwargs.items() if k in {"attributes", "level"}})
        if before is not None:
            tree = etree.fromstring(xml.encode())
            before(tree)
            xml = etree.tostring(tree).decode()
        xml = self.sign(
            xml,
            **{k: v for k, v in kwargs.items() if k in {"key_file", "cert_file", "response", "assertion"}},
        )
        if after is not None:
            xml = after(xml)
        return base64.b64encode(xml.encode()).decode()

    def logout_request(self, name_id, session_index: str, destination: str) -> str:
        """A LogoutRequest to the SP, by HTTP-Redirect (a URL)."""
        _, request = self.server.create_logout_request(
            destination, self.entity_id, name_id=name_id, session_indexes=[session_index], sign=False,
        )  # fmt: skip
        info = self.server.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, sign=True,
                                         sigalg=SIG_RSA_SHA256)  # fmt: skip
        return dict(info["headers"])["Location"]


def _insert_template(node, cert: str) -> None:
    template = etree.fromstring(
        str(
            pre_signature_part(node.get("ID"), cert, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        ).encode()
    )
    issuer = node.find("saml:Issuer", NS)
    node.insert(list(node).index(issuer) + 1 if issuer is not None else 0, template)


def set_times(tree, not_before: datetime | None = None, not_on_or_after: datetime | None = None) -> None:
    for node in tree.iter(f"{{{SAML}}}Conditions", f"{{{SAML}}}SubjectConfirmationData"):
        if not_before is not None and node.tag.endswith("Conditions"):
            node.set("NotBefore", saml_time(not_before))
        if not_on_or_after is not None:
            node.set("NotOnOrAfter", saml_time(not_on_or_after))


def decode_request(location: str) -> str:
    value = parse_qs(urlsplit(location).query)["SAMLRequest"][0]
    return zlib.decompress(base64.b64decode(value), -15).decode()


def in_minutes(minutes: int) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


class Federation:
    """The test federation, made once per process: the SP's key pair, three identity providers in
    the metadata folder (two SPID, one CIE) and a rogue one outside it."""

    def __init__(self, root: Path):
        self.root = root
        self.idp = TestIdP(root / "idp", "https://idp.test/metadata", "https://idp.test", "IdP di prova")
        self.other = TestIdP(
            root / "other", "https://altro-idp.test/metadata", "https://altro-idp.test", "Altro IdP"
        )
        self.cie = TestIdP(root / "cie", "https://cie.test/metadata", "https://cie.test", "CIE ID di prova")
        self.rogue = TestIdP(
            root / "rogue", "https://rogue.test/metadata", "https://rogue.test", "IdP fuori elenco"
        )
        self.metadata = root / "metadata"
        self.metadata.mkdir()
        for name, idp in (("idp", self.idp), ("other", self.other), ("cie", self.cie)):
            idp.write_metadata(self.metadata / f"{name}.xml")
        self.key_file, self.cert_file = keys.write_pair(
            root / "sp", "Legami", "http://legami.test/spid/metadata"
        )
        self.trusted = False

    @property
    def settings(self) -> dict:
        return {
            "SPID_KEY_FILE": str(self.key_file), "SPID_CERT_FILE": str(self.cert_file),
            "SPID_METADATA": str(self.metadata), "SPID_CIE_ENTITY_ID": self.cie.entity_id,
        }  # fmt: skip

    def trust(self, sp_metadata: bytes) -> None:
        """Every identity provider loads the SP's metadata (once: the SP's key never changes)."""
        if not self.trusted:
            for idp in (self.idp, self.other, self.cie, self.rogue):
                idp.trust(sp_metadata)
            self.trusted = True


_federation: Federation | None = None


def federation() -> Federation:
    global _federation
    if _federation is None:
        _federation = Federation(Path(tempfile.mkdtemp(prefix="legami-spid-")))
    return _federation


def ready(browser) -> Federation:
    """The federation, its identity providers trusting this SP's metadata."""
    found = federation()
    response = browser.get("/spid/metadata")
    assert response.status_code == 200, response.status_code
    found.trust(response.data)
    return found


def begin(browser, idp: TestIdP, path: str = "/spid/accedi", **args):
    """Start a login at idp in this browser; the AuthnRequest the provider received."""
    response = browser.get(path, query_string={"idp": idp.entity_id, **args})
    assert response.status_code == 302, response.status_code
    return idp.read_request(response.location)


def answer(browser, value: str):
    """The provider's Response posted back to the ACS (a cross-site POST: no CSRF token)."""
    return browser.post("/spid/acs", {"SAMLResponse": value}, csrf=False)


def login(browser, idp: TestIdP | None = None, **kwargs):
    idp = idp or federation().idp
    return answer(browser, idp.respond(begin(browser, idp), **kwargs))


def idp_wsgi(idp: TestIdP, attributes: dict | None = None):
    """The identity provider's own pages, for the browser test: the login form at /sso (the SP's
    signed request checked first), then a page that posts the signed Response to the SP's ACS."""
    page = """<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"></head>
<body style="font-family: sans-serif; max-width: 30rem; margin: 2rem auto; padding: 0 1rem">
<main><h1>{title}</h1>{body}</main></body></html>"""

    def app(environ, start_response):
        request = Request(environ)
        if request.path == "/sso" and request.method == "GET":
            location = f"{idp.base}/sso?{request.query_string.decode()}"
            idp.read_request(location)  # refuses an unsigned or forged request
            body = f"""<p>Accedi con la tua identità di prova.</p>
<form method="post" action="/sso/login"><input type="hidden" name="request" value="{escape(location)}">
<p><label for="username">Nome utente</label><br><input id="username" name="username" autocomplete="username"></p>
<p><label for="password">Password</label><br><input id="password" name="password" type="password"></p>
<p><button type="submit">Entra</button></p></form>"""
            response = Response(page.format(title=escape(idp.name), body=body), mimetype="text/html")
        elif request.path == "/sso/login" and request.method == "POST":
            if request.form.get("username") != "maria" or request.form.get("password") != "prova":
                response = Response(
                    page.format(title="Credenziali errate", body=""), status=401, mimetype="text/html"
                )
            else:
                authn = idp.read_request(request.form["request"])
                value = idp.respond(authn, attributes=attributes)
                acs = idp.server.metadata.assertion_consumer_service(authn.issuer.text)[0]["location"]
                body = f"""<form method="post" action="{escape(acs)}" id="back">
<input type="hidden" name="SAMLResponse" value="{value}"><p>Ritorno al servizio…</p>
<button type="submit">Continua</button></form><script>document.getElementById("back").submit()</script>"""
                response = Response(page.format(title="Ritorno al servizio", body=body), mimetype="text/html")
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    return app
