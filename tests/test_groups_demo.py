"""The demo data include two working groups with verbali, attendance and action items."""

from sqlalchemy import func, select

from app import demo
from app.groups.models import ActionItem, WorkingGroup
from app.minutes.models import Minutes
from app.platform.extensions import db
from tests.conftest import text


def test_demo_groups(browser):
    assert demo.load("admin@legami.example", "demo-password-1")
    assert db.session.scalar(select(func.count(WorkingGroup.id))) == 2
    assert db.session.scalar(select(func.count(Minutes.id))) == 6
    assert set(db.session.scalars(select(ActionItem.status))) == {"open", "done"}
    page = text(browser.get("/gruppi/welfare-in-azione-crema-centro"))
    assert "Verbale incontro Welfare in azione – Crema centro" in page
    assert "Prossimo incontro" in page
