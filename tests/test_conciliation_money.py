"""Money in Per il tuo tempo: integer cents from what a person types, shown the Italian way."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.conciliation.money import MoneyError, cents_to_input, format_cents, parse_cents


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("12", 1200), ("12,5", 1250), ("12,50", 1250), ("1.234,50", 123450), ("1234.50", 123450),
     ("1.234", 123400), ("12,50 €", 1250), ("0", 0), (" 7,05 ", 705)],
)  # fmt: skip
def test_amounts_typed_the_italian_way_become_cents(typed, cents):
    assert parse_cents(typed) == cents


@pytest.mark.parametrize(
    "typed", ["-1", "abc", "12,345", "1,2,3", "", "1e5", "12.", "NaN", "inf", "999999999999"]
)
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(MoneyError):
        parse_cents(typed)


def test_amounts_read_the_italian_way():
    assert format_cents(1250).replace("\u00a0", " ") == "12,50 €"
    assert format_cents(123400).replace("\u00a0", " ") == "1.234,00 €"
    assert cents_to_input(705) == "7,05"
    assert cents_to_input(None) == ""


@given(st.integers(min_value=0, max_value=10_000_000_00))
def test_what_a_form_shows_reads_back_as_the_same_cents(cents):
    assert parse_cents(cents_to_input(cents)) == cents
