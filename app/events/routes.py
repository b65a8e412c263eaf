"""One activity date or one lab session, to add to a calendar: a page, an .ics, Google and Outlook links."""

from dataclasses import replace
from datetime import UTC, date, datetime

from flask import Response, abort, render_template, url_for

from app.calendar.occurrences import Occurrence, dated
from app.civic_centers.loaders import get_activity_or_404
from app.civic_centers.models import Activity
from app.common.timeutil import today_in_rome
from app.events import bp
from app.events.links import SingleEvent
from app.labs.loaders import get_public_session_or_404
from app.labs.models import LabSession
from app.platform.page_cache import public_page


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _day_or_404(day: str) -> date:
    try:
        return date.fromisoformat(day)
    except ValueError:
        abort(404)


def activity_occurrence(activity: Activity, day: date) -> Occurrence | None:
    """The activity on its planned date day, where it really happens (moved, cancelled, closed), or None."""
    found = dated(activity.schedule(), day, day)
    if not found:
        return None
    occurrence = found[0].occurrence()
    if activity.is_cancelled and not occurrence.is_closed:
        occurrence = replace(
            occurrence, is_cancelled=True, reason=occurrence.reason or activity.cancel_reason
        )
    return occurrence


def activity_event(activity: Activity, day: date) -> SingleEvent:
    occurrence = activity_occurrence(activity, day) or abort(404)
    center = activity.center
    page = url_for("civic_centers.activity_detail", slug=center.slug, activity_id=activity.id, _external=True)
    description = activity.description
    if occurrence.is_cancelled:
        word = "Chiuso" if occurrence.is_closed else "Annullato"
        description = f"{word}: {occurrence.reason}\n\n{description}" if occurrence.reason else description
    return SingleEvent(
        uid=f"{day:%Y%m%d}-{activity.uid}", title=activity.title, occurrence=occurrence,
        location=center.full_address, url=page, description=description, sequence=activity.sequence,
        stamp=_aware(activity.updated_at),
    )  # fmt: skip


def session_event(session: LabSession) -> SingleEvent:
    lab = session.lab
    occurrence = Occurrence(
        original_on=session.start_on, start=session.starts_at, end=session.ends_at,
        is_cancelled=session.is_cancelled, reason=session.cancel_reason,
    )  # fmt: skip
    description = lab.description
    if session.is_cancelled and session.cancel_reason:
        description = f"Annullato: {session.cancel_reason}\n\n{description}"
    return SingleEvent(
        uid=session.uid, title=lab.title, occurrence=occurrence, location=lab.place,
        url=url_for("labs.detail", slug=lab.slug, _external=True), description=description,
        sequence=session.sequence, stamp=_aware(session.updated_at),
    )  # fmt: skip


def _ics(event: SingleEvent, name: str) -> Response:
    response = Response(event.ics(today_in_rome()), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.route("/centri/<slug>/attivita/<int:activity_id>/data/<day>")
@public_page()
def activity_date(slug: str, activity_id: int, day: str):
    """One date of an activity: when and where it really is, and how to add it to a calendar."""
    activity = get_activity_or_404(activity_id, slug=slug)
    on = _day_or_404(day)
    event = activity_event(activity, on)
    ics_url = url_for("events.activity_date_ics", slug=slug, activity_id=activity_id, day=on.isoformat())
    back = url_for("civic_centers.activity_detail", slug=slug, activity_id=activity_id)
    return render_template("events/occurrence.html", event=event, ics_url=ics_url, back=back,
                           back_label=activity.title, place=activity.center.full_address)  # fmt: skip


@bp.route("/centri/<slug>/attivita/<int:activity_id>/data/<day>.ics")
def activity_date_ics(slug: str, activity_id: int, day: str):
    """The one date as an .ics file (Apple Calendar, Outlook, Thunderbird open it)."""
    activity = get_activity_or_404(activity_id, slug=slug)
    on = _day_or_404(day)
    return _ics(activity_event(activity, on), f"{activity.center.slug}-{on.isoformat()}")


@bp.route("/laboratori/<slug>/incontri/<int:session_id>")
@public_page()
def lab_session(slug: str, session_id: int):
    """One lab session and how to add it to a calendar."""
    session = get_public_session_or_404(slug, session_id)
    event = session_event(session)
    ics_url = url_for("events.lab_session_ics", slug=slug, session_id=session_id)
    return render_template("events/occurrence.html", event=event, ics_url=ics_url,
                           back=url_for("labs.detail", slug=slug), back_label=session.lab.title,
                           place=session.lab.address)  # fmt: skip


@bp.route("/laboratori/<slug>/incontri/<int:session_id>.ics")
def lab_session_ics(slug: str, session_id: int):
    session = get_public_session_or_404(slug, session_id)
    return _ics(session_event(session), f"{slug}-{session.start_on.isoformat()}")
