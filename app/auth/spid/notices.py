"""SPID's e-mail: the link that creates or joins the account at an address, for an identity
proved with SPID or CIE (the address's owner confirms it is theirs, in the browser that entered
with SPID). The message names no one: the address may have been typed by mistake."""

import hashlib
from contextlib import suppress

from flask_babel import gettext as _

from app.auth.spid import linking
from app.messages.kinds import Kind, register
from app.messages.services import BadAddress, enqueue


def _load(data: dict) -> dict:
    return {"token": data["token"], "address": data["address"]}


register(
    Kind(
        "spid_link",
        subject=lambda ctx: _("Legami: collega la tua identità digitale"),
        reason=lambda ctx: _(
            "Ricevi questo messaggio perché qualcuno, entrato con SPID o CIE, ha indicato questo indirizzo per il suo account."
        ),
        load=_load,
        essential=True,
        limited=True,
    )
)


def send_link(address: str, data: dict) -> None:
    """Queue the link for whatever address was typed: the same reply whether it has an account."""
    address = address.strip().lower()
    key = hashlib.sha256(f"{address}|{data['fiscal_number']}|{data['verified_at']}".encode()).hexdigest()[:32]
    with suppress(BadAddress):
        enqueue("spid_link", address, {"token": linking.token(address, data), "address": address},
                key=f"spid-link:{key}")  # fmt: skip
