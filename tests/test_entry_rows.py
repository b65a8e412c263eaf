"""A day's rows as residents read them: times, titles, states, reasons, escaped."""

from datetime import date, datetime

import pytest

from app.agenda.entry_rows import entry_items
from app.agenda.services import Entry
from app.calendar.occurrences import Occurrence
from app.common.timeutil import ROME

START, END = datetime(2026, 12, 9, 16, 30, tzinfo=ROME), datetime(2026, 12, 9, 18, 0, tzinfo=ROME)


def _entry(title="Teatro", reason="", kind="", moved_to=None, **occurrence):
    occ = Occurrence(original_on=date(2026, 12, 8), start=START, end=END, **occurrence)
    return Entry(
        occ, title, "/centri/oratorio/attivita/1", "Oratorio, Crema", "Bambini", reason, kind, moved_to
    )


@pytest.fixture
def rows(app):
    with app.test_request_context("/"):
        yield lambda *entries, **options: " ".join(str(entry_items(entries, **options)).split())


def test_a_date_reads_its_hours_title_place_and_label(rows):
    html = rows(_entry())
    assert '<span class="legami-entry-time">16:30–18:00</span>' in html
    assert '<a href="/centri/oratorio/attivita/1">Teatro</a>' in html
    assert '<span class="legami-entry-meta">Oratorio, Crema · Bambini</span>' in html
    assert 'legami-entry-meta">Bambini' in rows(_entry(), show_center=False)


def test_cancelled_moved_and_closed_say_so_with_their_reason(rows):
    cancelled = rows(_entry(reason="Maltempo", is_cancelled=True))
    assert "legami-entry legami-entry-cancelled" in cancelled
    assert '<span class="badge bg-danger">Annullato</span>' in cancelled and "Motivo: Maltempo" in cancelled
    moved = rows(_entry(reason="Sala grande", is_moved=True))
    assert "Spostato</span>" in moved and "Spostato da martedì 8. Sala grande" in moved
    planned = rows(_entry(kind="moved-from", moved_to=datetime(2026, 12, 11, 10, 0, tzinfo=ROME)))
    assert "<s>16:30–18:00</s>" in planned and "Spostato a venerdì 11, 10:00." in planned
    assert "Spostato ad altra data." in rows(_entry(kind="moved-from"))
    closed = rows(_entry(title="Oratorio", reason="Natale", kind="closed"))
    assert "Tutto il giorno" in closed and "Chiuso – Natale" in closed


def test_every_value_is_escaped(rows):
    html = rows(_entry(title='<script>"x"</script>', reason="<b>", is_cancelled=True))
    assert "<script>" not in html and "&lt;script&gt;" in html and "Motivo: &lt;b&gt;" in html


def test_the_add_link_is_for_dates_that_happen(rows):
    add = lambda entry: "/eventi/1?giorno=" + entry.occurrence.original_on.isoformat()  # noqa: E731
    html = rows(_entry(), add_url=add)
    assert 'href="/eventi/1?giorno=2026-12-08">Aggiungi al mio calendario' in html
    assert ": Teatro, 9 dic 2026</span>" in html
    assert "Aggiungi al mio calendario" not in rows(_entry(is_cancelled=True), add_url=add)
