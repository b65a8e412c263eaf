"""Benchmark: a verbale's revision page at the largest size, for the diffs that used to hurt.

Run:  .venv/bin/python bench/diff_bench.py          (SQLite in a temporary folder; BENCH_RUNS=7)

Cases, each as two saved versions of one verbale (MAX_BODY_BYTES, 200 KB, unless said):
500 identical lines with one changed (RecursionError before), random text against the same
lines shuffled (12 s before), and one line changed in the middle of random text. Prints the
median and max wall time of GET /verbali/<id>/versioni/<n> through the test client, and of
the diff alone. Goal (issue 27): every case under 200 ms.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from app.auth import services as accounts
from app.common import linediff
from app.groups import services as groups
from app.groups.models import GroupRole
from app.minutes import services as minutes_services
from app.minutes.models import MAX_BODY_BYTES
from app.platform.extensions import db
from tests.conftest import Browser, make_config

RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def random_lines(size: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)  # noqa: S311 - test data, not secrets
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


def cases() -> dict[str, tuple[str, str]]:
    lines = random_lines(MAX_BODY_BYTES)
    shuffled = lines[:]
    random.Random(3).shuffle(shuffled)  # noqa: S311
    same = ["- punto all'ordine del giorno"] * 500
    return {
        "500 identical lines, one changed": ("\n".join(same), "\n".join([*same[:-1], "- punto cambiato"])),
        "200 KB random vs shuffled": ("\n".join(lines), "\n".join(shuffled)),
        "200 KB, one line changed": ("\n".join(lines), "\n".join([*lines[:1000], "nuova", *lines[1001:]])),
        "200 KB of 'a', 'b' vs 'b', 'a'": ("a\nb\n" * 50_000, "b\na\n" * 50_000),
    }


def main() -> None:
    folder = tempfile.mkdtemp()
    app = create_app(make_config(f"sqlite:///{folder}/bench.sqlite3", folder))
    with app.app_context():
        db.create_all()
        user = accounts.create_user("membro@example.org", "Silvia Fiorentini", set())
        user.set_password("una password lunga e sicura")
        group = groups.create_group("Welfare in azione", "Il gruppo.", None, "Crema")
        groups.add_member(group, user.email, GroupRole.MEMBER)
        db.session.commit()
        browser = Browser(app.test_client())
        browser.login(user, "una password lunga e sicura")
        print(f"{'case':<36} {'page median ms':>15} {'page max ms':>12} {'diff ms':>8}  shown")
        for n, (name, (old, new)) in enumerate(cases().items()):
            meeting = groups.schedule_meeting(group, date(2026, 11, 1 + n), clock(14), clock(16), "Sala", "")
            minutes = minutes_services.create_minutes(meeting, user, "Verbale", old)
            minutes_services.edit_minutes(minutes, user, "Verbale", new)
            db.session.commit()
            times = []
            for _ in range(RUNS):
                started = time.perf_counter()
                response = browser.get(f"/verbali/{minutes.id}/versioni/2")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            started = time.perf_counter()
            rows = linediff.diff(old, new)
            alone = (time.perf_counter() - started) * 1000
            shown = "too many differences" if rows is None else f"{len(rows)} rows"
            print(f"{name:<36} {statistics.median(times):>15.1f} {max(times):>12.1f} {alone:>8.1f}  {shown}")


if __name__ == "__main__":
    main()
