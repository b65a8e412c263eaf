"""schema.org Event data (JSON-LD) for activity pages, so search engines can show them."""

from flask import url_for

from app.calendar.occurrences import Occurrence
from app.civic_centers.models import Activity

STATUS = "https://schema.org/"


def activity_events(activity: Activity, occurrences: list[Occurrence]) -> list[dict]:
    center = activity.center
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
    events = []
    for occurrence in occurrences:
        if activity.is_cancelled or occurrence.is_cancelled:
            status = "EventCancelled"
        elif occurrence.is_moved:
            status = "EventRescheduled"
        else:
            status = "EventScheduled"
        events.append(
            {
                "@context": "https://schema.org",
                "@type": "Event",
                "name": activity.title,
                "description": activity.description[:500],
                "startDate": occurrence.start.isoformat(),
                "endDate": occurrence.end.isoformat(),
                "eventStatus": STATUS + status,
                "eventAttendanceMode": STATUS + "OfflineEventAttendanceMode",
                "location": place,
                "isAccessibleForFree": activity.is_free,
                "organizer": {"@type": "Organization", "name": center.name},
                "audience": {"@type": "Audience", "audienceType": activity.audience_label},
                "url": url_for(
                    "civic_centers.activity_detail", slug=center.slug, activity_id=activity.id, _external=True
                ),
            }
        )
    return events
