"""A Response from an identity provider, validated in full before anything is believed.

Before pysaml2 reads it: base64, no DOCTYPE or entity (billion laughs, XXE), a samlp:Response with
exactly one plain Assertion and at most its two signatures, each over its own parent (no signature
wrapping), the Destination our ACS. pysaml2 then checks both signatures against the identity
provider's certificate in the metadata, InResponseTo against the request in this session, the
Audience and the times. We check again what SPID makes explicit (Issuer, SubjectConfirmation,
times with our skew, the level) and take the attributes; last, the ids are consumed (replay.py)."""

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from lxml import etree
from saml2 import BINDING_HTTP_POST
from saml2.response import StatusError
from saml2.sigver import SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from app.accounts.identity import normalise_fiscal_number
from app.auth.spid import login, replay, settings

log = logging.getLogger(__name__)
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
MAX_BYTES = 200_000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

REASONS = {
    "malformed": _l("La risposta del gestore dell'identità non è leggibile."),
    "signature": _l("La firma della risposta non è valida: non possiamo fidarci di chi l'ha mandata."),
    "issuer": _l("La risposta non viene dal gestore dell'identità che hai scelto."),
    "destination": _l("La risposta era destinata a un altro servizio."),
    "session": _l(
        "La risposta non corrisponde a un accesso iniziato da questo browser. Riprova da «Accedi»."
    ),
    "time": _l("La risposta è scaduta o non ancora valida. Riprova da «Accedi»."),
    "level": _l("Il livello di sicurezza dell'accesso è più basso di quello richiesto."),
    "fiscal_number": _l("Il gestore dell'identità non ci ha dato un codice fiscale valido."),
    "replay": _l("Questa risposta è già stata usata: per entrare serve un nuovo accesso."),
    "status": _l("L'accesso non è andato a buon fine o è stato annullato presso il gestore dell'identità."),
}


class Refused(Exception):
    """A Response not believed; `reason` is a key of REASONS."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason

    @property
    def message(self) -> str:
        return str(REASONS[self.reason])


@dataclass(frozen=True)
class Proved:
    """What a validated assertion says of the person."""

    fiscal_number: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    email: str
    provider: str
    method: str
    level: int
    name_id: dict
    session_index: str


def _decode(value: str) -> bytes:
    if not value or len(value) > MAX_BYTES:
        raise Refused("malformed", "empty or too large")
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError) as error:
        raise Refused("malformed", str(error)) from error


def _precheck(xml: bytes) -> etree._Element:
    """The shape of the document, before any SAML library reads it."""
    lowered = xml.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise Refused("malformed", "DOCTYPE or ENTITY")
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as error:
        raise Refused("malformed", str(error)) from error
    if root.tag != f"{{{SAMLP}}}Response":
        raise Refused("malformed", f"root {root.tag}")
    assertions = root.findall(f".//{{{SAML}}}Assertion")
    if (
        len(assertions) != 1
        or root.findall(f".//{{{SAML}}}EncryptedAssertion")
        or assertions[0].getparent() is not root
    ):
        raise Refused("malformed", f"{len(assertions)} assertions")
    signatures = root.findall(f".//{{{DS}}}Signature")
    signed = {sig.getparent() for sig in signatures}
    if len(signatures) != 2 or signed != {root, assertions[0]}:
        raise Refused("signature", "the response and its assertion must each carry one signature")
    for sig in signatures:
        references = sig.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
        parent_id = sig.getparent().get("ID") or ""
        if len(references) != 1 or not parent_id or references[0].get("URI") != f"#{parent_id}":
            raise Refused("signature", "a signature over another element")
    if not root.get("ID") or root.get("ID") == assertions[0].get("ID"):
        raise Refused("malformed", "ids")
    if root.get("Destination") != settings.acs_url():
        raise Refused("destination", str(root.get("Destination")))
    return root


def _parse(value: str, request: dict):
    sp = login.client()
    try:
        response = sp.parse_authn_request_response(value, BINDING_HTTP_POST, outstanding={request["id"]: "/"})
    except (ToEarly, ResponseLifetimeExceed) as error:
        raise Refused("time", repr(error)) from error
    except StatusError as error:
        raise Refused("status", repr(error)) from error
    except SignatureError as error:
        raise Refused("signature", repr(error)) from error
    except Exception as error:  # pysaml2 raises many kinds; any of them means "not believed"
        text = repr(error)
        raise Refused(_reason_of(text), text) from error
    if response is None or response.assertion is None:
        raise Refused("malformed", "no assertion")
    return response


def _reason_of(text: str) -> str:
    """The reason of one of pysaml2's plain exceptions, read from its message; by default the
    signature (what pysaml2 checks first)."""
    for words, reason in (("udience", "destination"), ("estination", "destination"), ("InResponseTo", "session"),
                          ("nsolicited", "session"), ("ssuer", "issuer")):  # fmt: skip
        if words in text:
            return reason
    return "signature"


def _instant(value: str | None) -> datetime:
    if not value:
        raise Refused("time", "missing instant")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError as error:
        raise Refused("time", value) from error


def _check(response, request: dict) -> tuple[int, datetime]:
    """SPID's explicit checks; returns the level given and when the assertion stops being valid."""
    now, skew = datetime.now(UTC), timedelta(seconds=settings.clock_skew())
    outer, assertion = response.response, response.assertion
    for issuer in (outer.issuer, assertion.issuer):
        if issuer is None or (issuer.text or "").strip() != request["idp"]:
            raise Refused("issuer", str(issuer))
    if outer.in_response_to != request["id"]:
        raise Refused("session", "InResponseTo")
    conditions = assertion.conditions
    if conditions is None:
        raise Refused("time", "no conditions")
    if not (_instant(conditions.not_before) - skew <= now < _instant(conditions.not_on_or_after) + skew):
        raise Refused("time", "conditions")
    audiences = {a.text for r in conditions.audience_restriction for a in r.audience}
    if audiences != {settings.entity_id()}:
        raise Refused("destination", f"audience {audiences}")
    confirmations = [c for c in assertion.subject.subject_confirmation if c.method == BEARER]
    if len(confirmations) != 1 or confirmations[0].subject_confirmation_data is None:
        raise Refused("session", "subject confirmation")
    data = confirmations[0].subject_confirmation_data
    if data.recipient != settings.acs_url():
        raise Refused("destination", f"recipient {data.recipient}")
    if data.in_response_to != request["id"]:
        raise Refused("session", "subject InResponseTo")
    until = _instant(data.not_on_or_after)
    if now >= until + skew:
        raise Refused("time", "subject confirmation expired")
    statements = assertion.authn_statement
    if len(statements) != 1:
        raise Refused("level", "authn statements")
    ref = statements[0].authn_context.authn_context_class_ref
    given = {v: k for k, v in settings.LEVELS.items()}.get(
        (ref.text or "").strip() if ref is not None else ""
    )
    if given is None or given < request["level"]:
        raise Refused("level", str(ref))
    return given, max(until, _instant(conditions.not_on_or_after)) + skew


def _attributes(assertion) -> dict[str, str]:
    found = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            values = [(v.text or "").strip() for v in attribute.attribute_value]
            if values:
                found[attribute.name] = values[0]
    return found


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def validate(value: str, request: dict | None) -> Proved:
    """The person a base64 Response proves, or Refused. `request` is this session's pending one."""
    root = _precheck(_decode(value))
    if request is None:
        raise Refused("session", "no request pending in this session")
    response = _parse(value, request)
    level, until = _check(response, request)
    attributes = _attributes(response.assertion)
    fiscal_number = normalise_fiscal_number(attributes.get("fiscalNumber"))
    if not fiscal_number:
        raise Refused("fiscal_number", str(attributes.get("fiscalNumber")))
    if not replay.consume([root.get("ID"), response.assertion.id], until):
        raise Refused("replay", root.get("ID"))
    name_id = response.assertion.subject.name_id
    statement = response.assertion.authn_statement[0]
    return Proved(
        fiscal_number=fiscal_number,
        given_name=attributes.get("name", "")[:120], family_name=attributes.get("familyName", "")[:120],
        date_of_birth=_date(attributes.get("dateOfBirth", "")), email=attributes.get("email", "")[:254],
        provider=request["idp"], method="cie" if request["idp"] == settings.cie_entity_id() else "spid",
        level=level,
        name_id={"text": name_id.text, "format": name_id.format, "name_qualifier": name_id.name_qualifier,
                 "sp_name_qualifier": name_id.sp_name_qualifier} if name_id is not None else {},
        session_index=statement.session_index or "",
    )  # fmt: skip
