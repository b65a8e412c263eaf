"""One use only: the ids of consumed Responses and Assertions, kept until they could no longer be
valid, shared by every worker through the database. A second use of either id is a replay."""

from datetime import datetime

from sqlalchemy import DateTime, String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.common.timeutil import utcnow
from app.platform.extensions import db


class ConsumedSamlId(db.Model):
    __tablename__ = "spid_consumed_ids"

    saml_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def consume(ids: list[str], until: datetime) -> bool:
    """Record ids as used until `until`; False if any was used before (nothing recorded then)."""
    db.session.execute(delete(ConsumedSamlId).where(ConsumedSamlId.expires_at < utcnow()))
    try:
        with db.session.begin_nested():
            db.session.add_all([ConsumedSamlId(saml_id=value[:200], expires_at=until) for value in ids])
            db.session.flush()
    except IntegrityError:
        return False
    return True
