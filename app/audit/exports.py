"""Spreadsheet exports (XLSX and CSV, UTF-8), safe against formula injection.

`to_csv` and `to_xlsx` are pure: rows in, bytes out; no content makes them
fail (characters a workbook cannot hold are dropped). `download()` is the one
way a view sends an export: built first, then recorded in the audit log in a
short write transaction of its own, then sent, never cached.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from flask import Response
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from app.audit.services import record
from app.platform.database import write_transaction
from app.platform.extensions import db

# A spreadsheet reads a cell as a formula if it starts with one of = + - @
# (also after spaces or line breaks), or with a tab or a carriage return.
FORMULA_START = re.compile(r"^(?:\s*[=+\-@]|[\t\r])")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
MIMETYPES = {"xlsx": XLSX_MIMETYPE, "csv": CSV_MIMETYPE}


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, date, datetime, time)):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so that Excel opens accents correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An XLSX workbook: one (title, header, rows) per sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([_cell(h) for h in header])
        for row in rows:
            sheet.append([_cell(v) for v in row])
        for index, name in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(str(name)) + 4))
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(body: bytes, filename: str, action: str, subject: str, row_count: int) -> Response:
    """Send an export that was built without error, once its audit entry is committed."""
    with write_transaction(db.session):
        record(current_user, action, subject, row_count=row_count)
    fmt = filename.rsplit(".", 1)[-1]
    return Response(body, content_type=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store, private",
    })  # fmt: skip
