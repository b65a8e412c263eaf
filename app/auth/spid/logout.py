"""Single Logout. Our logout sends the browser to the identity provider with a signed
LogoutRequest (HTTP-Redirect); the provider's LogoutResponse comes back to /spid/slo. A
LogoutRequest started at the provider ends this browser's session and is answered there."""

import logging

from flask import session
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import NameID
from saml2.sigver import verify_redirect_signature
from saml2.xmldsig import SIG_RSA_SHA256

from app.auth.spid import login

log = logging.getLogger(__name__)
SESSION_KEY = "spid_session"


def remember(provider: str, name_id: dict, session_index: str) -> None:
    session[SESSION_KEY] = {"idp": provider, "name_id": name_id, "session_index": session_index}


def current() -> dict | None:
    found = session.get(SESSION_KEY)
    return found if isinstance(found, dict) and found.get("idp") else None


def request_url() -> str | None:
    """The provider's URL with our signed LogoutRequest for this session's login, or None."""
    found = current()
    session.pop(SESSION_KEY, None)
    if found is None or not found.get("name_id"):
        return None
    sp = login.client()
    services = sp.metadata.single_logout_service(found["idp"], BINDING_HTTP_REDIRECT, "idpsso")
    if not services:
        return None
    destination = services[0]["location"]
    name_id = NameID(**{k: v for k, v in found["name_id"].items() if v})
    _, request = sp.create_logout_request(destination, found["idp"], name_id=name_id,
                                          session_indexes=[found["session_index"]], sign=False)  # fmt: skip
    info = sp.apply_binding(
        BINDING_HTTP_REDIRECT, str(request), destination, sign=True, sigalg=SIG_RSA_SHA256
    )
    return dict(info["headers"])["Location"]


def binding_of(method: str) -> str:
    return BINDING_HTTP_POST if method == "POST" else BINDING_HTTP_REDIRECT


def read_response(value: str, method: str) -> bool:
    """True when value is a provider's valid, successful LogoutResponse."""
    try:
        response = login.client().parse_logout_request_response(value, binding_of(method))
    except Exception:  # any parse or signature error: not believed
        log.warning("SPID LogoutResponse refused", exc_info=True)
        return False
    return response is not None and response.status_ok()


def answer_request(value: str, method: str, query: dict) -> str | None:
    """A provider's LogoutRequest (signature checked): the URL taking our LogoutResponse back, or
    None when it is not believed."""
    sp = login.client()
    try:
        if method != "POST" and not _redirect_signed(sp, query):
            return None
        request = sp.parse_logout_request(value, binding_of(method))
    except Exception:  # any parse or signature error: not believed
        log.warning("SPID LogoutRequest refused", exc_info=True)
        return None
    if request is None or request.message is None:
        return None
    issuer = request.message.issuer.text
    destination = sp.metadata.single_logout_service(issuer, BINDING_HTTP_REDIRECT, "idpsso")[0]["location"]
    response = sp.create_logout_response(request.message, [BINDING_HTTP_REDIRECT], sign=False)
    info = sp.apply_binding(BINDING_HTTP_REDIRECT, str(response), destination, response=True, sign=True,
                            sigalg=SIG_RSA_SHA256)  # fmt: skip
    return dict(info["headers"])["Location"]


def _redirect_signed(sp, query: dict) -> bool:
    """A LogoutRequest by HTTP-Redirect carries its signature in the query: checked against the
    certificates of the provider that the request names."""
    from_query = {k: query[k] for k in ("SAMLRequest", "RelayState", "SigAlg", "Signature") if k in query}
    if "Signature" not in from_query or "SigAlg" not in from_query:
        return False
    issuer = sp.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT).message.issuer.text
    for _, cert in sp.metadata.certs(issuer, "idpsso", "signing"):
        if verify_redirect_signature(from_query, sp.sec.sec_backend, cert=cert):
            return True
    return False


def forget() -> None:
    session.pop(SESSION_KEY, None)
