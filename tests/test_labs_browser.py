"""In a real browser (tests/browser/lab_doubles.mjs): two children signed up with one phone, the
first with a double tap that sends the form once (without legami.js's guard, about one run in
three made two rows); the maker's list shows who shares a phone. (In CI a skip is a failure.)"""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.auth import services as accounts
from app.common.timeutil import today_in_rome
from app.labs.models import Registration
from app.platform.extensions import db
from tests import factories
from tests.browser_support import PASSWORD, empty_app, require_browser, run_script, served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("lab-doubles")
    app = empty_app(workdir, "lab-doubles")
    with app.app_context():
        maker = accounts.create_user("maker@example.org", "Marta Maker", {Role.COMMUNITY_MAKER})
        maker.set_password(PASSWORD)
        lab = factories.lab(capacity=5, makers=[maker])
        factories.session(lab, today_in_rome() + timedelta(days=2), time(18), time(20))
        db.session.commit()
        config = {"lab_slug": lab.slug, "email": maker.email, "password": PASSWORD}
    with served(app) as base:
        found = run_script("browser/lab_doubles.mjs", {**config, "base": base}, workdir)
    with app.app_context():
        rows = db.session.execute(select(Registration.full_name, Registration.status)).all()
        db.engine.dispose()
    return found, sorted(rows)


def test_a_double_tap_signs_up_once_and_each_child_sees_only_their_own_page(results):
    found, rows = results
    assert rows == [("Gino Ritirato", "withdrawn"), ("Luca Rossi", "confirmed"), ("Maria Rossi", "confirmed"),
                    ("Pietro Verdi", "confirmed")]  # fmt: skip
    steps = found["steps"]
    assert steps["after_cancel_enabled"] is True
    assert "Maria Rossi, hai un posto." in steps["maria"]
    assert "Luca Rossi, hai un posto." in steps["luca"] and "Maria Rossi" not in steps["luca"]


@pytest.mark.parametrize("label", ["phone", "desktop"])
def test_the_makers_list_shows_who_shares_a_phone(results, label):
    found, _ = results
    rows = {row.splitlines()[0].strip(): " ".join(row.split()) for row in found["steps"][f"rows_{label}"]}
    assert rows["Maria Rossi"] == "Maria Rossi Stesso telefono di: Luca Rossi"
    assert rows["Luca Rossi"] == "Luca Rossi Stesso telefono di: Maria Rossi"
    assert rows["Pietro Verdi"] == "Pietro Verdi" and rows["Gino Ritirato"] == "Gino Ritirato"


def test_no_serious_accessibility_violations_or_console_errors(results):
    found, _ = results
    assert found["axe"] and all(v == [] for v in found["axe"].values()), found["axe"]
    assert found["console"] == []
