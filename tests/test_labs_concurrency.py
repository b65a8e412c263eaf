"""Twenty people press "sign up" at once for the last place: exactly one gets it held; then all
twenty press "confirm" in the message at once: exactly one has it, nineteen wait."""

import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.labs import confirmation, registrations
from app.labs.models import Registration
from app.platform.extensions import db
from tests import factories
from tests.conftest import make_config

PEOPLE = 20


@pytest.fixture
def server(db_url, app):
    """The app served by a threaded server, as several workers would be."""
    served = create_app(make_config(db_url, None, SERVER_NAME=None))
    httpd = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    with served.app_context():
        db.engine.dispose()


def open_form(base: str, path: str) -> tuple[str, str]:
    response = urllib.request.urlopen(base + path, timeout=10)
    cookie = re.search(r"session=([^;]+)", response.headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
    return cookie, token


def press_all_at_once(server: str, forms: list, path_of, data_of) -> tuple[list, list]:
    """Each of len(forms) people posts their form at the same instant: the answers' codes."""
    start = threading.Barrier(len(forms))
    statuses, errors = [], []

    def press(n: int) -> None:
        cookie, token = forms[n]
        data = urllib.parse.urlencode({"csrf_token": token, **data_of(n)}).encode()
        request = urllib.request.Request(
            server + path_of(n), data=data, headers={"Cookie": f"session={cookie}"}
        )
        start.wait()
        try:
            statuses.append(urllib.request.urlopen(request, timeout=60).status)
        except urllib.error.HTTPError as error:
            errors.append(error.code)

    threads = [threading.Thread(target=press, args=(n,)) for n in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return statuses, errors


def test_last_place_goes_to_exactly_one_of_twenty(server):
    lab = factories.lab(capacity=2)
    first, _token = registrations.register(lab, "Prima", "prima@example.org", "", "", False)
    registrations.confirm(first)
    slug, lab_id = lab.slug, lab.id
    # The test's own transaction must not hold SQLite's write lock meanwhile.
    db.session.commit()
    forms = [open_form(server, f"/laboratori/{slug}") for _ in range(PEOPLE)]
    statuses, errors = press_all_at_once(
        server, forms, lambda n: f"/laboratori/{slug}/iscrizione",
        lambda n: {"full_name": f"Persona {n}", "email": f"p{n}@example.org", "phone": "", "note": ""},
    )  # fmt: skip
    assert errors == [] and len(statuses) == PEOPLE
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.lab_id == lab_id)).all()
    found = [row.status for row in rows]
    assert found.count("pending") == 1  # the last place, held for its owner
    assert found.count("pending_waiting") == PEOPLE - 1
    links = {row.email: f"/laboratori/{slug}/conferma/{confirmation.token(row)}" for row in rows}
    people = [f"p{n}@example.org" for n in range(PEOPLE)]
    db.session.commit()
    forms = [open_form(server, links[email]) for email in people]
    statuses, errors = press_all_at_once(server, forms, lambda n: links[people[n]], lambda n: {})
    assert errors == [] and len(statuses) == PEOPLE
    db.session.expire_all()
    found = db.session.scalars(select(Registration.status).where(Registration.lab_id == lab_id)).all()
    assert sorted(found).count("confirmed") == 2
    assert sorted(found).count("waiting") == PEOPLE - 1
