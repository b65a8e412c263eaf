"""A member's personal feed of their working groups' meetings, behind a secret URL."""

import hashlib
import secrets
from datetime import UTC, datetime

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.agenda import bp
from app.agenda.models import PersonalFeedToken
from app.agenda.subscribe import Subscription
from app.calendar.ical import FeedEvent, build_feed
from app.calendar.occurrences import Schedule
from app.common.forms import EmptyForm
from app.common.timeutil import today_in_rome
from app.groups.models import GroupMembership, Meeting
from app.platform.extensions import db, limiter


def token_for(user_id: int, renew: bool = False) -> str:
    """The user's feed token, created on first use; renew replaces it."""
    found = db.session.get(PersonalFeedToken, user_id)
    if found is None:
        found = PersonalFeedToken(user_id=user_id, token=secrets.token_urlsafe(32))
        db.session.add(found)
    elif renew:
        found.token = secrets.token_urlsafe(32)
    db.session.flush()
    return found.token


def meetings_of(user_id: int) -> list[Meeting]:
    groups = select(GroupMembership.group_id).where(
        GroupMembership.user_id == user_id,
        GroupMembership.end_on.is_(None) | (GroupMembership.end_on >= today_in_rome()),
    )
    query = (
        select(Meeting)
        .where(Meeting.group_id.in_(groups))
        .options(selectinload(Meeting.group), selectinload(Meeting.points))
    )
    return list(db.session.scalars(query.order_by(Meeting.held_on)))


def meeting_event(meeting: Meeting) -> FeedEvent:
    # Every edit or cancellation bumps SEQUENCE and moves LAST-MODIFIED (groups/services.touch).
    changed = meeting.updated_at or meeting.created_at
    stamp = changed if changed.tzinfo else changed.replace(tzinfo=UTC)
    return FeedEvent(
        uid=f"incontro-{meeting.id}@legami", title=_("Incontro: %(group)s", group=meeting.group.name),
        schedule=Schedule(meeting.held_on, meeting.start_time, meeting.end_time), sequence=meeting.sequence,
        stamp=stamp, description=meeting.agenda_text, location=meeting.venue,
        url=url_for("groups.detail", slug=meeting.group.slug, _external=True),
        is_cancelled=meeting.is_cancelled,
    )  # fmt: skip


@bp.route("/ical/personale/<token>.ics")
@limiter.exempt
def feed_personal(token: str):
    """The meetings of every group the token's owner belongs to."""
    found = db.session.scalar(
        select(PersonalFeedToken)
        .join(User, User.id == PersonalFeedToken.user_id)
        .where(PersonalFeedToken.token == token, User.is_active)
    ) or abort(404)  # a deactivated account's feed stops with its logins
    body = build_feed(
        _("Legami – i miei incontri"), [meeting_event(m) for m in meetings_of(found.user_id)], today_in_rome()
    )
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=900"
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


@bp.route("/profilo/calendario", methods=["GET", "POST"])
@login_required
def personal_calendar():
    """Show the personal feed's links; POST replaces the secret (the old URL stops working)."""
    form = EmptyForm()
    if form.validate_on_submit():
        token_for(current_user.id, renew=True)
        db.session.commit()
        flash(_("Nuovo indirizzo creato: il precedente non funziona più."), "success")
        return redirect(url_for("agenda.personal_calendar"))
    token = token_for(current_user.id)
    db.session.commit()
    subscription = Subscription(
        _("I miei incontri"), url_for("agenda.feed_personal", token=token, _external=True)
    )
    return render_template(
        "agenda/personal.html", subscription=subscription, form=form, generated_at=datetime.now(UTC)
    )
