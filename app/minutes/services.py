"""The life of a verbale: draft, review, approval, rettifica, revisions, trash. No commit."""

from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager, defer

from app.common import linediff
from app.common.timeutil import today_in_rome, utcnow
from app.groups import attendance, points
from app.groups import services as group_services
from app.groups.models import AgendaPoint, DecisionKind, Meeting
from app.minutes import attachments, notices, versions
from app.minutes.models import Minutes, MinutesComment, MinutesRevision, MinutesStatus, Visibility
from app.minutes.search import document
from app.platform.extensions import db


class StaleEdit(Exception):
    """A header rettifica started from an older approved version (edits of the text use app.platform.versioning)."""


def default_title(meeting: Meeting) -> str:
    return f"Verbale incontro {meeting.group.name} del {meeting.held_on:%d.%m.%Y}"


def default_body(meeting: Meeting) -> str:
    """A new verbale offers a section per point of the ordine del giorno («Sul punto 2: …»)."""
    return "".join(
        f"## Sul punto {n}: {point.title}\n\n\n" for n, point in enumerate(meeting.points, start=1)
    )


def agenda_search_text(meeting: Meeting) -> str:
    """The points and their decisions, for the verbali search."""
    lines = [meeting.agenda_text]
    lines += [f"{p.decision_label}: {p.decision}" for p in meeting.points if p.has_decision]
    return "\n".join(lines)


def record_decisions(meeting: Meeting, decisions: dict | None) -> None:
    """decisions: point id -> (kind, text), as the editor posted them; other points stay as they are."""
    for point in meeting.points:
        if decisions and point.id in decisions:
            points.set_decision(point, *decisions[point.id])
    db.session.flush()


def _save_revision(minutes: Minutes, user, title: str, body: str, reason: str = "", correction=False):
    minutes.revision_number += 1
    minutes.title, minutes.body = title.strip(), body
    minutes.search_document = document(minutes.title, body, agenda_search_text(minutes.meeting))
    minutes.updated_at = utcnow()
    revision = MinutesRevision(
        number=minutes.revision_number, author_id=user.id, title=minutes.title, body=body,
        is_correction=correction, reason=reason.strip(),
    )  # fmt: skip
    minutes.revisions.append(revision)
    db.session.flush()
    return revision


def minutes_of(meeting: Meeting, trashed_too: bool = False) -> Minutes | None:
    """The verbale of a meeting (one per meeting), or None."""
    query = select(Minutes).where(Minutes.meeting_id == meeting.id)
    if not trashed_too:
        query = query.where(Minutes.deleted_at.is_(None))
    return db.session.scalar(query)


def create_minutes(meeting: Meeting, user, title: str, body: str, decisions: dict | None = None) -> Minutes:
    record_decisions(meeting, decisions)
    minutes = Minutes(
        meeting=meeting, group=meeting.group, title=title, body=body, revision_number=0,
        status=MinutesStatus.DRAFT, visibility=Visibility.GROUP,
    )  # fmt: skip
    db.session.add(minutes)
    _save_revision(minutes, user, title, body)
    attachments.adopt(minutes)
    return minutes


def edit_minutes(
    minutes: Minutes, user, title: str, body: str, decisions: dict | None = None
) -> MinutesRevision:
    """Save an edit and the decisions per point (the view checks, with app.platform.versioning,
    that it started from the latest revision)."""
    record_decisions(minutes.meeting, decisions)
    return _save_revision(minutes, user, title, body)


def restore_revision(minutes: Minutes, revision: MinutesRevision, user) -> MinutesRevision:
    """Restoring saves the old text as a new revision, so nothing is lost."""
    return _save_revision(minutes, user, revision.title, revision.body, reason=f"#{revision.number}")


class ApprovalRefused(ValueError):
    """str(error) names the rule: "not_held", "no_review", "session_on" or "session_future"."""


def send_to_review(minutes: Minutes) -> None:
    minutes.status = MinutesStatus.REVIEW
    notices.minutes_to_review(minutes)


def add_comment(minutes: Minutes, user, body: str, approval: bool) -> MinutesComment:
    comment = MinutesComment(author_id=user.id, body=body.strip(), is_approval=approval)
    minutes.comments.append(comment)
    db.session.flush()
    return comment


def approvals(minutes: Minutes) -> list[MinutesComment]:
    """Approvals given in review by people who were present."""
    present = {a.user_id for a in minutes.meeting.attendances if a.user_id and a.status == "present"}
    return [c for c in minutes.comments if c.is_approval and c.author_id in present]


def approve(minutes: Minutes, user, visibility: str, method: str = "present", session_on=None):
    """Approve a verbale in review and freeze it as version 1 (with its PDF/A).

    "present": at least one person who was present approved the text in review;
    "session": approved at a later meeting, on session_on (not before the meeting itself, not
    in the future). Never before the meeting has happened."""
    today = today_in_rome()
    if minutes.meeting.held_on > today:
        raise ApprovalRefused("not_held")
    if method == "session":
        if session_on is None or session_on < minutes.meeting.held_on:
            raise ApprovalRefused("session_on")
        if session_on > today:
            raise ApprovalRefused("session_future")
    elif not approvals(minutes):
        raise ApprovalRefused("no_review")
    minutes.status = MinutesStatus.APPROVED
    minutes.visibility = Visibility(visibility)
    minutes.approved_at = utcnow()
    minutes.approved_by_id = user.id
    notices.minutes_approved(minutes)
    minutes.approval_method = method
    minutes.approved_in_session_on = session_on if method == "session" else None
    approvers = [c.author.display_name for c in approvals(minutes) if c.author is not None]
    return versions.first_version(minutes, user, method, minutes.approved_in_session_on, approvers)


def correct(minutes: Minutes, user, title: str, body: str, reason: str, decisions: dict | None = None):
    """A rettifica of an approved verbale (text and decisions): a new revision and a new approved
    version with its reason."""
    record_decisions(minutes.meeting, decisions)
    revision = _save_revision(minutes, user, title, body, reason=reason, correction=True)
    versions.correction(minutes, user, reason)
    return revision


def correct_header(
    minutes: Minutes, user, reason: str, venue: str, start, end, values: dict, base_version: int
):
    """A rettifica of place, hours and attendance of an approved verbale's meeting: the meeting
    changes (a new SEQUENCE for calendars) and a new approved version records what changed."""
    if base_version != len(minutes.versions):
        raise StaleEdit
    meeting = minutes.meeting
    if (venue, start, end) != (meeting.venue, meeting.start_time, meeting.end_time):
        meeting.venue, meeting.start_time, meeting.end_time = venue, start, end
        group_services.touch(meeting)  # a past meeting: calendars update, nobody is e-mailed
    attendance.save(meeting, values)
    minutes.updated_at = utcnow()  # an UPDATE of the verbale: its version check stops a second rettifica
    return versions.correction(minutes, user, reason, header=True)


def trash(minutes: Minutes) -> None:
    minutes.deleted_at = utcnow()


def restore(minutes: Minutes) -> None:
    minutes.deleted_at = None


def diff(old: str, new: str) -> list[tuple[str, str]] | None:
    """A readable line diff, bounded in time (app/common/linediff.py): (kind, line) with kind in
    "same", "added", "removed", "skipped"; None when there are too many differences to show."""
    return linediff.diff(old, new)


def previous_revision(minutes: Minutes, revision: MinutesRevision) -> MinutesRevision | None:
    older = [r for r in minutes.revisions if r.number < revision.number]
    return older[0] if older else None


@lru_cache(maxsize=2)
def published_statement(members_view: bool):
    """Approved verbali of a group (bound parameter `group_id`), newest meeting first, with their
    meeting (a list of titles and dates: not their text); group-only ones for members. Built once
    per reader's view (a group's page asks on every request)."""
    query = (
        select(Minutes)
        .join(Minutes.meeting)
        .where(
            Minutes.group_id == bindparam("group_id"),
            Minutes.deleted_at.is_(None),
            Minutes.status == MinutesStatus.APPROVED,
        )
        .options(contains_eager(Minutes.meeting), defer(Minutes.body), defer(Minutes.search_document))
        .order_by(Meeting.held_on.desc(), Minutes.id.desc())
    )
    if not members_view:
        query = query.where(Minutes.visibility == Visibility.PUBLIC)
    return query


@lru_cache(maxsize=8)
def _decisions_statement(members_view: bool, limit: int):
    """Built once per reader's view (a group's page asks on every request)."""
    query = (
        select(AgendaPoint, Minutes)
        .join(Meeting, AgendaPoint.meeting_id == Meeting.id)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            Minutes.group_id == bindparam("group_id"),
            Minutes.deleted_at.is_(None),
            Minutes.status == MinutesStatus.APPROVED,
            AgendaPoint.decision_kind != DecisionKind.NONE,
        )
        .options(contains_eager(AgendaPoint.meeting))
        .order_by(Meeting.held_on.desc(), AgendaPoint.meeting_id, AgendaPoint.position, AgendaPoint.id)
        .limit(limit)
    )
    if not members_view:
        query = query.where(Minutes.visibility == Visibility.PUBLIC)
    return query


def decisions(group_id: int, members_view: bool, limit: int = 50) -> list[tuple[AgendaPoint, Minutes]]:
    """The group's «Decisioni»: deliberazioni and raccomandazioni of its approved verbali that
    this reader sees, newest meeting first, each with its verbale. One query."""
    found = db.session.execute(_decisions_statement(members_view, limit), {"group_id": group_id})
    return [(point, minutes) for point, minutes in found]
