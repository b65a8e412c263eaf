"""Where each date's "add to my calendar" page is: used by the activity and lab pages (no imports of theirs)."""

from flask import url_for


def activity_add_url(activity):
    """For the entries of an activity page: each date's own 'add to my calendar' page."""
    center_slug = activity.center.slug
    return lambda entry: url_for(
        "events.activity_date", slug=center_slug, activity_id=activity.id,
        day=entry.occurrence.original_on.isoformat(),
    )  # fmt: skip


def session_add_url(lab, sessions):
    """For the entries of a lab page (its `sessions`): each session's own page (found by its date and time)."""
    by_start = {(s.start_on, s.start_time): s.id for s in sessions}
    return lambda entry: url_for(
        "events.lab_session", slug=lab.slug,
        session_id=by_start[(entry.occurrence.original_on, entry.occurrence.start.time().replace(tzinfo=None))],
    )  # fmt: skip
