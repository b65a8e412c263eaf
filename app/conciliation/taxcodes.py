"""Italian tax identifiers of a provider: a partita IVA (11 digits) or a codice fiscale (16
characters), each with its check character."""

import re

_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
                 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23], strict=True))  # fmt: skip
_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + i): i for i in range(26)}}


def vat_check_digit(first_ten: str) -> str:
    total = 0
    for index, char in enumerate(first_ten):
        digit = int(char)
        if index % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return str((10 - total % 10) % 10)


def cf_check_letter(first_fifteen: str) -> str:
    total = sum((_ODD if index % 2 == 0 else _EVEN)[char] for index, char in enumerate(first_fifteen))
    return chr(65 + total % 26)


def normalise(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper().removeprefix("IT")


def is_valid(value: str) -> bool:
    """A partita IVA or a codice fiscale (persons' or companies') with the right check character."""
    code = normalise(value)
    if re.fullmatch(r"\d{11}", code):
        return vat_check_digit(code[:10]) == code[10]
    if re.fullmatch(r"[A-Z0-9]{16}", code):
        return cf_check_letter(code[:15]) == code[15]
    return False
