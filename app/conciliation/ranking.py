"""The ranking (graduatoria) of a call's applications, by the call's criteria.

Points: `points_per_member` for each member of the household, `points_per_care_need` for each
member with care needs, and the points of the first ISEE band whose ceiling holds the ISEE
(bands are [ceiling in cents, points], ascending; above the last ceiling, no points).
Order: more points first; on equal points the lower ISEE first; then the earlier protocol number
(year, then sequence). The protocol number is unique, so the order is total and deterministic.
Vouchers go down the ranking while a whole voucher fits in what is left of the budget.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Criteria:
    per_member: int
    per_care_need: int
    isee_bands: tuple[tuple[int, int], ...]  # (ceiling cents, points), ascending


@dataclass(frozen=True)
class Entry:
    key: int  # the application's id
    members: int
    care_needs: int
    isee_cents: int
    year: int
    seq: int


def isee_points(criteria: Criteria, isee_cents: int) -> int:
    for ceiling, points in sorted(criteria.isee_bands):
        if isee_cents <= ceiling:
            return points
    return 0


def points(criteria: Criteria, entry: Entry) -> int:
    return (
        criteria.per_member * entry.members
        + criteria.per_care_need * entry.care_needs
        + isee_points(criteria, entry.isee_cents)
    )


def sort_key(criteria: Criteria, entry: Entry) -> tuple:
    return (-points(criteria, entry), entry.isee_cents, entry.year, entry.seq)


def rank(criteria: Criteria, entries: Iterable[Entry]) -> list[tuple[Entry, int]]:
    """(entry, points) best first."""
    ordered = sorted(entries, key=lambda e: sort_key(criteria, e))
    return [(e, points(criteria, e)) for e in ordered]


def winners(count: int, budget_cents: int, voucher_cents: int) -> int:
    """How many of `count` ranked applications get a whole voucher within the budget."""
    if voucher_cents <= 0:
        return 0
    return min(count, budget_cents // voucher_cents)


def criteria_of(call) -> Criteria:
    bands: Sequence = call.isee_bands or []
    return Criteria(call.points_per_member, call.points_per_care_need,
                    tuple((int(c), int(p)) for c, p in bands))  # fmt: skip
