"""The ordine del giorno in points: edit a meeting's points, carry an open point to the next
meeting, record decisions, list a group's decisions. Adds and flushes, never commits."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.timeutil import today_in_rome
from app.groups.models import AgendaPoint, DecisionKind, Meeting
from app.minutes import attachments
from app.platform.extensions import db


@dataclass(frozen=True)
class PointValues:
    """What the meeting form says of one point; point_id names an existing point of the meeting."""

    title: str
    presenter: str = ""
    minutes_planned: int | None = None
    point_id: int | None = None


def from_text(text: str) -> list[PointValues]:
    """One point per non-empty line (as migration 0021 did with the old free-text agendas)."""
    return [PointValues(title=line.strip()[:200]) for line in text.splitlines() if line.strip()]


def _key(point: AgendaPoint) -> tuple:
    return (point.title, point.presenter, point.minutes_planned)


def set_points(meeting: Meeting, values: list[PointValues]) -> bool:
    """Make the meeting's points these, in this order. A point that keeps its id keeps its
    decision, where it was carried from and its allegati; a point left out is removed with its
    allegati (their files go at commit). True if anything changed."""
    before = [(p.id, *_key(p)) for p in meeting.points]
    existing = {p.id: p for p in meeting.points}
    kept_ids = {value.point_id for value in values}
    for point in meeting.points:  # first, before any new point is half-made (their queries flush)
        if point.id not in kept_ids:
            attachments.remove_of_point(point)
    kept = []
    for position, value in enumerate(values, start=1):
        point = existing.pop(value.point_id, None) if value.point_id is not None else None
        if point is None:
            point = AgendaPoint(meeting=meeting)
        point.position = position
        point.title, point.presenter, point.minutes_planned = (
            value.title,
            value.presenter,
            value.minutes_planned,
        )
        kept.append(point)
    for point in existing.values():
        db.session.delete(point)
    meeting.points = kept
    db.session.flush()
    return before != [(p.id, *_key(p)) for p in kept]


def set_decision(point: AgendaPoint, kind: str, text: str) -> None:
    kind = kind if kind in set(DecisionKind) else DecisionKind.NONE
    point.decision_kind = kind
    point.decision = "" if kind == DecisionKind.NONE else text.strip()


class CarryRefused(ValueError):
    """str(error) names the reason: "decided", "not_held", "no_next", "already"."""


def carried_to(point: AgendaPoint) -> AgendaPoint | None:
    """Where this point was taken up again, if it was."""
    return db.session.scalar(select(AgendaPoint).where(AgendaPoint.carried_from_id == point.id).limit(1))


def carried_days(meeting: Meeting) -> dict:
    """point id -> the day of the meeting it was carried to, for this meeting's points."""
    ids = [p.id for p in meeting.points]
    if not ids:
        return {}
    query = (
        select(AgendaPoint.carried_from_id, Meeting.held_on)
        .join(Meeting, AgendaPoint.meeting_id == Meeting.id)
        .where(AgendaPoint.carried_from_id.in_(ids))
    )
    return dict(db.session.execute(query).all())


def can_carry(meeting: Meeting) -> bool:
    """Open points are carried over from the meeting's day on, not from an upcoming meeting."""
    return meeting.held_on <= today_in_rome()


def carry_over(point: AgendaPoint, following: Meeting | None) -> AgendaPoint:
    """«Riporta al prossimo incontro»: an open point goes, as the last point, onto the next meeting;
    only once its meeting's day has come (before it, the point is still to be discussed)."""
    if point.has_decision:
        raise CarryRefused("decided")
    if not can_carry(point.meeting):
        raise CarryRefused("not_held")
    if following is None:
        raise CarryRefused("no_next")
    if carried_to(point) is not None:
        raise CarryRefused("already")
    copy = AgendaPoint(
        meeting=following, position=len(following.points) + 1, title=point.title, presenter=point.presenter,
        minutes_planned=point.minutes_planned, carried_from=point,
    )  # fmt: skip
    db.session.add(copy)
    db.session.flush()
    return copy


def decisions_of(meeting_ids: list[int]) -> list[AgendaPoint]:
    """Points with a decision among these meetings, newest meeting first, in their order."""
    if not meeting_ids:
        return []
    query = (
        select(AgendaPoint)
        .join(Meeting, AgendaPoint.meeting_id == Meeting.id)
        .where(AgendaPoint.meeting_id.in_(meeting_ids), AgendaPoint.decision_kind != DecisionKind.NONE)
        .options(selectinload(AgendaPoint.meeting).selectinload(Meeting.points))
        .order_by(Meeting.held_on.desc(), AgendaPoint.meeting_id, AgendaPoint.position, AgendaPoint.id)
    )
    return list(db.session.scalars(query))
