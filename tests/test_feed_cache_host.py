"""A feed is one cached row whatever Host header or port a client sends (issue 27)."""

from datetime import timedelta

from sqlalchemy import select

from app.agenda.models import FeedCache
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories


def test_any_port_in_the_host_header_shares_one_feed_row(browser):
    center = factories.center()
    factories.activity(center, title="Doposcuola", freq="none", start_on=today_in_rome() + timedelta(days=2))
    db.session.commit()
    bodies = []
    for host in ("legami.test", "legami.test:8081", "legami.test:8082", "LEGAMI.test:9"):
        response = browser.get("/ical/tutto.ics", headers={"Host": host})
        assert response.status_code == 200
        bodies.append(response.data)
    assert [row.key for row in db.session.scalars(select(FeedCache))] == ["tutto@legami.test"]
    assert b"http://legami.test/centri/" in bodies[0]
    assert b":8081" not in b"".join(bodies) and b":9/" not in b"".join(bodies)
    assert len(set(bodies)) == 1
