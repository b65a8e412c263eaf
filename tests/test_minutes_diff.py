"""The revision page's diff is bounded: pathological verbali answer 200, quickly (issue 27)."""

import random
import time

import pytest

from app.common import linediff
from app.minutes import services
from app.minutes.models import MAX_BODY_BYTES
from app.platform.extensions import db
from tests.conftest import text
from tests.groups_support import mark, team_fixture  # noqa: F401


@pytest.fixture
def draft(team):
    mark(team.meeting, {team.chair: "present", team.member: "present", team.secretary: "absent"})
    minutes = services.create_minutes(team.meeting, team.member, "Verbale", "Prima stesura.")
    db.session.commit()
    return minutes


def save(browser, minutes, body, base):
    response = browser.post(
        f"/verbali/{minutes.id}/modifica", {"title": "Verbale", "body": body, "base_revision": str(base)}
    )
    assert response.status_code == 302, response.status_code


def random_text(size: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    words = [
        "assemblea",
        "quartiere",
        "centro",
        "bambini",
        "famiglie",
        "patto",
        "orto",
        "biblioteca",
        "turno",
        "sala",
    ]
    lines, total = [], 0
    while True:
        line = " ".join(rnd.choice(words) for _ in range(rnd.randrange(1, 15)))
        if total + len(line) + 1 > size:
            return lines
        lines.append(line)
        total += len(line) + 1


def test_identical_lines_no_longer_recurse(browser, team, draft):
    browser.login(team.member)
    save(browser, draft, "\n".join(["- punto all'ordine del giorno"] * 500), 1)  # ~15 KB
    save(browser, draft, "\n".join(["- punto all'ordine del giorno"] * 499 + ["- punto cambiato"]), 2)
    response = browser.get(f"/verbali/{draft.id}/versioni/3")
    assert response.status_code == 200
    page = text(response)
    assert "Tolto: − - punto all'ordine del giorno Aggiunto: + - punto cambiato" in page
    assert "… 496 righe uguali …" in page
    response = browser.get(f"/verbali/{draft.id}/versioni/2")
    assert response.status_code == 200


def test_largest_verbale_against_its_shuffled_lines(browser, team, draft):
    lines = random_text(MAX_BODY_BYTES)
    shuffled = lines[:]
    random.Random(3).shuffle(shuffled)
    browser.login(team.member)
    save(browser, draft, "\n".join(lines), 1)
    save(browser, draft, "\n".join(shuffled), 2)
    started = time.perf_counter()
    response = browser.get(f"/verbali/{draft.id}/versioni/3")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    page = text(response)
    assert "Le differenze sono troppe per mostrarle riga per riga" in page
    assert f'/verbali/{draft.id}/versioni/2"' in response.get_data(as_text=True)
    assert elapsed < 5  # loose: the goal (< 200 ms) is measured by bench/diff_bench.py


def test_a_small_change_in_the_largest_verbale_is_shown():
    lines = random_text(MAX_BODY_BYTES)
    changed = [*lines[:100], "riga nuova", *lines[100:2000], *lines[2010:]]
    rows = linediff.diff("\n".join(lines), "\n".join(changed))
    assert ("added", "riga nuova") in rows
    assert [kind for kind, _ in rows].count("removed") == 10
    assert rows[0] == ("skipped", "97")


def test_edit_script_is_a_shortest_one():
    rnd = random.Random(1)
    for _ in range(500):
        a = [rnd.randrange(4) for _ in range(rnd.randrange(10))]
        b = [rnd.randrange(4) for _ in range(rnd.randrange(10))]
        script = linediff._edit_script(a, b)
        assert [a[i] for kind, i, _ in script if kind != "added"] == a
        assert [b[j] for kind, _, j in script if kind != "removed"] == b
        lcs = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                lcs[i + 1][j + 1] = lcs[i][j] + 1 if x == y else max(lcs[i][j + 1], lcs[i + 1][j])
        assert sum(kind == "same" for kind, _, _ in script) == lcs[-1][-1]


def test_too_many_differences_is_none_not_slow():
    assert linediff.diff("\n".join(map(str, range(5000))), "\n".join(map(str, range(5000, 10000)))) is None
    assert linediff.diff("a\nb", "a\nb") == []
