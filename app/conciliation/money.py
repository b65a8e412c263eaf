"""Money as integer cents: parsed from what a person types, shown the Italian way ("12,50 €").
Never a float: a price, a voucher's balance and a call's budget are whole numbers of cents."""

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency

# "12", "12,5", "12,50", "1.234,50", "1234.50" (a dot before two final digits is a decimal point)
_AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$|^\d+\.\d{1,2}$")
MAX_CENTS = 100_000_000_00  # one hundred million euro: far above any budget of a district


class MoneyError(ValueError):
    """The text is not an amount of money in euro."""


def parse_cents(text: str) -> int:
    """Cents from an amount typed in Italian ("12,50", "1.234", "12,50 €"); MoneyError when it
    is not a non-negative amount with at most two decimals."""
    cleaned = (text or "").replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if not cleaned or not _AMOUNT.match(cleaned):
        raise MoneyError(cleaned)
    if "," in cleaned or cleaned.count(".") > 1 or re.search(r"\.\d{3}$", cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        cents = int((Decimal(cleaned) * 100).to_integral_exact())
    except InvalidOperation as error:
        raise MoneyError(text) from error
    if cents > MAX_CENTS:
        raise MoneyError(text)
    return cents


# Babel's currency formatting costs about half a millisecond a call: a catalogue page shows two
# prices per service, and amounts repeat, so the few thousand in use are remembered.
@lru_cache(maxsize=4096)
def format_cents(cents: int) -> str:
    """ "12,50 €" for 1250; "1.234,00 €" for 123400; negative amounts keep their sign."""
    return format_currency(Decimal(cents) / 100, "EUR", locale="it_IT")


def cents_to_input(cents: int | None) -> str:
    """The value a form field shows for an amount: "12,50"."""
    if cents is None:
        return ""
    return f"{cents // 100},{cents % 100:02d}"
