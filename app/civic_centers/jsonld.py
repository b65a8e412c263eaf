"""schema.org data (JSON-LD) for center and activity pages, so search engines can show them."""

from datetime import datetime

from flask import url_for

from app.calendar.occurrences import Occurrence
from app.civic_centers.models import Activity, CivicCenter
from app.common.timeutil import ROME

STATUS = "https://schema.org/"


def center_place(center: CivicCenter, context: bool = False) -> dict:
    """The center as a schema.org Place (with @context when it stands alone on its page)."""
    place = {
        "@type": "Place",
        "name": center.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": center.address,
            "addressLocality": center.town.name,
            "addressRegion": center.town.province,
            "addressCountry": "IT",
        },
    }
    if context:
        place = {"@context": "https://schema.org", **place}
        place["url"] = url_for("civic_centers.detail", slug=center.slug, _external=True)
        place["publicAccess"] = True
        if center.description:
            place["description"] = center.description[:500]
    return place


def activity_events(activity: Activity, occurrences: list[Occurrence]) -> list[dict]:
    center = activity.center
    place = center_place(center)
    # The same for every date: read once (an activity's page lists up to ten).
    audience = {"@type": "Audience", "audienceType": activity.audience_label}
    url = url_for("civic_centers.activity_detail", slug=center.slug, activity_id=activity.id, _external=True)
    description = activity.description[:500]
    events = []
    for occurrence in occurrences:
        if activity.is_cancelled or occurrence.is_cancelled:
            status = "EventCancelled"
        elif occurrence.is_moved:
            status = "EventRescheduled"
        else:
            status = "EventScheduled"
        event = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": activity.title,
            "description": description,
            "startDate": occurrence.start.isoformat(),
            "endDate": occurrence.end.isoformat(),
            "eventStatus": STATUS + status,
            "eventAttendanceMode": STATUS + "OfflineEventAttendanceMode",
            "location": place,
            "isAccessibleForFree": activity.is_free,
            "organizer": {"@type": "Organization", "name": center.name},
            "audience": audience,
            "url": url,
        }
        if occurrence.is_moved:
            previous = datetime.combine(occurrence.original_on, activity.start_time, ROME)
            event["previousStartDate"] = previous.isoformat()
        if activity.age_min is not None or activity.age_max is not None:
            event["typicalAgeRange"] = f"{activity.age_min or 0}-{activity.age_max or ''}"
        events.append(event)
    return events
