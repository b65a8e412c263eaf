"""Exports: CSV and XLSX, UTF-8, no cell that a spreadsheet would run."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.audit.exports import neutralise, to_csv, to_xlsx

DANGEROUS = ["=1+1", "+39 333", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_starts_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Anna", "", "3 presenti", 5, None])
def test_other_values_are_kept(value):
    assert neutralise(value) == value


def test_csv_is_utf8_with_bom_and_neutralised():
    data = to_csv(["Nome", "Note"], [["Niccolò", "=1+1"], ["Zoë", None]])
    text = data.decode("utf-8")
    assert text.startswith("\ufeffNome;Note\r\n")
    assert "Niccolò;'=1+1\r\n" in text and "Zoë;\r\n" in text


def test_xlsx_round_trip():
    data = to_xlsx([("Incontri", ["Data", "Nome"], [[date(2014, 4, 9), "@x"], [date(2014, 5, 7), "Anna"]])])
    sheet = load_workbook(io.BytesIO(data))["Incontri"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Data", "Nome")
    assert rows[1][0].date() == date(2014, 4, 9) and rows[1][1] == "'@x"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
