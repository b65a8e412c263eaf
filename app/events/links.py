"""Links that open Google Calendar or Outlook on the web with one event filled in (no account data leaves)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from app.calendar.ical import FeedEvent, assemble, event_fragment
from app.calendar.occurrences import Occurrence, Schedule

DETAILS_LIMIT = 800  # the links carry the text in the URL: keep them short


@dataclass(frozen=True)
class SingleEvent:
    """One dated event as a family adds it: an activity's occurrence or a lab session."""

    uid: str
    title: str
    occurrence: Occurrence
    location: str
    url: str
    description: str = ""
    sequence: int = 0
    stamp: datetime = datetime(2026, 1, 1, tzinfo=UTC)

    def _details(self) -> str:
        text = self.description.strip()
        if len(text) > DETAILS_LIMIT:
            text = text[:DETAILS_LIMIT].rsplit(" ", 1)[0] + "…"
        return f"{text}\n\n{self.url}".strip()

    @property
    def google_url(self) -> str:
        start, end = self.occurrence.start, self.occurrence.end
        query = {
            "action": "TEMPLATE", "text": self.title,
            "dates": f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}", "ctz": "Europe/Rome",
            "details": self._details(), "location": self.location,
        }  # fmt: skip
        return "https://calendar.google.com/calendar/render?" + urlencode(query)

    def _outlook(self, host: str) -> str:
        query = {
            "path": "/calendar/action/compose", "rru": "addevent", "subject": self.title,
            "startdt": self.occurrence.start.isoformat(), "enddt": self.occurrence.end.isoformat(),
            "location": self.location, "body": self._details(),
        }  # fmt: skip
        return f"https://{host}/calendar/0/deeplink/compose?" + urlencode(query)

    @property
    def outlook_url(self) -> str:
        """Outlook.com, for a personal Microsoft account."""
        return self._outlook("outlook.live.com")

    @property
    def outlook_work_url(self) -> str:
        """Outlook on the web of a Microsoft 365 work or school account."""
        return self._outlook("outlook.office.com")

    def ics(self, today: date) -> bytes:
        """A VCALENDAR with this one event, at its real (possibly moved) time, cancelled if it is."""
        start, end = self.occurrence.start, self.occurrence.end
        length = end - start if end > start else timedelta(hours=1)
        schedule = Schedule(
            start.date(), start.time().replace(tzinfo=None), (start + length).time().replace(tzinfo=None)
        )
        item = FeedEvent(
            uid=self.uid, title=self.title, schedule=schedule, sequence=self.sequence, stamp=self.stamp,
            description=self.description.strip(), location=self.location, url=self.url,
            is_cancelled=self.occurrence.is_cancelled,
        )  # fmt: skip
        return assemble(self.title, [event_fragment(item)], today)
