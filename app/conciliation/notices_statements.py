"""The statements' e-mail (ready, approved: to the provider's orders address) and the clock's job
that makes the statements of the month just ended (hourly, idempotent: app/messages/scheduled.py)."""

from flask_babel import gettext as _

from app.common.timeutil import ROME
from app.conciliation import statements
from app.conciliation.statement_models import Statement
from app.messages import scheduled
from app.messages.kinds import Gone, Kind, register
from app.messages.services import enqueue
from app.platform.extensions import db


def _statement(data: dict) -> dict:
    statement = db.session.get(Statement, data["statement_id"])
    if statement is None:
        raise Gone(_("Il rendiconto non esiste più."))
    return {"statement": statement, "provider": statement.provider}


def _reason(ctx: dict) -> str:
    return _("Ricevi questo messaggio perché è l'indirizzo degli ordini di %(p)s su Per il tuo tempo.",
             p=ctx["provider"].name)  # fmt: skip


def _month(ctx: dict) -> str:
    return ctx["statement"].month.strftime("%m/%Y")


register(Kind("conc_statement_ready", lambda ctx: _("Rendiconto dei voucher pronto: %(m)s", m=_month(ctx)),
              _reason, load=_statement, essential=True))  # fmt: skip
register(Kind("conc_statement_approved", lambda ctx: _("Rendiconto approvato: %(m)s", m=_month(ctx)),
              _reason, load=_statement, essential=True))  # fmt: skip


def statement_step(kind: str, statement: Statement) -> None:
    provider = statement.provider
    enqueue(kind, provider.email, {"statement_id": statement.id}, key=f"conc:statement:{statement.id}:{kind}",
            name=provider.name)  # fmt: skip


@scheduled.job
def make_statements(now) -> int:
    """The statements of the month just ended; each new one is announced to its provider."""
    made = statements.make_month(statements.month_before(now.astimezone(ROME).date()))
    for statement in made:
        statement_step("conc_statement_ready", statement)
    return len(made)
