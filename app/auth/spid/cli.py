"""`flask spid dev-keys` (a development or test key pair) and `flask spid refresh-metadata FILE`
(the identity providers' metadata, checked and put in place of SPID_METADATA's)."""

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from lxml import etree

from app.auth.spid import keys, settings

spid_cli = AppGroup("spid", help="SPID and CIE: the SP's keys and the identity providers' metadata.")
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@spid_cli.command("dev-keys")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def dev_keys(folder: Path):
    """Write a self-signed key pair (sp.key, sp.crt) into FOLDER, for development and AgID's test
    environment only."""
    key, cert = keys.write_pair(folder, current_app.config.get("SPID_ORGANIZATION_NAME") or "Legami",
                                settings_entity_id())  # fmt: skip
    click.echo(f"Wrote {key} and {cert}: set SPID_KEY_FILE and SPID_CERT_FILE to them.")


def settings_entity_id() -> str:
    with current_app.test_request_context():
        return settings.entity_id()


def check_metadata(path: Path) -> int:
    """The number of identity providers in a metadata file; ClickException when it is unusable."""
    text = path.read_bytes()
    if b"<!doctype" in text.lower() or b"<!entity" in text.lower():
        raise click.ClickException(f"{path}: a DOCTYPE or entity; refused.")
    try:
        root = etree.fromstring(text, _PARSER)
    except etree.XMLSyntaxError as error:
        raise click.ClickException(f"{path}: not XML ({error}).") from error
    valid_until = root.get("validUntil")
    if valid_until and datetime.fromisoformat(valid_until.replace("Z", "+00:00")) < datetime.now(UTC):
        raise click.ClickException(f"{path}: expired on {valid_until}.")
    found = 0
    for entity in root.iter(f"{{{MD}}}EntityDescriptor"):
        idp = entity.find(f"{{{MD}}}IDPSSODescriptor")
        if idp is None:
            continue
        if idp.find(f"{{{MD}}}SingleSignOnService") is None or idp.find(f"{{{MD}}}KeyDescriptor") is None:
            raise click.ClickException(f"{path}: {entity.get('entityID')} has no SingleSignOnService or key.")
        found += 1
    if not found:
        raise click.ClickException(f"{path}: no identity provider in it.")
    return found


@spid_cli.command("refresh-metadata")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def refresh_metadata(source: Path):
    """Check SOURCE (the federation's metadata, downloaded beforehand) and put it in place: as
    SPID_METADATA if that is a file, or into that folder under SOURCE's name. Running workers read
    it on their next request."""
    configured = current_app.config.get("SPID_METADATA")
    if not configured:
        raise click.ClickException("SPID_METADATA is not set.")
    count = check_metadata(source)
    target = Path(configured)
    if target.is_dir():
        target = target / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)  # atomic: a worker reads the old file or the new one
    click.echo(f"{count} identity providers in {target}.")
