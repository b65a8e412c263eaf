"""Issue 28: the meeting page fits a 390 px phone; scroll regions are keyboard-focusable."""

from datetime import time

import pytest

from app import create_app
from app.accounts.models import Role
from app.auth import services as accounts
from app.groups import attendance
from app.groups import services as groups
from app.groups.models import GroupRole
from app.platform.extensions import db
from tests.browser_support import PASSWORD, require_browser, run_script, served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seen(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("phone")
    app = create_app({
        "SECRET_KEY": "e2e", "DATABASE_URL": f"sqlite:///{workdir / 'phone.sqlite3'}", "INSTANCE_PATH": str(workdir),
        "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_LEVEL": "WARNING",
    })  # fmt: skip
    with app.app_context():
        db.create_all()
        secretary = accounts.create_user(
            "segretaria@example.org", "Maria Antonietta Bonaldi-Stanghellini", {Role.ADMIN}
        )
        secretary.set_password(PASSWORD)
        group = groups.create_group("Welfare di Comunità e Innovazione Sociale", "Gruppo", None, "Crema")
        groups.add_member(group, secretary.email, GroupRole.SECRETARY, None)
        for i in range(6):
            groups.add_person(
                group, f"Persona Conunnomemoltolungo{i} Dicognomeanchepiùlungo", "", "member", None
            )
        meeting = groups.schedule_meeting(
            group, __import__("datetime").date(2026, 11, 10), time(17, 30), time(19, 5),
            "Sala riunioni del Centro Civico di via Frecavalli 16, Crema (secondo piano, ascensore)",
            "Sintesi del lavoro dei sottogruppi tematici e calendario condiviso\nPiste di lavoro",
        )  # fmt: skip
        attendance.add_guest(
            meeting, "Ospite con un nome davvero lunghissimo", "Associazione di promozione sociale", "present"
        )
        db.session.commit()
        path = f"/incontri/{meeting.id}"
    with served(app) as base:
        config = {"base": base, "password": PASSWORD, "email": "segretaria@example.org", "meeting": path}
        return run_script("browser/meeting_phone.mjs", config, workdir)


@pytest.mark.parametrize("name", ["incontro", "registro"])
def test_no_horizontal_overflow_and_focusable_regions(seen, name):
    step = seen["steps"][name]
    assert step["overflow"] <= 0, step
    assert all(r.startswith("0|") and len(r) > 2 for r in step["regions"]), step["regions"]
    assert not [v for v in seen["axe"][name] if "scrollable-region-focusable" in v], seen["axe"][name]
