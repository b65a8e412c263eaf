"""The signed AuthnRequest (HTTP-Redirect: the signature in the query, as SAML's binding says) and
the request remembered in the session, so that only its answer is taken back (InResponseTo)."""

import time

from flask import session
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.saml import NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT, AuthnContextClassRef, Issuer
from saml2.samlp import NameIDPolicy, RequestedAuthnContext
from saml2.xmldsig import SIG_RSA_SHA256

from app.auth.spid import settings

SESSION_KEY = "spid_request"
# An answer later than this is refused (the person took too long at the identity provider).
REQUEST_MAX_AGE_SECONDS = 15 * 60


class UnknownProvider(ValueError):
    pass


def client() -> Saml2Client:
    """A fresh client on the process's configuration (pysaml2 keeps per-client state in memory)."""
    return Saml2Client(config=settings.sp_config())


def start(idp: str, next_url: str | None) -> str:
    """The URL that takes the browser to the identity provider with a signed request; the request's
    id, provider and level are kept in the session."""
    sp = client()
    if idp not in sp.metadata.identity_providers():
        raise UnknownProvider(idp)
    destination = sp.metadata.single_sign_on_service(idp, BINDING_HTTP_REDIRECT)[0]["location"]
    level = settings.level()
    request_id, request = sp.create_authn_request(
        destination,
        binding=BINDING_HTTP_POST,
        sign=False,
        issuer=Issuer(
            text=settings.entity_id(), format=NAMEID_FORMAT_ENTITY, name_qualifier=settings.entity_id()
        ),
        name_id_policy=NameIDPolicy(format=NAMEID_FORMAT_TRANSIENT),
        requested_authn_context=RequestedAuthnContext(
            authn_context_class_ref=[AuthnContextClassRef(text=settings.LEVELS[level])], comparison="minimum"
        ),
        force_authn="true" if level > 1 else None,
        attribute_consuming_service_index="0",
        assertion_consumer_service_index="0",
    )
    # SPID wants the index alone, not the URL and binding beside it.
    request.assertion_consumer_service_url = None
    request.protocol_binding = None
    info = sp.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, relay_state="", sign=True,
                            sigalg=SIG_RSA_SHA256)  # fmt: skip
    session[SESSION_KEY] = {
        "id": request_id,
        "idp": idp,
        "level": level,
        "at": int(time.time()),
        "next": next_url or "",
    }
    return dict(info["headers"])["Location"]


def pending() -> dict | None:
    """The request this session is waiting an answer to, if still fresh."""
    found = session.get(SESSION_KEY)
    if not isinstance(found, dict) or time.time() - found.get("at", 0) > REQUEST_MAX_AGE_SECONDS:
        return None
    return found


def session_drop() -> None:
    """The request is answered (or refused): its answer cannot be taken again in this session."""
    session.pop(SESSION_KEY, None)
