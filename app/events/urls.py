"""Where each date's "add to my calendar" page is: used by the activity and lab pages (no imports of theirs)."""

from app.platform.urls import FILL, url_filler


def activity_add_url(activity):
    """For the entries of an activity page: each date's own 'add to my calendar' page."""
    fill = url_filler("events.activity_date", slug=activity.center.slug, activity_id=activity.id, day=FILL)
    return lambda entry: fill(entry.occurrence.original_on.isoformat())


def session_add_url(lab, sessions):
    """For the entries of a lab page (its `sessions`): each session's own page (found by its date and time)."""
    by_start = {(s.start_on, s.start_time): s.id for s in sessions}
    fill = url_filler("events.lab_session", slug=lab.slug, session_id=FILL)
    return lambda entry: fill(
        by_start[(entry.occurrence.original_on, entry.occurrence.start.time().replace(tzinfo=None))]
    )
