"""Adding by e-mail never shows the name of an account that existed (issue 27)."""

from app.accounts.models import Role
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.groups_support import team_fixture  # noqa: F401


def test_group_edit_page_lists_an_added_account_by_its_address(browser, team):
    browser.login(team.chair)
    url = f"/gruppi/{team.group.slug}/membri"
    response = browser.post(url, {"member-email": team.outsider.email, "member-role": "member"})
    assert response.status_code == 302
    page = text(browser.get(response.headers["Location"]))
    assert team.outsider.full_name not in page  # "Oscar Estraneo"
    assert team.outsider.email in page
    # Adding a named person with the address of an account shows the address too.
    browser.post(
        f"/gruppi/{team.group.slug}/persone",
        {"person-name": "Nome scritto", "person-email": "x@example.org", "person-role": "member"},
    )
    assert "x@example.org" in text(browser.get(f"/gruppi/{team.group.slug}/modifica"))


def test_lab_page_lists_co_makers_by_address(browser, make_user):
    maker = make_user("maker.lab@example.org", [Role.COMMUNITY_MAKER], "Marta Maker")
    other = make_user("altro@example.org", [], "Ottavio Riservato")
    lab = factories.lab(makers=[maker])
    db.session.commit()
    browser.login(maker)
    response = browser.post(
        f"/gestione/laboratori/{lab.slug}/co-maker", {"maker-email": other.email}, follow_redirects=True
    )
    page = text(response)
    assert "Ottavio Riservato" not in page
    assert "altro@example.org" in page


def test_center_page_lists_managers_by_address(browser, coordinator, make_user):
    other = make_user("gestore@example.org", [], "Gemma Riservata")
    center = factories.center()
    db.session.commit()
    browser.login(coordinator)
    response = browser.post(
        f"/gestione/centri/{center.slug}/gestori", {"email": other.email}, follow_redirects=True
    )
    page = text(response)
    assert "Gemma Riservata" not in page
    assert "gestore@example.org" in page
