"""The status machine: bozza → attivo ⇄ in verifica → concluso (with esito) or interrotto (with reason)."""

from datetime import date

from flask_babel import gettext as _

from app.pacts.models import Outcome, Pact, PactStatus, Party
from app.pacts.services import PactError

S = PactStatus
TRANSITIONS = {
    "attiva": ({S.DRAFT}, S.ACTIVE),
    "verifica": ({S.ACTIVE}, S.REVIEW),
    "riprendi": ({S.REVIEW}, S.ACTIVE),
    "concludi": ({S.ACTIVE, S.REVIEW}, S.CONCLUDED),
    "interrompi": ({S.DRAFT, S.ACTIVE, S.REVIEW}, S.INTERRUPTED),
}


def allowed(pact: Pact) -> list[str]:
    """The transitions open to a pact now, by name."""
    return [name for name, (sources, _target) in TRANSITIONS.items() if pact.status in sources]


def _check(pact: Pact, name: str) -> None:
    if pact.status not in TRANSITIONS[name][0]:
        raise PactError(
            _("Il patto è «%(status)s»: questo passaggio non è possibile.", status=pact.status_label)
        )


def _check_closing_date(pact: Pact, closed_on: date | None) -> None:
    if closed_on is None:
        raise PactError(_("Indica la data."), "closed_on")
    if closed_on < pact.start_on:
        raise PactError(
            _(
                "La data non può essere prima dell'avvio del patto (%(date)s).",
                date=pact.start_on.strftime("%d/%m/%Y"),
            ),
            "closed_on",
        )


def activate(pact: Pact, consent_on: date | None, consent_version: str, today: date) -> None:
    """Both sides have committed and the beneficiary has consented: the pact starts."""
    _check(pact, "attiva")
    parties = {c.party for c in pact.commitments}
    if Party.SERVICE not in parties or Party.PERSON not in parties:
        raise PactError(
            _(
                "Un patto impegna entrambe le parti: aggiungi almeno un impegno del servizio e uno della persona."
            )
        )
    if consent_on is None:
        raise PactError(_("Indica la data del consenso."), "consent_on")
    if consent_on > today:
        raise PactError(_("La data del consenso non può essere nel futuro."), "consent_on")
    pact.consent_on, pact.consent_version = consent_on, consent_version
    pact.status = S.ACTIVE


def start_review(pact: Pact) -> None:
    _check(pact, "verifica")
    pact.status = S.REVIEW


def resume(pact: Pact) -> None:
    _check(pact, "riprendi")
    pact.status = S.ACTIVE


def conclude(pact: Pact, outcome: str | None, closed_on: date | None) -> None:
    _check(pact, "concludi")
    if not outcome or outcome not in {o.value for o in Outcome}:
        raise PactError(
            _("Un patto concluso deve avere un esito: scegli se gli obiettivi sono stati raggiunti."),
            "outcome",
        )
    _check_closing_date(pact, closed_on)
    pact.outcome, pact.closed_on, pact.status = outcome, closed_on, S.CONCLUDED


def interrupt(pact: Pact, reason: str, closed_on: date | None) -> None:
    _check(pact, "interrompi")
    if not (reason or "").strip():
        raise PactError(_("Scrivi il motivo dell'interruzione."), "reason")
    _check_closing_date(pact, closed_on)
    pact.interruption_reason, pact.closed_on, pact.status = reason.strip(), closed_on, S.INTERRUPTED
