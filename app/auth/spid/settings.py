"""SPID's settings and pysaml2's configuration built from them.

The identity providers come from `SPID_METADATA`, a metadata file or a folder of them (the SPID
federation's and CIE ID's), read from disk only: the first use in a process loads them, and a
file changed by `flask spid refresh-metadata` is read again on the next request."""

import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

LEVELS = {
    1: "https://www.spid.gov.it/SpidL1",
    2: "https://www.spid.gov.it/SpidL2",
    3: "https://www.spid.gov.it/SpidL3",
}
# The attributes asked of every identity provider (the AttributeConsumingService, index 0).
ATTRIBUTES = ("fiscalNumber", "name", "familyName", "email", "dateOfBirth")
CIE_ENTITY_ID = "https://idserver.servizicie.interno.gov.it/idp/profile/SAML2/POST/SSO"

_lock = threading.Lock()
_cache: dict[tuple, SPConfig] = {}


def is_configured() -> bool:
    config = current_app.config
    return bool(config.get("SPID_KEY_FILE") and config.get("SPID_CERT_FILE") and config.get("SPID_METADATA"))


def level() -> int:
    value = int(current_app.config.get("SPID_LEVEL") or 2)
    return value if value in LEVELS else 2


def clock_skew() -> int:
    return int(current_app.config.get("SPID_CLOCK_SKEW_SECONDS") or 60)


def entity_id() -> str:
    return current_app.config.get("SPID_ENTITY_ID") or public_url("auth.spid_metadata")


def cie_entity_id() -> str:
    return current_app.config.get("SPID_CIE_ENTITY_ID") or CIE_ENTITY_ID


def public_url(endpoint: str) -> str:
    """An endpoint's absolute URL on PUBLIC_URL (what the metadata registered with AgID says)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, _external=False)


def acs_url() -> str:
    return public_url("auth.spid_acs")


def slo_url() -> str:
    return public_url("auth.spid_slo")


def required_roles() -> set[str]:
    return {
        name.strip()
        for name in str(current_app.config.get("SPID_REQUIRED_ROLES") or "").split(",")
        if name.strip()
    }


def metadata_files() -> list[Path]:
    """The identity providers' metadata files: SPID_METADATA itself, or the .xml files of its folder."""
    path = Path(current_app.config["SPID_METADATA"])
    if path.is_dir():
        return sorted(p for p in path.glob("*.xml") if p.is_file())
    return [path] if path.is_file() else []


def xmlsec_binary() -> str:
    return current_app.config.get("SPID_XMLSEC_BINARY") or shutil.which("xmlsec1") or "/usr/bin/xmlsec1"


def _fingerprint() -> tuple:
    config = current_app.config
    files = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in metadata_files())
    names = ("SPID_KEY_FILE", "SPID_CERT_FILE", "SPID_LEVEL", "SPID_CLOCK_SKEW_SECONDS", "PUBLIC_URL")
    return (entity_id(), files, *(config.get(name) for name in names))


def sp_config() -> SPConfig:
    """pysaml2's SP configuration, kept per process until a setting or a metadata file changes."""
    key = _fingerprint()
    with _lock:
        found = _cache.get(key)
        if found is None:
            _cache.clear()
            found = _cache[key] = _build(key)
        return found


@dataclass(frozen=True)
class Provider:
    entity_id: str
    name: str
    is_cie: bool


def providers() -> list[Provider]:
    """The identity providers in the metadata, by name; CIE ID marked."""
    metadata = sp_config().metadata
    found = []
    for entity in metadata.identity_providers():
        name = metadata.name(entity, langpref="it") or entity
        found.append(Provider(entity, str(name), entity == cie_entity_id()))
    return sorted(found, key=lambda p: p.name.lower())


def _build(key) -> SPConfig:
    config = current_app.config
    conf = SPConfig()
    conf.load({
        "entityid": key[0],
        "xmlsec_binary": xmlsec_binary(),
        "key_file": config["SPID_KEY_FILE"],
        "cert_file": config["SPID_CERT_FILE"],
        "metadata": {"local": [str(p) for p in metadata_files()]},
        "accepted_time_diff": clock_skew(),
        "allow_unknown_attributes": True,
        "delete_tmpfiles": True,
        "service": {
            "sp": {
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)],
                    "single_logout_service": [(slo_url(), BINDING_HTTP_REDIRECT), (slo_url(), BINDING_HTTP_POST)],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "logout_responses_signed": True,
                "want_response_signed": True,
                "want_assertions_signed": True,
                "allow_unsolicited": False,
                "only_use_keys_in_metadata": True,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "name_id_policy_format": NAMEID_FORMAT_TRANSIENT,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            }
        },
    })  # fmt: skip
    return conf


def offered() -> list[Provider]:
    """The providers the login page offers: none when SPID is not set up or its metadata unreadable."""
    if not is_configured():
        return []
    try:
        return providers()
    except Exception:  # a broken metadata file must not take the password login down with it
        current_app.logger.exception("SPID metadata could not be read")
        return []
