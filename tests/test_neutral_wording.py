"""Gender-neutral wording (issue 22): what the portal says to a person never takes a masculine or
feminine form for them («sei convocato», «Risulti già iscritto», «Benvenuta»)."""

import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
ADDRESSED = re.compile(
    r"\b(sei|sarai|risulti|resti|rimani|eri)\s+(già\s+|ancora\s+|stat[oa]\s+)?"
    r"(stat[oa]|convocat[oa]|iscritt[oa]|invitat[oa]|registrat[oa]|nominat[oa]|aggiunt[oa]|rimoss[oa]|"
    r"benvenut[oa]|pront[oa]|sicur[oa])\b"
    r"|(?<!il )\bbenvenut[oa]\b",
    re.IGNORECASE,
)


def _texts():
    for path in APP.rglob("*"):
        if path.suffix in (".html", ".txt", ".py") and "static" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


def test_no_gendered_form_addresses_the_reader():
    found = [
        f"{path.relative_to(APP)}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for path, text in _texts()
        for match in ADDRESSED.finditer(text)
    ]
    assert found == []


def test_the_check_finds_what_it_looks_for():
    for sentence in ("Ciao, sei convocato", "Risulti già iscritta", "Benvenuto!", "Se non sei stato tu"):
        assert ADDRESSED.search(sentence), sentence
    for sentence in ("Ti diamo il benvenuto", "ti aspettiamo", "Incontri convocati ora: 3"):
        assert not ADDRESSED.search(sentence), sentence
