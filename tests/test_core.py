"""Home page, dashboard, health check and request logging."""

import logging

from app import create_app
from tests.conftest import make_config, text


def test_home_is_public_and_italian(browser):
    response = browser.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "Legami: il welfare di comunità vicino a te" in page
    assert "Vai al contenuto principale" in page and "Accedi" in page


def test_dashboard_needs_login(browser):
    assert browser.get("/area-riservata").headers["Location"] == "/accedi?next=%2Farea-riservata"


def test_dashboard_fits_the_roles(browser, admin, member):
    browser.login(member)
    page = text(browser.get("/area-riservata"))
    assert "Gestisci gli utenti" not in page and "Utenti" not in page
    browser.logout()
    browser.login(admin)
    page = text(browser.get("/area-riservata"))
    assert "Gestisci gli utenti" in page and "Registro attività" in page and "Amministrazione" in page


def test_health_answers_200_when_the_database_answers(browser):
    response = browser.get("/salute")
    assert response.status_code == 200
    assert response.get_json() == {"stato": "ok", "database": "ok"}


def test_health_answers_503_when_the_database_does_not(tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = create_app(make_config(url, tmp_path))
    response = app.test_client().get("/salute")
    assert response.status_code == 503
    assert response.get_json()["stato"] == "errore"


def test_one_log_line_per_request_with_timing(browser, caplog):
    logger = logging.getLogger("legami.requests")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="legami.requests"):
            browser.get("/salute")
    finally:
        logger.removeHandler(caplog.handler)
    lines = [r.getMessage() for r in caplog.records if r.name == "legami.requests"]
    assert len(lines) == 1
    method, path, status, duration, _addr = lines[0].split()
    assert (method, path, status) == ("GET", "/salute", "200") and duration.endswith("ms")


def test_dates_are_written_the_italian_way(app):
    from datetime import datetime

    with app.test_request_context():
        rendered = app.jinja_env.from_string("{{ when|datetime }}").render(when=datetime(2014, 4, 9, 12, 30))
    # 12:30 UTC is 14:30 in Rome (summer time).
    assert rendered == "mercoledì 9 aprile 2014, 14:30"
