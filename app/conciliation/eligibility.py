"""Who may apply to a call: the codice fiscale's check character, the rules of the call, and the
household rule. Each refused rule gives its reason in Italian; one home for all of them.

Household identity: a household is the set of the codici fiscali of its members (the applicant
and each person entered). Two applications to the same call belong to the same household when
they share any codice fiscale. A household may file one application per call, two when it counts
four or more children (members under 18). The check runs inside the application's write
transaction, after the call's row is locked, so two submissions at once cannot both pass.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.conciliation.voucher_models import Employment, HouseholdMember, VoucherCall
from app.platform.extensions import db

MAX_MEMBERS = 20
ADULT_AGE = 18
MANY_CHILDREN = 4
FISCAL_CODE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)
# The value of a character in an odd position (digits count as the letter of the same place).
_ODD_VALUES = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
_ODD = {
    **dict(zip("0123456789", _ODD_VALUES, strict=False)),
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _ODD_VALUES, strict=True)),
}


def check_character(first15: str) -> str:
    """The codice fiscale's 16th character for its first 15."""
    total = 0
    for index, char in enumerate(first15):
        if index % 2 == 0:  # positions 1, 3, 5... counted from one
            total += _ODD[char]
        else:
            total += int(char) if char.isdigit() else ord(char) - ord("A")
    return chr(ord("A") + total % 26)


def valid_fiscal_code(code: str) -> bool:
    code = (code or "").strip().upper()
    return bool(FISCAL_CODE.match(code)) and check_character(code[:15]) == code[15]


@dataclass
class Member:
    fiscal_code: str
    age: int
    care_needs: bool = False


@dataclass
class Draft:
    """What an applicant declared, before it is stored."""

    fiscal_code: str
    birth_date: date
    employment: str
    weekly_hours: int | None
    town_id: int
    isee_cents: int
    isee_issued_on: date
    declarations: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)  # the applicant first

    @property
    def children(self) -> int:
        return sum(1 for m in self.members if m.age < ADULT_AGE)


def required_declarations(call: VoucherCall) -> list[tuple[str, str]]:
    """(key, text) of the statements an applicant must tick: truth, privacy, each incompatibility."""
    found = [
        ("veridicita", _("Dichiaro che quanto scritto è vero (D.P.R. 445/2000).")),
        ("privacy", _("Ho letto l'informativa sul trattamento dei dati personali.")),
    ]
    for index, scheme in enumerate(call.incompatibilities or []):
        found.append((f"incompatibile-{index}", _("Non ricevo e non ho chiesto: %(scheme)s.", scheme=scheme)))
    return found


def window_reason(call: VoucherCall, now: datetime) -> str | None:
    if call.is_open(now):
        return None
    return _(
        "Le domande per questo bando si presentano dal %(opens)s al %(closes)s.",
        opens=format_date(call.first_day, "d MMMM y"),
        closes=format_date(call.last_day, "d MMMM y"),
    )


def reasons(call: VoucherCall, draft: Draft, now: datetime, today: date) -> list[str]:
    """Every rule of the call the draft does not meet (empty when eligible)."""
    found = []
    window = window_reason(call, now)
    if window:
        found.append(window)
    if draft.town_id not in {t.id for t in call.towns}:
        found.append(_("Il Comune indicato non è tra quelli del bando."))
    if draft.employment == Employment.EMPLOYEE and (draft.weekly_hours or 0) < call.min_weekly_hours:
        found.append(
            _("Serve un contratto di almeno %(hours)s ore settimanali.", hours=call.min_weekly_hours)
        )
    if draft.isee_issued_on > today:
        found.append(_("La data dell'attestazione ISEE non può essere nel futuro."))
    if draft.birth_date > today:
        found.append(_("La data di nascita non può essere nel futuro."))
    if len(draft.members) > MAX_MEMBERS:
        found.append(_("Un nucleo familiare può avere al massimo %(n)s componenti.", n=MAX_MEMBERS))
    codes = [m.fiscal_code for m in draft.members]
    if len(set(codes)) != len(codes):
        found.append(_("Lo stesso codice fiscale compare due volte nel nucleo familiare."))
    missing = [text for key, text in required_declarations(call) if key not in draft.declarations]
    found.extend(_("Manca la dichiarazione: «%(text)s»", text=text) for text in missing)
    return found


def household_reason(call: VoucherCall, draft: Draft) -> str | None:
    """The household rule, against the applications already stored (the caller holds the lock)."""
    codes = [m.fiscal_code for m in draft.members]
    earlier = db.session.scalar(
        select(func.count(func.distinct(HouseholdMember.application_id))).where(
            HouseholdMember.call_id == call.id, HouseholdMember.fiscal_code.in_(codes)
        )
    )
    allowed = 2 if draft.children >= MANY_CHILDREN else 1
    if earlier >= allowed:
        return _(
            "Il nucleo familiare ha già presentato una domanda per questo bando: se ne accetta una "
            "per nucleo, due con quattro o più figli."
        )
    return None
