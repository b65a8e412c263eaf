"""The 10 MB the attachment form promises are accepted; past them a friendly 413 page (issue 27)."""

import io

from sqlalchemy import func, select

from app.minutes import services
from app.minutes.models import Attachment
from app.platform.extensions import db
from tests.conftest import text
from tests.verbale_2014 import record_attendance, round2014_fixture  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MB = 1024 * 1024


def _upload(browser, minutes, size: int):
    data = PDF + b"%" * (size - len(PDF))
    page = f"/gruppi/{minutes.group.slug}/verbali/{minutes.id}"
    return browser.post(
        f"/verbali/{minutes.id}/allegati", {"file": (io.BytesIO(data), "grande.pdf")},
        content_type="multipart/form-data", token_from=page,
    )  # fmt: skip


def test_a_file_just_under_10_mb_is_attached_and_a_larger_request_gets_a_page(browser, round2014):
    record_attendance(round2014)
    minutes = services.create_minutes(round2014.meeting, round2014.secretary, "Verbale", "Testo.")
    db.session.commit()
    browser.login(round2014.member)
    response = _upload(browser, minutes, 10 * MB - 1024)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Attachment.id))) == 1
    response = _upload(browser, minutes, 12 * MB)
    assert response.status_code == 413
    page = text(response)
    assert "File troppo grande" in page and "al massimo di 10 MB" in page
    assert "Torna alla pagina iniziale" in page  # the site's own error page, not a bare answer
    assert db.session.scalar(select(func.count(Attachment.id))) == 1
