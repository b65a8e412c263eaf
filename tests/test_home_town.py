"""The home page: the resident's town first, remembered on the device without an account; bounded."""

from datetime import time, timedelta

import pytest

from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.test_query_counts import count_queries


@pytest.fixture
def two_towns(app):
    today = today_in_rome()
    crema = factories.center()
    offanengo = factories.center("Biblioteca", "Offanengo", slug="biblioteca")
    factories.activity(crema, title="Merenda a Crema", freq="none", start_on=today, start_time=time(16))
    factories.activity(
        offanengo, title="Lettura a Offanengo", freq="none", start_on=today, start_time=time(17)
    )
    factories.activity(offanengo, title="Coro a Offanengo", freq="none", start_on=today + timedelta(days=2))
    db.session.commit()


def test_the_plain_home_sets_no_cookie(browser, two_towns):
    response = browser.get("/")
    assert response.headers.getlist("Set-Cookie") == []
    page = text(response)
    assert "Merenda a Crema" in page and "Lettura a Offanengo" in page and "Nel resto della rete" not in page


def test_a_chosen_town_comes_first_and_the_rest_after(browser, two_towns):
    html = browser.get("/?comune=offanengo").get_data(as_text=True)
    assert '<option value="offanengo" selected>Offanengo</option>' in html  # the town list shows the choice
    assert '<option value="crema">Crema</option>' in html and html.count(" selected>") == 1
    page = text(browser.get("/?comune=offanengo"))
    mine, rest = page.split("Nel resto della rete")
    assert "Oggi a Offanengo" in mine and "Lettura a Offanengo" in mine and "Coro a Offanengo" in mine
    assert "Merenda a Crema" not in mine and "Merenda a Crema" in rest.split("Apri il calendario")[0]
    assert "Ricorda Offanengo su questo dispositivo" in page


def test_remember_and_forget_the_town(browser, two_towns):
    response = browser.post("/comune-preferito", {"comune": "offanengo"}, token_from="/?comune=offanengo")
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("legami_comune="))
    assert "legami_comune=offanengo" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = text(browser.get("/"))
    assert "Da ora la pagina iniziale mostra prima Offanengo." in page
    assert "Oggi a Offanengo" in page and "Questo dispositivo ricorda Offanengo." in page
    browser.post("/comune-preferito/dimentica", token_from="/")
    page = text(browser.get("/"))
    assert "La pagina iniziale non ricorda più il tuo Comune." in page and "Oggi a Offanengo" not in page


def test_an_unknown_town_is_not_remembered(browser, two_towns):
    response = browser.post("/comune-preferito", {"comune": "atlantide"}, token_from="/?comune=offanengo")
    assert not any(c.startswith("legami_comune=") for c in response.headers.getlist("Set-Cookie"))
    assert "Scegli un Comune dall'elenco." in text(browser.get("/"))
    assert "Oggi a" not in text(browser.get("/?comune=atlantide"))  # an unknown town shows every town


def test_remembering_needs_the_csrf_token(browser, two_towns):
    response = browser.post("/comune-preferito", {"comune": "offanengo"}, csrf=False)
    assert response.status_code == 400
    assert not any(c.startswith("legami_comune=") for c in response.headers.getlist("Set-Cookie"))


def test_the_home_is_bounded(browser):
    center = factories.center()
    today = today_in_rome()
    for i in range(20):
        factories.activity(center, title=f"Oggi {i:02d}", freq="none", start_on=today, start_time=time(8, i))
    db.session.commit()
    page = text(browser.get("/"))
    assert "Oggi 11" in page and "Oggi 12" not in page and "Tutti gli eventi di oggi" in page


def test_the_home_makes_a_fixed_number_of_queries(browser, two_towns):
    browser.client.set_cookie("legami_comune", "offanengo", domain="legami.test")
    browser.get("/")
    with count_queries() as few:
        browser.get("/")
    center = factories.center("Oratorio Due", "Offanengo", slug="oratorio-due")
    for i in range(15):
        factories.activity(center, title=f"Altro {i}", freq="none", start_on=today_in_rome())
    db.session.commit()
    with count_queries() as many:
        assert "Oggi a Offanengo" in text(browser.get("/"))
    assert few and len(many) == len(few), many


def test_the_home_shows_a_moved_dates_planned_day_and_a_closed_day(browser, app):
    from datetime import datetime

    from app.civic_centers import services as centers

    today = today_in_rome()
    center = factories.center()
    weekly = factories.activity(center, title="Doposcuola", start_on=today, weekdays=str(today.weekday()),
                                until_on=today + timedelta(weeks=3))  # fmt: skip
    daily = factories.activity(center, title="Coro", start_on=today + timedelta(days=1), freq="none")
    moved_to = datetime.combine(today + timedelta(days=2), time(17))
    centers.move_occurrence(weekly, today, moved_to, moved_to + timedelta(hours=1), "Palestra occupata")
    centers.add_closure(center, today + timedelta(days=1), today + timedelta(days=1), "Disinfestazione")
    db.session.commit()
    page = text(browser.get("/?comune=crema"))
    assert "Spostato a" in page and "Palestra occupata" in page  # today: where it went
    assert "Spostato da" in page  # two days on: where it came from
    assert "Chiuso – Disinfestazione" in page and daily.title not in page


def test_the_towns_of_the_network_name_their_zones_and_a_new_one_shows_at_once(browser, two_towns):
    from app.towns.models import Zone

    crema = factories.town("Crema")
    crema.district = "Crema"
    crema.zones += [
        Zone(name="San Bernardino", slug="san-bernardino"),
        Zone(name="Ombriano", slug="ombriano"),
    ]
    db.session.commit()
    network = text(browser.get("/")).split("I Comuni della rete")[1]
    assert "Crema · distretto di Crema Quartieri: Ombriano, San Bernardino" in network
    assert "Offanengo" in network
    factories.town("Bagnolo Cremasco")  # a change of the data: the kept list of towns is read again
    db.session.commit()
    assert "Bagnolo Cremasco" in text(browser.get("/")).split("I Comuni della rete")[1]
