"""Answers to a convocazione (sì, no, forse): who may answer, the signed e-mail links, the
answer itself, and what the secretary reads (who is expected, the foreseen quorum).

An answer never marks anyone present: attendance is the secretary's (attendance.py).
No request, no commit."""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.common.timeutil import ROME, utcnow
from app.groups.models import GroupMembership, Meeting, MeetingResponse, RsvpAnswer
from app.platform.extensions import db

# The words of the e-mail links (/rispondi/<token>/<choice>) and their answers.
CHOICES = {"si": RsvpAnswer.YES, "no": RsvpAnswer.NO, "forse": RsvpAnswer.MAYBE}
NOTE_MAX = 200


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="legami-meeting-rsvp")


def token(meeting_id: int, user_id: int) -> str:
    """The signed part of a member's answer links for one meeting (no login needed)."""
    return _serializer().dumps({"m": meeting_id, "u": user_id})


def from_token(value: str) -> tuple[int, int] | None:
    """(meeting id, user id) of a signed link; a forged one → None."""
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("m", "u")):
        return None
    return data["m"], data["u"]


def membership_of(meeting: Meeting, user_id: int | None) -> GroupMembership | None:
    """The person's place on the meeting's roster (the group on that day), or None."""
    if user_id is None:
        return None
    return next((m for m in meeting.group.roster(meeting.held_on) if m.user_id == user_id), None)


def closed_reason(meeting: Meeting, now: datetime | None = None) -> str | None:
    """Why the meeting takes no more answers (cancelled, begun or held), or None."""
    if meeting.is_cancelled:
        return _("L'incontro è stato annullato: non si raccolgono risposte.")
    now = now or datetime.now(ROME)
    if datetime.combine(meeting.held_on, meeting.start_time, ROME) <= now:
        return _("L'incontro si è già tenuto: non si raccolgono più risposte.")
    return None


def response_of(meeting: Meeting, user_id: int | None) -> MeetingResponse | None:
    if user_id is None:
        return None
    return db.session.scalar(
        select(MeetingResponse).where(
            MeetingResponse.meeting_id == meeting.id, MeetingResponse.user_id == user_id
        )
    )


def answer(meeting: Meeting, user_id: int, value: str, note: str) -> MeetingResponse:
    """Record (or change) the person's answer; the caller checked who may and when. No commit."""
    value, note = RsvpAnswer(value), (note or "").strip()[:NOTE_MAX]
    found = response_of(meeting, user_id)
    if found is None:
        try:
            with db.session.begin_nested():
                found = MeetingResponse(meeting_id=meeting.id, user_id=user_id, answer=value, note=note)
                db.session.add(found)
                db.session.flush()
            return found
        except IntegrityError:  # the same person, answering at the same instant elsewhere
            found = response_of(meeting, user_id)
    found.answer, found.note, found.answered_at = value, note, utcnow()
    db.session.flush()
    return found


def responses(meeting: Meeting) -> dict[int, MeetingResponse]:
    """user id → answer, for one meeting."""
    rows = db.session.scalars(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id))
    return {r.user_id: r for r in rows}


@dataclass(frozen=True)
class Person:
    name: str
    note: str = ""


@dataclass
class Summary:
    """The roster on the meeting's day, split by answer, and the foreseen quorum."""

    yes: list[Person] = field(default_factory=list)
    no: list[Person] = field(default_factory=list)
    maybe: list[Person] = field(default_factory=list)
    unanswered: list[Person] = field(default_factory=list)
    total: int = 0
    needed: int = 0

    @property
    def reached(self) -> bool:
        return self.total > 0 and len(self.yes) >= self.needed

    @property
    def text(self) -> str:
        if self.reached:
            return _(
                "Numero legale previsto: %(yes)d su %(total)d, raggiunto (ne servono %(needed)d).",
                yes=len(self.yes), total=self.total, needed=self.needed,
            )  # fmt: skip
        return _(
            "Numero legale previsto: %(yes)d su %(total)d, non raggiunto (ne servono %(needed)d).",
            yes=len(self.yes), total=self.total, needed=self.needed,
        )  # fmt: skip


def summary(meeting: Meeting, found: dict[int, MeetingResponse] | None = None) -> Summary:
    """Who is expected, who said no or maybe, who has not answered: the roster on the
    meeting's day (by name); the foreseen quorum counts the "sì" against the group's rule.
    found: responses(meeting), when the caller has it already."""
    found = responses(meeting) if found is None else found
    roster = meeting.group.roster(meeting.held_on)
    result = Summary(total=len(roster), needed=meeting.group.quorum_needed(len(roster)))
    lists = {RsvpAnswer.YES: result.yes, RsvpAnswer.NO: result.no, RsvpAnswer.MAYBE: result.maybe}
    for m in roster:
        response = found.get(m.user_id) if m.user_id is not None else None
        if response is None:
            result.unanswered.append(Person(m.display_name))
        else:
            lists[RsvpAnswer(response.answer)].append(Person(m.display_name, response.note))
    return result


def answers_by_row(meeting: Meeting, found: dict[int, MeetingResponse] | None = None) -> dict[str, str]:
    """Attendance row key ("m<membership id>") → the answer's label, for those who answered."""
    found = responses(meeting) if found is None else found
    return {
        f"m{m.id}": found[m.user_id].answer_label
        for m in meeting.group.memberships
        if m.user_id is not None and m.user_id in found
    }


def unanswered_users(meeting: Meeting) -> list:
    """Members with an account on the meeting's roster who have not answered (active accounts)."""
    found = responses(meeting)
    return [
        m.user
        for m in meeting.group.roster(meeting.held_on)
        if m.user is not None and m.user.is_active and m.user_id not in found
    ]


def upcoming_for(user_id: int, today, limit: int = 20) -> list[tuple[Meeting, MeetingResponse | None]]:
    """The person's next meetings (not cancelled, on whose roster they are) with their answer
    or None: their personal page ("Le mie azioni")."""
    groups = select(GroupMembership.group_id).where(GroupMembership.user_id == user_id)
    query = (
        select(Meeting)
        .where(Meeting.group_id.in_(groups), Meeting.held_on >= today, Meeting.is_cancelled.is_(False))
        .order_by(Meeting.held_on, Meeting.start_time)
        .limit(limit)
    )
    meetings = [m for m in db.session.scalars(query) if membership_of(m, user_id) is not None]
    found = db.session.scalars(
        select(MeetingResponse).where(
            MeetingResponse.user_id == user_id, MeetingResponse.meeting_id.in_([m.id for m in meetings])
        )
    )
    by_meeting = {r.meeting_id: r for r in found}
    return [(m, by_meeting.get(m.id)) for m in meetings]
