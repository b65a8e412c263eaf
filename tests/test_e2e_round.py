"""The secretary's round in a real browser, with the 2014 verbale (tests/browser/verbale_2014.mjs).

Skipped, and said so, where Chromium or the npm packages are missing; in CI a skip fails."""

import hashlib
import io
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from app import create_app
from app.auth import services as accounts
from app.groups import services as groups
from app.groups.models import GroupRole
from app.platform.extensions import db
from tests.browser_support import PASSWORD, require_browser, run_script, served
from tests.verbale_2014 import BODY, GUESTS, MEMBERS_WITHOUT_ACCOUNT

pytestmark = pytest.mark.browser
MEMBERS = {"Angela Beretta": "present", "Pietro Bacecchi": "present", "Silvia Fiorentini": "present",
           **dict(MEMBERS_WITHOUT_ACCOUNT)}  # fmt: skip


@pytest.fixture(scope="module")
def seen(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("round")
    app = create_app({
        "SECRET_KEY": "e2e", "DATABASE_URL": f"sqlite:///{workdir / 'round.sqlite3'}", "INSTANCE_PATH": str(workdir),
        "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_LEVEL": "WARNING",
    })  # fmt: skip
    with app.app_context():
        db.create_all()
        people = {}
        for email, name, role in (("beretta@example.org", "Angela Beretta", GroupRole.CHAIR),
                                  ("bacecchi@example.org", "Pietro Bacecchi", GroupRole.SECRETARY),
                                  ("fiorentini@example.org", "Silvia Fiorentini", GroupRole.MEMBER)):  # fmt: skip
            people[role] = accounts.create_user(email, name, set())
            people[role].set_password(PASSWORD)
        group = groups.create_group(
            "Welfare di Comunità e Innovazione Sociale", "Gruppo di progettazione", None, ""
        )
        for role, user in people.items():
            groups.add_member(group, user.email, role, None)
        db.session.commit()
        slug = group.slug
    (workdir / "downloads").mkdir()
    with served(app) as base:
        config = {
            "base": base, "password": PASSWORD, "slug": slug,
            "secretary": "bacecchi@example.org", "member": "fiorentini@example.org",
            "members_without_account": [n for n, _ in MEMBERS_WITHOUT_ACCOUNT], "guests": GUESTS,
            "member_status": MEMBERS, "body": BODY, "download_dir": str(workdir / "downloads"),
        }  # fmt: skip
        return run_script("browser/verbale_2014.mjs", config, workdir, timeout=400)


def test_attendance_names_every_person_and_starts_unrecorded(seen):
    before = dict(seen["steps"]["unrecorded"])
    assert len(before) == 19
    assert {before[name] for name in MEMBERS} == {"Non registrato"}
    assert before["Donata Bertoletti"] == "Assente" and before["Michele Gennuso"] == "Presente"
    after = dict(seen["steps"]["attendance_rows"])
    assert sorted(after) == sorted([*MEMBERS, *(n for n, _ in GUESTS)])
    assert after["Claudio Dagheti"] == "Assente" and after["Angelo Stanghellini"] == "Presente"
    assert "L'uscita deve venire dopo l'arrivo." in seen["steps"]["time_error"]
    assert "Numero legale raggiunto: 4 membri presenti su 6 (ne servono 4)." in seen["steps"]["attendance"]


def test_the_draft_prints_as_bozza_with_signatures(seen):
    text = seen["steps"]["print_draft"]
    assert (
        "BOZZA" in text
        and "Il/La Presidente Angela Beretta" in text
        and "Il/La Segretario/a Pietro Bacecchi" in text
    )
    assert "Presenti (15)" in text and "Assenti (4)" in text and "Michele Gennuso (ospite) 15:10" in text


def test_approval_pdf_and_checksum(seen):
    steps = seen["steps"]
    assert (
        "Verbale n. 1/2014 approvato" in steps["approved"] and "Approvato dai presenti" in steps["approved"]
    )
    data = Path(steps["pdf_path"]).read_bytes()
    assert steps["pdf_name"] == "verbale-1-2014-v1.pdf"
    assert hashlib.sha256(data).hexdigest() == steps["sha_shown"]
    assert pikepdf.open(io.BytesIO(data)).open_metadata().get("pdfaid:part") in ("2", "3", "4")
    content = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert (
        "Angelo Stanghellini" in content
        and "Simone Silva" in content
        and "Numero legale raggiunto" in content
    )
    assert "Oratorio di San Bartolomeo" in content  # the next meeting, carried into the verbale
    assert "L'impronta corrisponde al verbale n. 1/2014" in steps["verified"]


def test_the_meeting_is_closed_and_the_next_one_carries_the_action(seen):
    assert "incontro e presenze non si modificano più" in seen["steps"]["locked"]
    pending = seen["steps"]["next_meeting"].split("Azioni in sospeso")[1].split("Azioni decise")[0]
    assert "Costruire il ponte con il mondo profit — Angelo Stanghellini" in pending


def test_a_header_rettifica_says_who_was_there_after_all(seen):
    page = seen["steps"]["header_corrected"]
    assert "ha una nuova versione approvata" in page
    assert "Claudio Dagheti era presente, arrivato alle 15" in page
    assert "Claudio Dagheti: assente diventa presente dalle 15:00." in page


def test_roster_lists_people_without_an_account(seen):
    assert "Luca Uberti Foppa senza account" in seen["steps"]["roster"]
    sheet = seen["steps"]["sign_in"]
    assert "Luca Uberti Foppa" in sheet and "Donata Bertoletti" in sheet and "Firma" in sheet


def test_no_serious_accessibility_violation_at_1280_and_390(seen):
    assert len(seen["axe"]) >= 30
    assert {page: found for page, found in seen["axe"].items() if found} == {}


def test_no_console_errors(seen):
    assert seen["console"] == []
