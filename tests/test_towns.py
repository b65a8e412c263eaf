"""Administrators manage towns (Comuni) and their zones (quartieri)."""

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.platform.extensions import db
from app.towns import services
from app.towns.models import Town, Zone
from tests.conftest import opened, text

TOWNS = "/amministrazione/comuni/"


@pytest.fixture
def crema(app):
    town = services.create_town("Crema", "CR", "Crema")
    services.add_zone(town, "Ombriano")
    db.session.commit()
    return town


def test_anonymous_is_sent_to_login(browser, crema):
    for url in (TOWNS, "/amministrazione/comuni/nuovo", f"/amministrazione/comuni/{crema.id}"):
        assert browser.get(url).headers["Location"].startswith("/accedi?next=")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.COMMUNITY_MAKER])
def test_non_admins_are_forbidden(browser, make_user, crema, role):
    browser.login(make_user("x@example.org", [role]))
    assert browser.get(TOWNS).status_code == 403
    assert (
        browser.post("/amministrazione/comuni/nuovo", {"name": "Lodi", "province": "LO"}).status_code == 403
    )
    assert browser.post(f"/amministrazione/comuni/{crema.id}/elimina").status_code == 403
    assert db.session.scalar(select(func.count(Town.id))) == 1


def test_missing_town_and_zone_are_not_found(as_admin):
    assert as_admin.get("/amministrazione/comuni/999").status_code == 404
    assert as_admin.post("/amministrazione/comuni/999/quartieri", {"zone-name": "X"}).status_code == 404
    assert as_admin.get("/amministrazione/quartieri/999").status_code == 404


def test_create_town(as_admin):
    response = as_admin.post(
        "/amministrazione/comuni/nuovo", {"name": "Rivolta d'Adda", "province": "cr", "district": "Crema"}
    )
    assert response.status_code == 302
    town = db.session.scalar(select(Town))
    assert (town.name, town.slug, town.province, town.district) == (
        "Rivolta d'Adda",
        "rivolta-d-adda",
        "CR",
        "Crema",
    )
    assert "Rivolta d'Adda" in text(as_admin.get(TOWNS))


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "province": "CR"}, "Scrivi il nome."),
        ({"name": "X" * 81, "province": "CR"}, "Il nome può avere al massimo 80 caratteri."),
        ({"name": "Lodi", "province": "LOD"}, "La sigla della provincia è di due lettere"),
        ({"name": "Lodi", "province": "1A"}, "La sigla della provincia è di due lettere"),
        ({"name": "crema", "province": "CR"}, "Esiste già un Comune con questo nome."),
    ],
)
def test_create_town_bad_input_changes_nothing(as_admin, crema, data, message):
    response = as_admin.post("/amministrazione/comuni/nuovo", data)
    assert response.status_code == 200
    assert message in text(response)
    assert db.session.scalar(select(func.count(Town.id))) == 1


def test_rename_keeps_the_slug_so_feeds_keep_working(as_admin, crema):
    as_admin.post(
        f"/amministrazione/comuni/{crema.id}",
        {"name": "Crema (CR)", "province": "CR", "district": "", **opened(crema)},
    )
    db.session.expire_all()
    town = db.session.get(Town, crema.id)
    assert town.name == "Crema (CR)" and town.slug == "crema"


def test_same_slug_gets_a_suffix(app):
    first = services.create_town("San Bassano", "CR", "")
    second = services.create_town("San-Bassano", "CR", "")
    assert (first.slug, second.slug) == ("san-bassano", "san-bassano-2")


def test_add_rename_and_delete_zones(as_admin, crema):
    response = as_admin.post(f"/amministrazione/comuni/{crema.id}/quartieri", {"zone-name": "San Bernardino"})
    assert response.status_code == 302
    zone = db.session.scalar(select(Zone).where(Zone.name == "San Bernardino"))
    assert zone.slug == "san-bernardino" and zone.town_id == crema.id
    as_admin.post(f"/amministrazione/quartieri/{zone.id}", {"name": "San Bernardino Vergine", **opened(zone)})
    db.session.expire_all()
    assert db.session.get(Zone, zone.id).name == "San Bernardino Vergine"
    zone_id = zone.id
    as_admin.post(f"/amministrazione/quartieri/{zone_id}/elimina")
    db.session.expire_all()
    assert db.session.get(Zone, zone_id) is None
    assert "Ombriano" in text(as_admin.get(f"/amministrazione/comuni/{crema.id}"))


@pytest.mark.parametrize(
    "name,message",
    [("", "Scrivi il nome."), ("ombriano", "Questo Comune ha già un quartiere con questo nome.")],
)
def test_add_zone_bad_input(as_admin, crema, name, message):
    response = as_admin.post(f"/amministrazione/comuni/{crema.id}/quartieri", {"zone-name": name})
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.scalar(select(func.count(Zone.id))) == 1


def test_delete_town_removes_its_zones(as_admin, crema):
    as_admin.post(f"/amministrazione/comuni/{crema.id}/elimina")
    assert db.session.scalar(select(func.count(Town.id))) == 0
    assert db.session.scalar(select(func.count(Zone.id))) == 0


def test_home_page_lists_towns_for_anonymous_residents(browser, crema):
    page = text(browser.get("/"))
    assert "Crema" in page and "Ombriano" in page
