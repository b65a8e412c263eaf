"""Subscribe links for a feed: webcal://, https://, Google Calendar and Outlook."""

from dataclasses import dataclass
from urllib.parse import quote

from flask import url_for
from flask_babel import gettext as _


@dataclass(frozen=True)
class Subscription:
    name: str
    https_url: str

    @property
    def webcal_url(self) -> str:
        return "webcal://" + self.https_url.split("://", 1)[1]

    @property
    def google_url(self) -> str:
        return "https://calendar.google.com/calendar/render?cid=" + quote(self.webcal_url, safe="")

    def _outlook(self, host: str) -> str:
        return f"https://{host}/calendar/0/addfromweb?url={quote(self.https_url, safe='')}&name={quote(self.name, safe='')}"

    @property
    def outlook_url(self) -> str:
        """Outlook.com, for a personal Microsoft account."""
        return self._outlook("outlook.live.com")

    @property
    def outlook_work_url(self) -> str:
        """Outlook on the web of a Microsoft 365 work or school account."""
        return self._outlook("outlook.office.com")


def subscription(town=None, center=None, audience: str | None = None) -> Subscription:
    """The most specific feed for what a page shows."""
    if center is not None:
        return Subscription(center.name, url_for("agenda.feed_center", slug=center.slug, _external=True))
    if town is not None:
        return Subscription(town.name, url_for("agenda.feed_town", slug=town.slug, _external=True))
    if audience:
        return Subscription(
            _("Legami – %(who)s", who=audience),
            url_for("agenda.feed_audience", audience=audience, _external=True),
        )
    return Subscription(_("Legami – tutti gli eventi"), url_for("agenda.feed_all", _external=True))
