"""The SP's metadata as AgID asks it: entityID, the signing certificate, the
AssertionConsumerService, Single Logout, the AttributeConsumingService naming the attributes asked,
the Organization and the ContactPerson with SPID's extensions; signed with the SP's key."""

from pathlib import Path

from flask import current_app
from lxml import etree
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.s_utils import sid
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.sigver import pre_signature_part, read_cert_from_file, security_context
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from app.auth.spid import settings

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
SPID = "https://spid.gov.it/saml-extensions"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"


def _el(parent, tag: str, text: str | None = None, ns: str = MD, **attrs) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        node.text = text
    return node


def _localised(parent, tag: str, text: str) -> None:
    _el(parent, tag, text).set(XML_LANG, "it")


def build_unsigned(ident: str) -> etree._Element:
    config = current_app.config
    root = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={"md": MD, "ds": DS, "spid": SPID})
    root.set("entityID", settings.entity_id())
    root.set("ID", ident)
    sp = _el(root, "SPSSODescriptor", protocolSupportEnumeration=PROTOCOL, AuthnRequestsSigned="true",
             WantAssertionsSigned="true")  # fmt: skip
    key = _el(sp, "KeyDescriptor", use="signing")
    x509 = _el(_el(_el(key, "KeyInfo", ns=DS), "X509Data", ns=DS), "X509Certificate", ns=DS)
    x509.text = read_cert_from_file(config["SPID_CERT_FILE"])
    for binding in (BINDING_HTTP_POST, BINDING_HTTP_REDIRECT):
        _el(sp, "SingleLogoutService", Binding=binding, Location=settings.slo_url())
    _el(sp, "NameIDFormat", NAMEID_FORMAT_TRANSIENT)
    _el(sp, "AssertionConsumerService", index="0", isDefault="true", Binding=BINDING_HTTP_POST,
        Location=settings.acs_url())  # fmt: skip
    service = _el(sp, "AttributeConsumingService", index="0")
    _localised(service, "ServiceName", config.get("SPID_SERVICE_NAME") or "Legami")
    for name in settings.ATTRIBUTES:
        _el(service, "RequestedAttribute", Name=name, NameFormat=BASIC, isRequired="true")
    organisation = _el(root, "Organization")
    name = config.get("SPID_ORGANIZATION_NAME") or "Legami"
    _localised(organisation, "OrganizationName", name)
    _localised(organisation, "OrganizationDisplayName", config.get("SPID_ORGANIZATION_DISPLAY_NAME") or name)
    _localised(organisation, "OrganizationURL", config.get("SPID_ORGANIZATION_URL") or config["PUBLIC_URL"])
    contact = _el(root, "ContactPerson", contactType="other")
    extensions = _el(contact, "Extensions")
    if config.get("SPID_IPA_CODE"):
        _el(extensions, "IPACode", config["SPID_IPA_CODE"], ns=SPID)
        _el(extensions, "Public", ns=SPID)
    else:
        _el(extensions, "VATNumber", config.get("SPID_VAT_NUMBER") or "", ns=SPID)
        _el(extensions, "Private", ns=SPID)
    _el(contact, "EmailAddress", config.get("SPID_CONTACT_EMAIL") or config["MAIL_FROM"])
    if config.get("SPID_CONTACT_PHONE"):
        _el(contact, "TelephoneNumber", config["SPID_CONTACT_PHONE"])
    return root


_signed: dict[tuple, bytes] = {}
_ORGANISATION = ("SPID_SERVICE_NAME", "SPID_ORGANIZATION_NAME", "SPID_ORGANIZATION_DISPLAY_NAME",
                 "SPID_ORGANIZATION_URL", "SPID_IPA_CODE", "SPID_VAT_NUMBER", "SPID_CONTACT_EMAIL",
                 "SPID_CONTACT_PHONE", "MAIL_FROM", "SPID_CERT_FILE", "SPID_KEY_FILE", "PUBLIC_URL")  # fmt: skip


def signed_metadata() -> bytes:
    """The signed metadata, made once per process and settings (a public URL: no xmlsec1 run per hit)."""
    config = current_app.config
    cert_changed = Path(config["SPID_CERT_FILE"]).stat().st_mtime_ns
    key = (settings.entity_id(), cert_changed, *(config.get(name) for name in _ORGANISATION))
    found = _signed.get(key)
    if found is None:
        _signed.clear()
        found = _signed[key] = _sign()
    return found


def _sign() -> bytes:
    """The EntityDescriptor signed (RSA-SHA256, enveloped, the Signature first as the schema wants)."""
    ident = sid()
    root = build_unsigned(ident)
    cert = read_cert_from_file(current_app.config["SPID_CERT_FILE"])
    template = etree.fromstring(str(pre_signature_part(ident, cert, sign_alg=SIG_RSA_SHA256,
                                                        digest_alg=DIGEST_SHA256)).encode())  # fmt: skip
    root.insert(0, template)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
    signed = security_context(settings.sp_config()).sign_statement(
        xml, f"{MD}:EntityDescriptor", node_id=ident
    )
    return signed.encode() if isinstance(signed, str) else signed
