"""Working groups, their members, meetings, attendance and action items."""

import enum
from datetime import date, datetime, time

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.timeutil import today_in_rome, utcnow
from app.platform.extensions import db
from app.platform.versioning import Versioned
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
    UNRECORDED = "unrecorded"
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


ATTENDANCE_LABELS = {
    AttendanceStatus.UNRECORDED: _l("Non registrato"),
    AttendanceStatus.PRESENT: _l("Presente"),
    AttendanceStatus.ABSENT: _l("Assente"),
    AttendanceStatus.EXCUSED: _l("Assenza giustificata"),
}


class RsvpAnswer(enum.StrEnum):
    """A member's answer to a convocazione: will they come?"""

    YES = "yes"
    NO = "no"
    MAYBE = "maybe"

    @property
    def label(self) -> str:
        return str(RSVP_LABELS[self])


RSVP_LABELS = {
    RsvpAnswer.YES: _l("sì"),
    RsvpAnswer.NO: _l("no"),
    RsvpAnswer.MAYBE: _l("forse"),
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


class DecisionKind(enum.StrEnum):
    NONE = "none"
    RESOLUTION = "resolution"  # deliberazione
    RECOMMENDATION = "recommendation"  # raccomandazione


DECISION_LABELS = {
    DecisionKind.NONE: _l("Nessuna decisione"),
    DecisionKind.RESOLUTION: _l("Deliberazione"),
    DecisionKind.RECOMMENDATION: _l("Raccomandazione"),
}

# An ordine del giorno holds at most this many points, each planned for at most MAX_POINT_MINUTES.
MAX_POINTS = 40
MAX_POINT_MINUTES = 240


class QuorumRule(enum.StrEnum):
    MAJORITY = "majority"
    FIXED = "fixed"


QUORUM_LABELS = {
    QuorumRule.MAJORITY: _l("La maggioranza dei membri"),
    QuorumRule.FIXED: _l("Un numero fisso di membri"),
}


class WorkingGroup(Versioned, db.Model):
    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id", ondelete="SET NULL"), index=True)
    district: Mapped[str] = mapped_column(String(80), default="")
    # Numero legale: a majority of the roster, or a fixed number of members present.
    quorum_rule: Mapped[str] = mapped_column(
        String(16), default=QuorumRule.MAJORITY, server_default="majority"
    )
    quorum_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    town: Mapped[Town | None] = relationship()
    memberships: Mapped[list["GroupMembership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<WorkingGroup {self.slug}>"

    def role_of(self, user, on: date | None = None) -> GroupRole | None:
        """The user's role in this group today (or on a day), or None (memberships must be loaded)."""
        uid = getattr(user, "id", None)
        if uid is None:
            return None
        on = on or today_in_rome()
        for link in self.memberships:
            if link.user_id == uid and link.active_on(on):
                return GroupRole(link.role)
        return None

    def roster(self, on: date) -> list["GroupMembership"]:
        """Who belonged to the group on a day, by name: the expected list of a meeting."""
        return sorted((m for m in self.memberships if m.active_on(on)), key=lambda m: m.display_name.lower())

    def quorum_needed(self, roster_size: int) -> int:
        if self.quorum_rule == QuorumRule.FIXED and self.quorum_number:
            return self.quorum_number
        return roster_size // 2 + 1


class GroupMembership(db.Model):
    """A person in a group from start_on (None: from the start) to end_on (None: still in).

    The person has an account (user) or only a name, recorded by the secretary."""

    __tablename__ = "group_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    role: Mapped[str] = mapped_column(String(16), default=GroupRole.MEMBER)
    start_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    group: Mapped[WorkingGroup] = relationship(back_populates="memberships")
    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        return self.user.display_name if self.user else self.name

    @property
    def listed_as(self) -> str:
        """How the page that adds members lists them: an account by its address (the one typed
        to add it), so that adding by e-mail never shows the name of an account that existed."""
        return self.user.email if self.user else self.name

    @property
    def has_account(self) -> bool:
        return self.user_id is not None

    def active_on(self, day: date) -> bool:
        return (self.start_on is None or self.start_on <= day) and (self.end_on is None or self.end_on >= day)

    @property
    def role_label(self) -> str:
        return GroupRole(self.role).label


class MeetingRule(db.Model):
    """A group's meeting rule (one per group): app.calendar's Recurrence as columns, with times,
    place and a required end date. The hourly job of app/groups/notices.py creates the meetings
    a few weeks ahead (app/groups/meeting_rules.py); each is then a Meeting of its own."""

    __tablename__ = "group_meeting_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), unique=True, index=True
    )
    start_on: Mapped[date] = mapped_column(Date)
    until_on: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    venue: Mapped[str] = mapped_column(String(200), default="")
    freq: Mapped[str] = mapped_column(String(10))
    interval: Mapped[int] = mapped_column(Integer, default=1)
    # Weekly: days as "0,3" (0 = Monday); monthly: the nth (1..4, -1 last) weekday.
    weekdays: Mapped[str] = mapped_column(String(20), default="")
    month_week: Mapped[int | None] = mapped_column(Integer)
    month_weekday: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    group: Mapped[WorkingGroup] = relationship()


class Meeting(Versioned, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("rule_id", "rule_on", name="uq_meetings_rule_id_rule_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    # Made by the group's rule for that rule date (kept when moved or cancelled: never made twice).
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_meeting_rules.id", ondelete="SET NULL"), index=True
    )
    rule_on: Mapped[date | None] = mapped_column(Date)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    venue: Mapped[str] = mapped_column(String(200), default="")
    is_cancelled: Mapped[bool] = mapped_column(default=False, server_default=false())
    # iCalendar SEQUENCE: bumped by every change a calendar should pick up.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    group: Mapped[WorkingGroup] = relationship()
    attendances: Mapped[list["Attendance"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attendance.id"
    )

    # The ordine del giorno, in order (app/groups/points.py edits it).
    points: Mapped[list["AgendaPoint"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
        order_by="[AgendaPoint.position, AgendaPoint.id]",
    )  # fmt: skip

    @property
    def agenda_items(self) -> list[str]:
        """The points as lines, without their numbers: «Bilancio 2014 — presenta Rossi, 20 min»."""
        return [point.line for point in self.points]

    @property
    def agenda_text(self) -> str:
        """The one plain-text form of the ordine del giorno (.ics DESCRIPTION, search): numbered lines."""
        return "\n".join(f"{n}. {line}" for n, line in enumerate(self.agenda_items, start=1))

    def attendees(self, status: AttendanceStatus) -> list["Attendance"]:
        return [a for a in self.attendances if a.status == status]


class AgendaPoint(db.Model):
    """One point of a meeting's ordine del giorno, with the decision taken on it.

    The discussion is written in the verbale's body, a section per point («Sul punto 2: …»),
    so revisions, review and rettifiche keep covering it; the decision lives here."""

    __tablename__ = "agenda_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    presenter: Mapped[str] = mapped_column(String(120), default="", server_default="")
    minutes_planned: Mapped[int | None] = mapped_column(Integer)
    # The point of an earlier meeting this one takes up again («ripreso dall'incontro del ...»).
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_points.id", ondelete="SET NULL"), index=True
    )
    decision_kind: Mapped[str] = mapped_column(String(16), default=DecisionKind.NONE, server_default="none")
    decision: Mapped[str] = mapped_column(Text, default="", server_default="")
    meeting: Mapped[Meeting] = relationship(back_populates="points")
    carried_from: Mapped["AgendaPoint | None"] = relationship(remote_side="AgendaPoint.id", lazy="joined")

    @property
    def point_id(self) -> int | None:
        """The meeting form's hidden field (app/groups/forms.py PointRow) reads it."""
        return self.id

    @property
    def has_decision(self) -> bool:
        return self.decision_kind != DecisionKind.NONE

    @property
    def decision_label(self) -> str:
        return str(DECISION_LABELS.get(self.decision_kind, DECISION_LABELS[DecisionKind.NONE]))

    @property
    def carried_from_day(self) -> date | None:
        return self.carried_from.meeting.held_on if self.carried_from is not None else None

    @property
    def line(self) -> str:
        parts = [self.title]
        if self.presenter:
            parts.append(" — " + _("presenta %(name)s", name=self.presenter))
        if self.minutes_planned:
            parts.append(("," if self.presenter else " —") + " " + _("%(n)d min", n=self.minutes_planned))
        if self.carried_from_day is not None:
            day = format_date(self.carried_from_day, "d MMMM")
            parts.append(" " + _("(ripreso dall'incontro del %(day)s)", day=day))
        return "".join(parts)


class Attendance(db.Model):
    """One person at one meeting: a member (user) or a named guest."""

    __tablename__ = "meeting_attendances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_meeting_attendances_meeting_id_user_id"),
        UniqueConstraint(
            "meeting_id", "membership_id", name="uq_meeting_attendances_meeting_id_membership_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The membership the row stands for (members with or without an account); None for guests.
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_memberships.id", ondelete="SET NULL"), index=True
    )
    guest_name: Mapped[str] = mapped_column(String(120), default="")
    guest_organisation: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default=AttendanceStatus.UNRECORDED)
    arrived_at: Mapped[time | None] = mapped_column(Time)
    left_at: Mapped[time | None] = mapped_column(Time)
    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    user: Mapped[User | None] = relationship(lazy="joined")
    membership: Mapped[GroupMembership | None] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        if self.membership is not None:
            return self.membership.display_name
        return self.user.display_name if self.user else self.guest_name

    @property
    def is_guest(self) -> bool:
        return self.user_id is None and self.membership_id is None

    @property
    def status_label(self) -> str:
        return str(ATTENDANCE_LABELS[AttendanceStatus(self.status)])


class MeetingResponse(db.Model):
    """A member's answer to a meeting's convocazione (sì, no, forse) with a short note:
    one per meeting and person; never marks anyone present (attendance does)."""

    __tablename__ = "meeting_responses"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_meeting_responses_meeting_id_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    meeting: Mapped[Meeting] = relationship()
    user: Mapped[User] = relationship(lazy="joined")

    @property
    def answer_label(self) -> str:
        return RsvpAnswer(self.answer).label


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
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The day it was closed: the closing meeting's date, or the day it was closed from "Le mie azioni".
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    group: Mapped[WorkingGroup] = relationship()
    opened_meeting: Mapped[Meeting] = relationship(foreign_keys=[opened_meeting_id])
    closed_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[closed_meeting_id])
    owner: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    comments: Mapped[list["ActionComment"]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionComment.id"
    )

    @property
    def owner_name(self) -> str:
        return self.owner.display_name if self.owner else self.owner_guest_name

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def status_label(self) -> str:
        return str(ACTION_STATUS_LABELS[ActionStatus(self.status)])


class ActionComment(db.Model):
    """A note on an action item by its owner or a member of the group."""

    __tablename__ = "action_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[ActionItem] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(lazy="joined")
