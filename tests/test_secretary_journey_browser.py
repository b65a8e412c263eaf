"""The secretary's journey in a real browser (JOURNEYS.md, issue 28's "Done when"), with the real
meeting of 9 April 2014 rebuilt as points: scheduled through the form with its ordine del giorno
and its place, the convocazioni received by a real SMTP server (each with its calendar
invitation), two members answering from their e-mails without logging in, the secretary seeing
who is expected; the meeting moved to today (answers close once a meeting has begun, so the
answers are given while it is ahead), attendance by name beside each answer, the verbale point by
point, review, approval, the approved page and its PDF/A. At 1280 px and 390 px, axe-core on
every page; the papers of point 2 attached by the secretary, listed in the convocazione and found
by a member under their point. (In CI a skip is a failure.)"""

import io
import json
import threading
import time as clock
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest
from flask_babel import format_date
from icalendar import Calendar
from pypdf import PdfReader

from app import create_app
from app.auth import services as accounts
from app.common.timeutil import today_in_rome
from app.groups import services as groups
from app.groups.models import GroupRole
from app.platform.extensions import db
from tests.browser_support import PASSWORD, require_browser, run_script, served
from tests.mail_support import Mailbox, body, free_port
from tests.test_attachments_actions import PDF
from tests.test_convocazione_calendar import calendar_part
from tests.verbale_2014 import GUESTS

pytestmark = pytest.mark.browser

AHEAD = today_in_rome() + timedelta(days=7)
TODAY = today_in_rome()
ACCOUNTS = [  # the members of 2014 with an account; Claudio Dagheti, absent that day, answers "No"
    ("beretta@example.org", "Angela Beretta", GroupRole.CHAIR),
    ("bacecchi@example.org", "Pietro Bacecchi", GroupRole.SECRETARY),
    ("fiorentini@example.org", "Silvia Fiorentini", GroupRole.MEMBER),
    ("dagheti@example.org", "Claudio Dagheti", GroupRole.MEMBER),
]
BY_NAME = ["Angelo Stanghellini", "Luca Uberti Foppa"]  # members recorded by name, no account
PRESENT = {"Angela Beretta", "Pietro Bacecchi", "Silvia Fiorentini", "Angelo Stanghellini"}
POINTS = [
    ("Sintesi del lavoro del gruppo", "Angelo Stanghellini", "30"),
    ("Piste di lavoro", "", "90"),
    ("Il ponte con il mondo profit", "", "20"),
]
SECTIONS = [
    "Angelo Stanghellini sintetizza il lavoro fatto, finora, dal gruppo di lavoro.",
    "1) Meta-ambito; 2) Contrasto all'isolamento; 3) Accompagnamento educativo; 4) Processi family friendly.",
    "Come costruire il ponte con le aziende cremasche? Se ne riparla.",
]
DECISIONS = [
    ("resolution", "Il progetto guarda al lungo periodo e individua i luoghi di prossimità."),
    ("recommendation", "Individuare gli ambiti di attuazione della sperimentazione."),
    ("none", ""),
]


class Postman(threading.Thread):
    """Delivers the queue when the script asks (a file deliver-N), as the worker would, and
    puts each message's HTML part in the inbox as a mail app shows it; delivered-N lists them."""

    def __init__(self, app, mailbox, folder: Path):
        super().__init__(daemon=True)
        self.app, self.mailbox, self.folder = app, mailbox, folder
        self.batches: list[list] = []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            asked = self.folder / f"deliver-{len(self.batches) + 1}"
            if not asked.exists():
                clock.sleep(0.05)
                continue
            with self.app.app_context():
                messages = self.mailbox.deliver()
                db.session.remove()
            n = len(self.batches) + 1
            listed = []
            for i, message in enumerate(messages):
                to = message["To"].addresses[0].addr_spec
                path = self.folder / f"{n}-{i}-{to}.html"
                path.write_text(body(message, "html"))
                listed.append({"to": to, "subject": str(message["Subject"]), "file": str(path)})
            self.batches.append(messages)
            (self.folder / f"delivered-{n}").write_text(json.dumps(listed))


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    require_browser()
    workdir = tmp_path_factory.mktemp("journey")
    inbox = workdir / "inbox"
    inbox.mkdir()
    port = free_port()
    app = create_app({
        "SECRET_KEY": "e2e", "DATABASE_URL": f"sqlite:///{workdir / 'journey.sqlite3'}", "INSTANCE_PATH": str(workdir),
        "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_LEVEL": "WARNING",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_TIMEOUT": 5, "MAIL_DISPATCH": "queue",
    })  # fmt: skip
    with app.app_context():
        db.create_all()
        group = groups.create_group(
            "Welfare di Comunità e Innovazione Sociale", "Gruppo di progettazione", None, "Crema"
        )
        for email, name, role in ACCOUNTS:
            accounts.create_user(email, name, set()).set_password(PASSWORD)
            groups.add_member(group, email, role, None)
        for name in BY_NAME:
            groups.add_person(group, name, "", "member", None)
        db.session.commit()
        slug = group.slug
    with app.test_request_context():
        words = {"ahead": format_date(AHEAD, "d MMMM"), "today": format_date(TODAY, "d MMMM"),
                 "ahead_long": format_date(AHEAD, "EEEE d MMMM y")}  # fmt: skip
    mailbox = Mailbox(app, port)
    mailbox.start()
    postman = Postman(app, mailbox, inbox)
    postman.start()
    (workdir / "downloads").mkdir()
    paper = workdir / "Piste di lavoro 2014.pdf"
    paper.write_bytes(PDF)
    try:
        with served(app) as base:
            app.config["PUBLIC_URL"] = base
            config = {
                "base": base, "password": PASSWORD, "slug": slug, "inbox": str(inbox),
                "secretary": "bacecchi@example.org", "reviewer": "fiorentini@example.org",
                "yes": "fiorentini@example.org", "no": "dagheti@example.org",
                "ahead": AHEAD.isoformat(), "today": TODAY.isoformat(), "points": POINTS,
                "sections": SECTIONS, "decisions": DECISIONS, "guests": GUESTS, "present": sorted(PRESENT),
                "download_dir": str(workdir / "downloads"), "paper": str(paper),
            }  # fmt: skip
            seen = run_script("browser/secretary_journey.mjs", config, workdir, timeout=300)
    finally:
        postman.stopped.set()
        postman.join(2)
        mailbox.stop()
    return seen, postman.batches, words


def test_the_convocazioni_are_calendar_invitations_for_every_member(walk):
    _seen, batches, words = walk
    invitations, updates = batches[0], batches[1]
    to_whom = sorted(m["To"].addresses[0].addr_spec for m in invitations)
    assert to_whom == sorted(email for email, _n, _r in ACCOUNTS)  # those without an account get none
    names = {email: name for email, name, _r in ACCOUNTS}
    for label, messages, sequence in (("invite", invitations, 0), ("update", updates, 1)):
        for message in messages:
            when = words["ahead" if label == "invite" else "today"]
            prefix = "Convocazione" if label == "invite" else "Incontro modificato"
            assert str(message["Subject"]) == f"{prefix}, {when}: Welfare di Comunità e Innovazione Sociale"
            plain = body(message).replace("\r", "")
            assert (
                "1. Sintesi del lavoro del gruppo — presenta Angelo Stanghellini, 30 min\n"
                "2. Piste di lavoro — 90 min\n   Allegato: piste-di-lavoro-2014.pdf – "
            ) in plain
            assert "\n3. Il ponte con il mondo profit — 20 min" in plain
            assert ">piste-di-lavoro-2014.pdf</a>" in body(message, "html")
            calendar = Calendar.from_ical(calendar_part(message, "REQUEST"))
            (zone,) = calendar.walk("VTIMEZONE")
            (event,) = calendar.walk("VEVENT")
            assert str(zone["TZID"]) == "Europe/Rome" == event["DTSTART"].params["TZID"]
            assert event.decoded("DTSTART").date() == (AHEAD if label == "invite" else TODAY)
            assert (event.decoded("DTSTART").hour, event.decoded("DTSTART").minute) == (14, 30)
            assert str(event["LOCATION"]) == "via Frecavalli 16, Crema"
            assert int(event["SEQUENCE"]) == sequence
            to = message["To"].addresses[0].addr_spec
            attendee = event["ATTENDEE"]
            assert str(attendee) == f"mailto:{to}" and attendee.params["RSVP"] == "TRUE"
            assert attendee.params["CN"] == names[to]
            assert str(event["ORGANIZER"]) == "mailto:bacecchi@example.org"


def test_the_secretary_schedules_the_2014_points_and_the_place(walk):
    steps = walk[0]["steps"]
    page = steps["scheduled"]
    assert "Incontro in calendario." in page
    assert "Sintesi del lavoro del gruppo — presenta Angelo Stanghellini, 30 min" in page
    assert "Piste di lavoro — 90 min" in page and "Il ponte con il mondo profit — 20 min" in page
    assert "via Frecavalli 16, Crema" in page
    assert "Riporta al prossimo incontro" not in page  # a week ahead, nothing is carried over yet
    assert "Allegato «piste-di-lavoro-2014.pdf» aggiunto." in steps["attached"]


def test_a_member_finds_the_papers_of_a_point_under_it_on_the_meeting_page(walk):
    steps = walk[0]["steps"]
    assert steps["member_point_2"].startswith("Piste di lavoro — 90 min piste-di-lavoro-2014.pdf (1 KB)")
    assert steps["member_download"] == "piste-di-lavoro-2014.pdf"


def test_two_members_answer_from_their_mails_without_logging_in(walk):
    steps, words = walk[0]["steps"], walk[2]
    assert "Sì, ci sarò" in steps["mail_yes"] and "Buongiorno Silvia Fiorentini" in steps["mail_yes"]
    assert f"Ci sarai all'incontro di {words['ahead_long']}?" in steps["link_yes"]
    assert "Rispondi come Silvia Fiorentini." in steps["link_yes"]
    assert "Sintesi del lavoro del gruppo" in steps["link_yes"]
    assert steps["link_yes_checked"] == "yes" and steps["link_no_checked"] == "no"
    assert "Rispondi come Claudio Dagheti." in steps["link_no"]
    assert "Grazie: la tua risposta è registrata (sì)." in steps["answered_yes"]
    assert "Grazie: la tua risposta è registrata (no)." in steps["answered_no"]
    assert "La tua risposta: no." in steps["answered_no"]


def test_the_secretary_sees_who_is_expected_and_the_foreseen_quorum(walk):
    page = walk[0]["steps"]["expected"]
    assert "Numero legale previsto: 1 su 6, non raggiunto (ne servono 4)." in page
    assert "Ci saranno (1) Silvia Fiorentini" in page
    assert "Non ci saranno (1) Claudio Dagheti" in page
    assert "Non hanno risposto (4) Angela Beretta" in page and "Pietro Bacecchi" in page
    assert "Angelo Stanghellini" in page.split("Non hanno risposto (4)")[1]


def test_on_the_day_attendance_shows_the_answers_and_is_marked_by_name(walk):
    steps = walk[0]["steps"]
    assert "Incontro aggiornato." in steps["moved"]
    before = {name: tuple(row) for name, row in steps["rows_before"]}
    assert before["Silvia Fiorentini"] == ("ha risposto: sì", "Non registrato")
    assert before["Claudio Dagheti"] == ("ha risposto: no", "Non registrato")
    assert before["Angela Beretta"] == ("", "Non registrato")
    assert {status for _answer, status in before.values()} == {"Non registrato"}  # nobody marked
    after = {name: tuple(row) for name, row in steps["rows_after"]}
    assert len(after) == 19
    assert after["Silvia Fiorentini"] == ("ha risposto: sì", "Presente")
    assert after["Claudio Dagheti"] == ("ha risposto: no", "Assente")
    assert after["Donata Bertoletti"][1] == "Assente" and after["Michele Gennuso"][1] == "Presente"
    assert "Presenze salvate." in steps["attendance"]
    assert "Numero legale raggiunto: 4 membri presenti su 6 (ne servono 4)." in steps["attendance"]


def test_the_verbale_is_written_point_by_point_and_approved(walk):
    steps = walk[0]["steps"]
    draft = steps["draft"]
    for n, (title, _p, _m) in enumerate(POINTS, 1):
        assert f"## Sul punto {n}: {title}" in draft
    assert "Verbale n. 1/" in steps["approved"] and "approvato" in steps["approved"]
    page = steps["approved"]
    decisions = page.split("Decisioni per punto")[1]
    assert decisions.index("Sintesi del lavoro del gruppo") < decisions.index("Piste di lavoro")
    assert "Deliberazione" in decisions and DECISIONS[0][1] in decisions
    assert "Raccomandazione" in decisions and DECISIONS[1][1] in decisions
    assert "La seduta è tolta alle 16:40" in page


def test_the_pdf_a_follows_the_points_with_issuer_and_closing(walk):
    steps = walk[0]["steps"]
    data = Path(steps["pdf_path"]).read_bytes()
    assert pikepdf.open(io.BytesIO(data)).open_metadata().get("pdfaid:part") in ("2", "3", "4")
    content = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert content.index("Sul punto 1: Sintesi del lavoro del gruppo") < content.index(
        "Sul punto 2: Piste di lavoro"
    )
    assert f"Sintesi del lavoro del gruppo: Deliberazione. {DECISIONS[0][1]}" in content
    assert f"Piste di lavoro: Raccomandazione. {DECISIONS[1][1]}" in content
    assert "Il ponte con il mondo profit: nessuna decisione." in content
    assert "Piste di lavoro — 90 min Allegati al punto: piste-di-lavoro-2014.pdf" in content
    assert "La seduta è tolta alle 16:40" in content
    issuer = content.split("Verbale n. 1/")[0]
    assert "Welfare di Comunità e Innovazione Sociale" in issuer and "Ambito distrettuale di Crema" in issuer


def test_no_serious_accessibility_violation_nor_console_error(walk):
    seen = walk[0]
    assert len(seen["axe"]) >= 16
    assert {page: found for page, found in seen["axe"].items() if found} == {}
    assert seen["console"] == []
