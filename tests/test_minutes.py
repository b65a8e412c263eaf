"""Verbali: draft, review by those present, approval, publication, rettifica, revisions, trash."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.groups import services as groups
from app.minutes import services
from app.minutes.models import Minutes, MinutesComment, MinutesRevision
from app.platform.extensions import db
from tests.conftest import text
from tests.groups_support import approve, mark, team_fixture  # noqa: F401


@pytest.fixture
def draft(team):
    mark(team.meeting, {team.chair: "present", team.member: "present", team.secretary: "absent"})
    minutes = services.create_minutes(
        team.meeting, team.member, "Verbale del 10.11", "Angelo sintetizza il lavoro."
    )
    db.session.commit()
    return minutes


def url(m):
    return f"/gruppi/{m.group.slug}/verbali/{m.id}"


def test_member_writes_a_verbale_with_preview(browser, team):
    browser.login(team.member)
    new = f"/incontri/{team.meeting.id}/verbale"
    assert "Verbale incontro Welfare in azione del 10.11.2026" in browser.get(new).get_data(as_text=True)
    preview = browser.post(new, {"title": "V", "body": "**Piste** di lavoro", "preview": "1"})
    assert "<strong>Piste</strong>" in preview.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Minutes.id))) == 0
    response = browser.post(new, {"title": "V", "body": "**Piste** di lavoro"})
    minutes = db.session.scalar(select(Minutes))
    assert response.headers["Location"] == url(minutes)
    assert [r.number for r in minutes.revisions] == [1]


def test_draft_is_hidden_from_outsiders_and_anonymous(browser, team, draft):
    assert browser.get(url(draft)).status_code == 404
    browser.login(team.outsider)
    assert browser.get(url(draft)).status_code == 404
    assert browser.get(f"/verbali/{draft.id}/stampa").status_code == 404
    assert browser.get(f"/verbali/{draft.id}/versioni").status_code == 404
    assert browser.get(f"/verbali/{draft.id}/modifica").status_code == 404
    assert browser.post(f"/verbali/{draft.id}/elimina").status_code == 404
    assert browser.get("/gruppi/welfare-in-azione/verbali/999").status_code == 404
    browser.logout()
    browser.login(team.coordinator)
    assert "Angelo sintetizza" in text(browser.get(url(draft)))


def test_verbale_page_lists_present_and_absent(browser, team, draft):
    browser.login(team.member)
    page = text(browser.get(url(draft)))
    assert "Presenti (2) Persona Arrivo Uscita Angela Beretta — — Silvia Fiorentini — —" in page
    assert "Assenti (1) Persona Pietro Bacecchi" in page
    assert "Orario 14:30–16:40" in page
    assert "Numero legale raggiunto: 2 membri presenti su 3 (ne servono 2)." in page
    assert "BOZZA" in page


def test_script_in_markdown_is_shown_harmlessly(browser, team, draft):
    browser.login(team.member)
    body = "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    browser.post(f"/verbali/{draft.id}/modifica", {"title": "T", "body": body, "base_revision": "1"})
    soup = BeautifulSoup(browser.get(url(draft)).get_data(as_text=True), "html.parser")
    body = soup.select_one(".legami-minutes-body")
    assert not body.find_all(["script", "img"])
    assert not [a for a in body.find_all("a") if "javascript" in a.get("href", "")]
    assert "<script>alert(1)</script>" in body.get_text()


def test_edit_keeps_revisions_diff_and_restore(browser, team, draft):
    browser.login(team.member)
    browser.post(
        f"/verbali/{draft.id}/modifica",
        {"title": "Verbale del 10.11", "body": "Riga nuova.", "base_revision": "1"},
    )
    diff = text(browser.get(f"/verbali/{draft.id}/versioni/2"))
    assert "Tolto: − Angelo sintetizza il lavoro." in diff and "Aggiunto: + Riga nuova." in diff
    assert "Versione 1" in text(browser.get(f"/verbali/{draft.id}/versioni"))
    browser.post(f"/verbali/{draft.id}/versioni/1/ripristina")
    db.session.expire_all()
    minutes = db.session.get(Minutes, draft.id)
    assert (minutes.body, minutes.revision_number) == ("Angelo sintetizza il lavoro.", 3)


def test_stale_edit_gets_a_conflict_page_and_loses_nothing(browser, team, draft):
    browser.login(team.member)
    form = browser.get(f"/verbali/{draft.id}/modifica").get_data(as_text=True)
    assert 'name="base_revision" type="hidden" value="1"' in form
    browser.post(
        f"/verbali/{draft.id}/modifica", {"title": "T", "body": "Testo di Silvia", "base_revision": "1"}
    )
    response = browser.post(
        f"/verbali/{draft.id}/modifica", {"title": "T", "body": "Testo di Angela", "base_revision": "1"}
    )
    assert response.status_code == 409
    page = text(response)
    assert "Qualcun altro ha salvato" in page and "Testo di Silvia" in page and "Testo di Angela" in page
    db.session.expire_all()
    assert db.session.get(Minutes, draft.id).body == "Testo di Silvia"
    assert db.session.scalar(select(func.count(MinutesRevision.id))) == 2
    # The conflict page's form starts from the saved version, so saving it again works.
    assert 'name="base_revision" value="2"' in response.get_data(as_text=True)
    data = {"title": "T", "body": "Testo di Silvia e Angela", "base_revision": "2"}
    assert browser.post(f"/verbali/{draft.id}/modifica", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Minutes, draft.id).body == "Testo di Silvia e Angela"


def test_verbale_over_200_kb_is_refused(browser, team, draft):
    browser.login(team.member)
    response = browser.post(
        f"/verbali/{draft.id}/modifica", {"title": "T", "body": "è" * 110_000, "base_revision": "1"}
    )
    assert "al massimo 200 KB" in text(response)
    db.session.expire_all()
    assert db.session.get(Minutes, draft.id).revision_number == 1


def test_review_approval_and_publication(browser, team, draft):
    browser.login(team.chair)
    assert browser.post(f"/verbali/{draft.id}/approva", {"visibility": "public"}).status_code == 403
    browser.logout()
    browser.login(team.member)
    browser.post(f"/verbali/{draft.id}/revisione")
    browser.post(f"/verbali/{draft.id}/commenti", {"body": "Manca Don Michele", "submit": "1"})
    browser.post(f"/verbali/{draft.id}/commenti", {"body": "", "approve": "1"})
    comments = db.session.scalars(select(MinutesComment).order_by(MinutesComment.id))  # in order written
    assert [c.is_approval for c in comments] == [False, True]
    # The plain member cannot publish; the absent secretary cannot review.
    assert browser.post(f"/verbali/{draft.id}/approva", {"visibility": "public"}).status_code == 403
    browser.logout()
    browser.login(team.secretary)
    assert browser.post(f"/verbali/{draft.id}/commenti", {"body": "x", "submit": "1"}).status_code == 403
    browser.post(f"/verbali/{draft.id}/approva", {"visibility": "public"})
    browser.logout()
    public = text(browser.get(url(draft)))
    assert "Angelo sintetizza" in public
    # Attendee names are never public: an anonymous reader sees how many came.
    assert "Presenti 2" in public and "Assenti 1" in public
    assert "Angela Beretta" not in public and "Pietro Bacecchi" not in public
    assert "Angela Beretta" not in text(browser.get(f"/verbali/{draft.id}/stampa"))
    assert "Verbale del 10.11" in text(browser.get(f"/gruppi/{team.group.slug}"))
    browser.login(team.member)
    assert browser.get(f"/verbali/{draft.id}/modifica").status_code == 403


def test_group_only_verbale_is_hidden_from_outsiders(browser, team, draft):
    approve(draft, team.chair, "group")
    db.session.commit()
    assert browser.get(url(draft)).status_code == 404
    assert "Verbale del 10.11" not in text(browser.get(f"/gruppi/{team.group.slug}"))
    browser.login(team.member)
    assert "Verbale del 10.11" in text(browser.get(f"/gruppi/{team.group.slug}"))


def test_rettifica_states_its_reason(browser, team, draft):
    approve(draft, team.chair, "public")
    db.session.commit()
    browser.login(team.member)
    assert browser.get(f"/verbali/{draft.id}/rettifica").status_code == 403
    browser.logout()
    browser.login(team.chair)
    data = {"title": "Verbale del 10.11", "body": "Corretto.", "base_revision": "1", "reason": ""}
    assert "Scrivi il motivo della rettifica." in text(browser.post(f"/verbali/{draft.id}/rettifica", data))
    browser.post(f"/verbali/{draft.id}/rettifica", {**data, "reason": "Nome sbagliato"})
    browser.logout()
    page = text(browser.get(url(draft)))
    assert "Corretto." in page and "Nome sbagliato" in page and "Rettifica di " in page


def test_trash_and_restore(browser, team, draft):
    browser.login(team.member)
    browser.post(f"/verbali/{draft.id}/elimina")
    assert browser.get(url(draft)).status_code == 404
    assert "Verbale del 10.11" in text(browser.get(f"/gruppi/{team.group.slug}/cestino"))
    browser.post(f"/verbali/{draft.id}/recupera")
    assert "Angelo sintetizza" in text(browser.get(url(draft)))


def test_print_view(browser, team, draft):
    browser.login(team.member)
    page = browser.get(f"/verbali/{draft.id}/stampa").get_data(as_text=True)
    assert "print.css" in page and "via Frecavalli 16, Crema" in page


def test_search_finds_only_what_you_may_see(browser, team, draft):
    public = groups.schedule_meeting(team.group, draft.meeting.held_on, draft.meeting.start_time,
                                     draft.meeting.end_time, "Sala", "Famiglie accoglienti")  # fmt: skip
    other = services.create_minutes(public, team.member, "Pubblico", "Le aziende cremasche collaborano.")
    approve(other, team.chair, "public")
    db.session.commit()
    assert "Pubblico" in text(browser.get("/verbali/cerca?q=aziende"))
    assert "Pubblico" in text(browser.get("/verbali/cerca?q=accoglienti"))
    assert "Nessun verbale trovato." in text(browser.get("/verbali/cerca?q=sintetizza"))
    browser.login(team.member)
    assert "Verbale del 10.11" in text(browser.get("/verbali/cerca?q=sintetizza"))
    browser.logout()
    browser.login(team.outsider)
    assert "Nessun verbale trovato." in text(browser.get('/verbali/cerca?q=sintetizza" OR *'))


def test_postgresql_search_uses_italian_stemming(browser, team, draft):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("Italian stemming is PostgreSQL's")
    approve(draft, team.chair, "public")
    db.session.commit()
    assert "Verbale del 10.11" in text(browser.get("/verbali/cerca?q=sintetizzare"))


def test_other_groups_members_cannot_touch_a_public_verbale(browser, team, draft, make_user):
    approve(draft, team.chair, "public")
    db.session.commit()
    other = groups.create_group("Altro", "", None, "")
    groups.add_member(other, team.outsider.email, "chair")
    db.session.commit()
    browser.login(team.outsider)
    assert "Angelo sintetizza" in text(browser.get(url(draft)))
    assert browser.get(f"/verbali/{draft.id}/modifica").status_code == 403
    assert browser.get(f"/verbali/{draft.id}/rettifica").status_code == 403
    assert browser.post(f"/verbali/{draft.id}/elimina").status_code == 403
    assert browser.post(f"/verbali/{draft.id}/commenti", {"body": "x"}).status_code == 403
    assert browser.get(f"/verbali/{draft.id}/versioni").status_code == 404
    db.session.expire_all()
    assert db.session.get(Minutes, draft.id).deleted_at is None
