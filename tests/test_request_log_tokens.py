"""Private links' tokens never reach the request log (issue 27)."""

import logging

import pytest

from app.platform.request_log import logger

SECRET = "Zq8sEcReT-tOkEn_4x9"
PRIVATE = [
    f"/password-dimenticata/{SECRET}",
    f"/invito/{SECRET}",
    f"/accedi/link/{SECRET}",
    f"/laboratori/orto/iscrizione/{SECRET}",
    f"/segui/conferma/{SECRET}",
    f"/segui/smetti/{SECRET}",
    f"/disiscrizione/{SECRET}",
    f"/ical/personale/{SECRET}.ics",
]


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def log_lines():
    handler = Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_tokens_are_logged_as_an_ellipsis(browser, log_lines):
    for path in PRIVATE:
        browser.get(path)
    assert len(log_lines) == len(PRIVATE)
    assert not [line for line in log_lines if SECRET in line]
    assert log_lines[0].startswith("GET /password-dimenticata/… 404")
    assert any(line.startswith("GET /laboratori/orto/iscrizione/… ") for line in log_lines)
    assert any(line.startswith("GET /ical/personale/….ics ") for line in log_lines)


def test_other_paths_are_logged_as_they_are(browser, log_lines):
    browser.get("/calendario")
    assert log_lines[-1].startswith("GET /calendario 200")
