"""Working groups, their members, meetings, attendance and action items."""

import enum
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, String, Text, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow
from app.towns.models import Town


class GroupRole(enum.StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return str(GROUP_ROLE_LABELS[self])


GROUP_ROLE_LABELS = {
    GroupRole.CHAIR: _l("Presidente"),
    GroupRole.SECRETARY: _l("Segretario/a"),
    GroupRole.MEMBER: _l("Membro"),
}


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Presente"),
    AttendanceStatus.ABSENT: _l("Assente"),
    AttendanceStatus.EXCUSED: _l("Assenza giustificata"),
}


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: _l("Aperta"),
    ActionStatus.IN_PROGRESS: _l("In corso"),
    ActionStatus.DONE: _l("Fatta"),
    ActionStatus.DROPPED: _l("Abbandonata"),
}
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)


class WorkingGroup(db.Model):
    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id", ondelete="SET NULL"), index=True)
    district: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    town: Mapped[Town | None] = relationship()
    memberships: Mapped[list["GroupMembership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<WorkingGroup {self.slug}>"

    def role_of(self, user) -> GroupRole | None:
        """The user's role in this group, or None (memberships must be loaded)."""
        uid = getattr(user, "id", None)
        for link in self.memberships:
            if link.user_id == uid:
                return GroupRole(link.role)
        return None


class GroupMembership(db.Model):
    __tablename__ = "group_memberships"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_group_memberships_group_id_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=GroupRole.MEMBER)
    group: Mapped[WorkingGroup] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(lazy="joined")

    @property
    def role_label(self) -> str:
        return GroupRole(self.role).label


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    venue: Mapped[str] = mapped_column(String(200), default="")
    # The agenda (ordine del giorno): one item per line, in order.
    agenda: Mapped[str] = mapped_column(Text, default="")
    is_cancelled: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    group: Mapped[WorkingGroup] = relationship()
    attendances: Mapped[list["Attendance"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attendance.id"
    )

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]

    def attendees(self, status: AttendanceStatus) -> list["Attendance"]:
        return [a for a in self.attendances if a.status == status]


class Attendance(db.Model):
    """One person at one meeting: a member (user) or a named guest."""

    __tablename__ = "meeting_attendances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_meeting_attendances_meeting_id_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    guest_name: Mapped[str] = mapped_column(String(120), default="")
    guest_organisation: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default=AttendanceStatus.PRESENT)
    arrived_at: Mapped[time | None] = mapped_column(Time)
    left_at: Mapped[time | None] = mapped_column(Time)
    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return self.user.full_name if self.user else self.guest_name

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def status_label(self) -> str:
        return str(ATTENDANCE_LABELS[AttendanceStatus(self.status)])


class ActionItem(db.Model):
    """A pista di lavoro: stays on the group's list until done or dropped."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    opened_meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    closed_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    owner_guest_name: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    group: Mapped[WorkingGroup] = relationship()
    opened_meeting: Mapped[Meeting] = relationship(foreign_keys=[opened_meeting_id])
    closed_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[closed_meeting_id])
    owner: Mapped[User | None] = relationship(lazy="joined")

    @property
    def owner_name(self) -> str:
        return self.owner.full_name if self.owner else self.owner_guest_name

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def status_label(self) -> str:
        return str(ACTION_STATUS_LABELS[ActionStatus(self.status)])
