"""Sign-up limits that a parish's shared Wi-Fi never hits.

Every try counts, failed ones included, in two buckets kept in the limiter's
storage (Redis in production, shared by every worker): one per lab and
contact (the same e-mail or phone trying again and again), and one per client
address, set far above what a full room on one network sends. A refusal keeps
what was typed: the view shows the form again with the message.
"""

from flask import current_app, request
from flask_babel import gettext as _
from limits import parse

from app.labs.models import Lab
from app.labs.registrations import contact_key
from app.platform.extensions import limiter


def _hit(setting: str, *identifiers: str) -> bool:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return limiter.limiter.hit(parse(current_app.config[setting]), prefix, "signup", *identifiers)


def refusal(lab: Lab) -> str | None:
    """Count this try; the Italian message when a limit is exceeded, else None."""
    email, phone = request.form.get("email", ""), request.form.get("phone", "")
    contact = contact_key(email, phone) if (email.strip() or phone.strip()) else "anon:" + limiter_address()
    if not _hit("SIGNUP_LIMIT_PER_CONTACT", "lab", str(lab.id), contact):
        return _(
            "Troppi tentativi di iscrizione con questo contatto a questo laboratorio: riprova fra un'ora. "
            "Quello che hai scritto è ancora qui sotto."
        )
    if not _hit("SIGNUP_LIMIT_PER_IP", "address", limiter_address()):
        return _(
            "Troppe iscrizioni da questa rete in poco tempo: riprova fra qualche minuto. "
            "Quello che hai scritto è ancora qui sotto."
        )
    return None


def limiter_address() -> str:
    # The client address as ProxyFix left it: set TRUSTED_PROXIES behind a proxy,
    # or every family shares the proxy's address.
    return request.remote_addr or "unknown"
