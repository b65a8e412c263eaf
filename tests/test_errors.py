"""Error pages are in Italian, and a server error rolls back the request's work."""

import pytest
from sqlalchemy import func, select

from app.platform.extensions import db
from app.towns.models import Town
from tests.conftest import text


def test_not_found_page(browser):
    response = browser.get("/non-esiste")
    assert response.status_code == 404
    page = text(response)
    assert "Pagina non trovata" in page and "Torna alla pagina iniziale" in page


def test_method_not_allowed_page(browser):
    response = browser.client.put("/")
    assert response.status_code == 405
    assert "Operazione non consentita" in text(response)


def test_request_too_large(app, browser):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = browser.post("/accedi", {"email": "a@b.it", "password": "x" * 500})
    assert response.status_code == 413
    assert "File troppo grande" in text(response)


@pytest.fixture
def failing_route(app):
    @app.route("/prova-errore")
    def boom():
        db.session.add(Town(name="Fantasma", slug="fantasma"))
        db.session.flush()
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return "/prova-errore"


def test_server_error_page_rolls_back(browser, failing_route):
    response = browser.get(failing_route)
    assert response.status_code == 500
    assert "Errore del server" in text(response)
    assert db.session.scalar(select(func.count(Town.id))) == 0
