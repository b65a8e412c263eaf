"""Posta inviata: administrators list, open and resend messages."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.accounts.models import Role
from app.auth import notices as accounts
from app.messages.models import Message
from app.platform.extensions import db
from tests.conftest import text
from tests.test_query_counts import count_queries


def _invited(make_user, n=1):
    users = [make_user(f"invitato{i}@example.org", name=f"Invitato {i}", password=None) for i in range(n)]
    for user in users:
        accounts.send_invitation(user)
    db.session.commit()
    return db.session.scalars(select(Message).order_by(Message.id)).all()


@pytest.mark.parametrize("url", ["/amministrazione/posta/", "/amministrazione/posta/1"])
def test_anonymous_is_sent_to_login(browser, url):
    response = browser.get(url)
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]


def test_non_admins_are_forbidden(browser, make_user):
    user = make_user("coord@example.org", [Role.COORDINATOR], "Carla Coordinatrice")
    browser.login(user)
    assert browser.get("/amministrazione/posta/").status_code == 403
    assert browser.post("/amministrazione/posta/1/invia").status_code == 403


def test_missing_message_is_not_found(as_admin):
    assert as_admin.get("/amministrazione/posta/999").status_code == 404
    assert as_admin.post("/amministrazione/posta/999/invia").status_code == 404


def test_list_and_open_show_state_recipient_and_text(as_admin, make_user, mailbox):
    (message,) = _invited(make_user)
    page = text(as_admin.get("/amministrazione/posta/"))
    assert "Invitato 0 <invitato0@example.org>" in page and "In coda" in page
    preview = text(as_admin.get(f"/amministrazione/posta/{message.id}"))
    assert "Anteprima" in preview and "Buongiorno Invitato 0" in preview
    mailbox.deliver()
    page = text(as_admin.get("/amministrazione/posta/?stato=sent"))
    assert "Il tuo account su Legami" in page and "Inviato" in page
    assert "Nessun messaggio." in text(as_admin.get("/amministrazione/posta/?stato=failed"))


def test_failed_message_shows_its_error_and_can_be_sent_again(as_admin, make_user, mailbox):
    (message,) = _invited(make_user)
    mailbox.recorder.reply = "550 5.1.1 Casella inesistente"
    mailbox.deliver()
    page = text(as_admin.get(f"/amministrazione/posta/{message.id}"))
    assert "Non inviato" in page and "550 5.1.1 Casella inesistente" in page
    mailbox.recorder.reply = None
    response = as_admin.post(
        f"/amministrazione/posta/{message.id}/invia", token_from=f"/amministrazione/posta/{message.id}"
    )
    assert "di nuovo in coda" in text(as_admin.get(response.headers["Location"]))
    assert len(mailbox.deliver()) == 1
    db.session.expire_all()
    assert db.session.get(Message, message.id).state == "sent"


def test_list_makes_a_fixed_number_of_queries(as_admin, make_user):
    _invited(make_user, 3)
    as_admin.get("/amministrazione/posta/")
    with count_queries() as few:
        as_admin.get("/amministrazione/posta/")
    for i in range(3, 12):
        accounts.send_invitation(make_user(f"altro{i}@example.org", name=f"Altro {i}", password=None))
    db.session.commit()
    with count_queries() as many:
        as_admin.get("/amministrazione/posta/")
    assert len(few) == len(many)


def test_administrators_reach_posta_inviata_from_the_menu(as_admin):
    """Like Utenti and Comuni: a link in the main navigation, marked current on its pages."""
    page = BeautifulSoup(as_admin.get("/area-riservata").data, "html.parser")
    menu = page.find("nav", attrs={"aria-label": "Navigazione principale"})
    links = {a.get_text(strip=True): a["href"] for a in menu.find_all("a")}
    assert links["Posta inviata"] == "/amministrazione/posta/"
    outbox = BeautifulSoup(as_admin.get("/amministrazione/posta/").data, "html.parser")
    current = outbox.find("nav", attrs={"aria-label": "Navigazione principale"}).find(attrs={"aria-current": "page"})
    assert current.get_text(strip=True) == "Posta inviata"


def test_the_menu_offers_posta_inviata_to_administrators_only(browser, make_user):
    for n, role in enumerate((Role.COORDINATOR, Role.OPERATOR, Role.COMMUNITY_MAKER)):
        browser.login(make_user(f"staff{n}@example.org", [role], f"Persona {n}"))
        page = text(browser.get("/area-riservata"))
        assert "Area riservata" in page and "Posta inviata" not in page
        browser.logout()
