"""Towns (Comuni) and their zones (quartieri); every lab and center sits in one."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.platform.extensions import db
from app.platform.versioning import Versioned


class Town(Versioned, db.Model):
    __tablename__ = "towns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    province: Mapped[str] = mapped_column(String(2), default="CR", server_default="CR")
    # The social-services district (ambito distrettuale), e.g. "Crema".
    district: Mapped[str] = mapped_column(String(80), default="", server_default="")
    zones: Mapped[list["Zone"]] = relationship(
        back_populates="town",
        cascade="all, delete-orphan",
        order_by="Zone.name",
    )

    def __repr__(self) -> str:
        return f"<Town {self.slug}>"


class Zone(Versioned, db.Model):
    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("town_id", "slug", name="uq_zones_town_id_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80))
    town: Mapped[Town] = relationship(back_populates="zones")

    def __repr__(self) -> str:
        return f"<Zone {self.town_id}/{self.slug}>"
