"""The audit log: who did what, and when, to personal data and accounts."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.timeutil import utcnow
from app.platform.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200), default="")
    row_count: Mapped[int | None]
    actor: Mapped[User | None] = relationship()

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


ACTION_LABELS = {
    "user.create": _l("Account creato"),
    "message.resend": _l("Messaggio inviato di nuovo"),
    "user.update": _l("Account modificato"),
    "user.reset_link": _l("Link per la password generato"),
    "user.deactivate": _l("Account disattivato"),
    "user.reactivate": _l("Account riattivato"),
    "town.create": _l("Comune aggiunto"),
    "town.update": _l("Comune modificato"),
    "town.delete": _l("Comune eliminato"),
    "zone.create": _l("Quartiere aggiunto"),
    "zone.update": _l("Quartiere modificato"),
    "zone.delete": _l("Quartiere eliminato"),
    "groups.attendance_export": _l("Presenze dei gruppi di lavoro esportate"),
    "export.xlsx": _l("Esportazione XLSX"),
    "export.csv": _l("Esportazione CSV"),
    # Patti Gener-Attivi: the subject is the pact number, never a name.
    "pact.create": _l("Patto creato"),
    "pact.update": _l("Patto modificato"),
    "pact.commitment": _l("Impegni di un patto modificati"),
    "pact.review": _l("Verifica di un patto"),
    "pact.links": _l("Collegamenti di un patto modificati"),
    "pact.attiva": _l("Patto attivato"),
    "pact.verifica": _l("Patto in verifica"),
    "pact.riprendi": _l("Patto ripreso"),
    "pact.concludi": _l("Patto concluso"),
    "pact.interrompi": _l("Patto interrotto"),
    "pacts.area": _l("Aree di vulnerabilità modificate"),
    "pacts.operator_towns": _l("Comuni di un operatore modificati"),
    "pacts.export.xlsx": _l("Patti esportati (XLSX, pseudonimizzati)"),
    "pacts.export.csv": _l("Patti esportati (CSV, pseudonimizzati)"),
    "pacts.export_named": _l("Patti esportati con i nomi"),
    "pacts.anonymise": _l("Patti resi anonimi (conservazione)"),
}
