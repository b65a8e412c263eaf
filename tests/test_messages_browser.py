"""In a real browser: a resident signs up for a lab, opens the request to confirm that a real SMTP
server received, confirms from its link, opens the confirmation e-mail, follows the withdraw link
and withdraws. (In CI a skip is a failure.)"""

import email
from datetime import time, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app import create_app
from app.common.timeutil import today_in_rome
from app.labs.models import Registration
from app.platform.extensions import db
from tests import factories
from tests.browser_support import PASSWORD, require_browser, run_script, served
from tests.mail_support import free_port

pytestmark = pytest.mark.browser


class Inbox:
    """Writes each message's HTML part to <inbox>/<recipient>-<n>.html (n: 1 for the first message
    to that recipient), as a mail app would show it."""

    def __init__(self, folder):
        self.folder = folder
        self.counts = {}

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        html = message.get_body(preferencelist=("html",)).get_content()
        for recipient in envelope.rcpt_tos:
            self.counts[recipient] = self.counts.get(recipient, 0) + 1
            (self.folder / f"{recipient}-{self.counts[recipient]}.html").write_text(html)
        return "250 OK"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    require_browser()
    from app.messages import queue

    workdir = tmp_path_factory.mktemp("mail-e2e")
    inbox = workdir / "inbox"
    inbox.mkdir()
    smtp = Controller(Inbox(inbox), hostname="127.0.0.1", port=free_port())
    smtp.start()
    app = create_app({
        "SECRET_KEY": "e2e", "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}", "INSTANCE_PATH": str(workdir),
        "RATELIMIT_STORAGE_URI": "memory://", "LOG_LEVEL": "WARNING", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_DISPATCH": "queue",
    })  # fmt: skip
    with app.app_context():
        db.create_all()
        from app.accounts.models import Role
        from app.auth import services as accounts

        # Every role: the widest menu there is.
        admin = accounts.create_user(
            "admin@example.org", "Alba Amministratrice", {Role.ADMIN, Role.COORDINATOR, Role.OPERATOR}
        )
        admin.set_password(PASSWORD)
        lab = factories.lab(capacity=5)
        factories.session(lab, today_in_rome() + timedelta(days=2), time(18), time(20))
        db.session.commit()
        slug = lab.slug
    queue.huey.immediate = True  # the worker's task runs right after the request's commit
    try:
        with served(app) as base:
            app.config["PUBLIC_URL"] = base
            config = {"base": base, "lab_slug": slug, "inbox": str(inbox), "email": "admin@example.org",
                      "password": PASSWORD}  # fmt: skip
            found = run_script("browser/mail_flow.mjs", config, workdir)
    finally:
        queue.huey.immediate = False
        smtp.stop()
    with app.app_context():
        statuses = db.session.scalars(select(Registration.status)).all()
    return found, statuses


@pytest.mark.parametrize("label", ["phone", "desktop"])
def test_resident_signs_up_confirms_from_the_mail_reads_the_next_and_withdraws(results, label):
    found, statuses = results
    steps = found["steps"]
    assert "Ti abbiamo scritto: conferma l'iscrizione dal messaggio entro 2 ore" in steps[f"received_{label}"]
    assert "Il posto è tenuto per te per 2 ore" in steps[f"request_{label}"]
    assert f"Iscrizione di Teresa Villa {label}" in steps[f"confirm_{label}"]
    assert "Iscrizione confermata: hai un posto." in steps[f"confirmed_{label}"]
    assert "la tua iscrizione a «Orto condiviso» è confermata" in steps[f"mail_{label}"]
    assert f"Teresa Villa {label}, hai un posto." in steps[f"private_{label}"]
    assert "Hai ritirato la tua iscrizione" in steps[f"withdrawn_{label}"]
    assert statuses == ["withdrawn", "withdrawn"]


def test_posta_inviata_lists_the_sign_ups_as_sent(results):
    found, _ = results
    steps = found["steps"]
    for label in ("phone", "desktop"):
        assert "Iscrizione confermata: Orto condiviso" in steps[f"outbox_{label}"]
        assert "Inviato" in steps[f"outbox_{label}"]
        assert "Buongiorno Teresa Villa" in steps[f"outbox_message_{label}"]


def test_the_widest_menu_fits_and_esci_is_at_hand(results):
    """An administrator who coordinates too: nothing runs off the screen, «Esci» is seen at once."""
    steps = results[0]["steps"]
    for label in ("phone", "desktop"):
        assert steps[f"overflow_{label}"] == 0, label
        assert steps[f"esci_{label}"] is True, label
    assert "Coordinamento" in steps["menu_desktop"] and "Patti" in steps["menu_desktop"]


def test_mail_pages_have_no_serious_accessibility_violations(results):
    found, _ = results
    assert found["axe"] and all(v == [] for v in found["axe"].values()), found["axe"]
    assert found["console"] == []
