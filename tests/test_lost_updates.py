"""No lost updates: two people edit the same center, activity, lab, lab session, group, meeting,
town, zone, account or pact.

Each opens the edit form (its version and values read from the page, as a browser would); the
first saves; the second, who changed another field, gets the Italian conflict page (409) with the
first person's change listed and their own typing kept, and the database still holds the first
save. Saving the conflict page's form then keeps both changes."""

import threading
from datetime import date, time

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.civic_centers.models import Activity, CivicCenter
from app.groups.models import Meeting, WorkingGroup
from app.labs.models import Lab, LabSession
from app.minutes import services as minutes_services
from app.minutes.models import Minutes, MinutesRevision
from app.pacts.models import Pact, PactRead
from app.platform.extensions import db
from app.towns import services as towns
from app.towns.models import Town, Zone
from tests import factories
from tests.conftest import Browser, text
from tests.groups_support import team_fixture  # noqa: F401  (fixture)
from tests.pacts_support import new_pact, register_fixture  # noqa: F401  (fixture)


def form_values(response) -> dict:
    """The fields of the page's versioned form, as the browser would send them."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    hidden = soup.find("input", attrs={"name": "version"}) or soup.find(
        "input", attrs={"name": "base_revision"}
    )
    form = hidden.find_parent("form")
    values: dict[str, list[str]] = {}
    for tag in form.find_all(["input", "select", "textarea"]):
        name = tag.get("name")
        if not name or (tag.get("type") in ("checkbox", "radio") and not tag.has_attr("checked")):
            continue
        if tag.name == "select":
            chosen = tag.find_all("option", selected=True) or tag.find_all("option")[:1]
            values.setdefault(name, []).extend(o.get("value", o.text) for o in chosen)
        elif tag.name == "textarea":
            values.setdefault(name, []).append(tag.text.removeprefix("\r\n").removeprefix("\n"))
        elif tag.get("type") != "submit":
            values.setdefault(name, []).append(tag.get("value", ""))
    return values


def typed_value(response, name: str) -> str:
    field = BeautifulSoup(response.get_data(as_text=True), "html.parser").find(attrs={"name": name})
    return field.text.strip() if field.name == "textarea" else field.get("value", "")


def post(browser: Browser, url: str, values: dict, **changes):
    data = {**values, **{name: [value] for name, value in changes.items()}}
    return browser.post(url, data, csrf=False)


@pytest.fixture
def world(team, maker):
    """One object of each kind; team.chair manages the center, makes the lab and chairs the group."""
    center = factories.center(managers=[team.chair])
    activity = factories.activity(center, capacity=12)
    lab = factories.lab(makers=[team.chair, maker], capacity=20)
    session = factories.session(lab, date(2026, 12, 3))
    db.session.commit()
    return {"center": center, "activity": activity, "lab": lab, "session": session}


# kind: (edit URL, model, first person's change, second person's change, label of the first change)
CASES = {
    "center": (lambda w, t: f"/gestione/centri/{w['center'].slug}", CivicCenter,
               ("contact", "Tel. 0373 111222"), ("description", "Aperto a tutti."), "Contatti"),
    "activity": (lambda w, t: f"/gestione/attivita/{w['activity'].id}", Activity,
                 ("capacity", "30"), ("title", "Doposcuola e merenda"), "Posti disponibili (facoltativo)"),
    "lab": (lambda w, t: f"/gestione/laboratori/{w['lab'].slug}", Lab,
            ("capacity", "30"), ("title", "Orto di tutti"), "Posti"),
    "session": (lambda w, t: f"/gestione/incontri-lab/{w['session'].id}/sposta", LabSession,
                ("end_time", "20:30"), ("start_on", "2026-12-04"), "Ora di fine"),
    "group": (lambda w, t: f"/gruppi/{t.group.slug}/modifica", WorkingGroup,
              ("district", "Crema Nuova"), ("description", "Il gruppo di Crema e dintorni."), "Ambito o quartiere (facoltativo)"),
    "meeting": (lambda w, t: f"/incontri/{t.meeting.id}/modifica", Meeting,
                ("venue", "Sala Alessandrini"), ("end_time", "20:30"), "Sede"),
}  # fmt: skip

SHOWN = {"30": "30", "20:30": "20:30", "2026-12-04": "04/12/2026"}


def _row(model, url_id):
    db.session.expire_all()
    return db.session.get(model, url_id)


def _stored(value) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize("kind", CASES)
def test_second_save_from_a_stale_form_is_a_conflict_that_loses_nothing(app, world, team, coordinator, kind):
    url_of, model, (first_field, first_value), (second_field, second_value), first_label = CASES[kind]
    url = url_of(world, team)
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(team.chair)
    second.login(coordinator if kind not in ("group", "meeting") else team.secretary)
    opened_first, opened_second = first.get(url), second.get(url)
    values_first, values_second = form_values(opened_first), form_values(opened_second)
    assert values_first["version"] == values_second["version"] == ["1"]
    row_id = {"center": world["center"].id, "activity": world["activity"].id, "lab": world["lab"].id,
              "session": world["session"].id, "group": team.group.id, "meeting": team.meeting.id}[kind]  # fmt: skip
    before = _stored(getattr(_row(model, row_id), second_field))

    saved = post(first, url, values_first, **{first_field: first_value})
    assert saved.status_code == 302, text(saved)
    stale = post(second, url, values_second, **{second_field: second_value})

    assert stale.status_code == 409
    page = text(stale)
    assert "Qualcun altro ha salvato queste informazioni mentre le modificavi" in page
    assert f"{first_label} {SHOWN.get(first_value, first_value)}" in page  # label, then the saved value
    assert "il valore salvato da altri" in page
    assert stale.get_data(as_text=True).count('class="legami-conflict-saved"') == 1  # only the other's change
    assert typed_value(stale, second_field) == second_value  # what the second person typed is kept
    assert typed_value(stale, first_field) == first_value  # and the first person's change is in the form
    row = _row(model, row_id)
    assert _stored(getattr(row, first_field)) == first_value and row.version == 2
    assert _stored(getattr(row, second_field)) == before  # the stale save changed nothing

    again = second.post(url, form_values(stale), csrf=False)
    assert again.status_code == 302, text(again)
    row = _row(model, row_id)
    assert _stored(getattr(row, first_field)) == first_value  # nobody's change is lost
    assert _stored(getattr(row, second_field)).replace("\r\n", "\n") == second_value
    assert row.version == 3


def test_a_field_both_changed_keeps_what_you_typed_and_says_so(app, world, coordinator, team):
    url = f"/gestione/laboratori/{world['lab'].slug}"
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(team.chair)
    second.login(coordinator)
    values_first, values_second = form_values(first.get(url)), form_values(second.get(url))
    post(first, url, values_first, capacity="30")
    stale = post(second, url, values_second, capacity="25")
    assert stale.status_code == 409
    assert "Posti 30 25 il tuo valore: l'avete cambiato entrambi" in text(stale)
    assert typed_value(stale, "capacity") == "25"
    assert _row(Lab, world["lab"].id).capacity == 30


def test_a_form_sent_without_its_version_is_a_conflict_not_a_silent_overwrite(app, world, team):
    url = f"/gestione/laboratori/{world['lab'].slug}"
    browser = Browser(app.test_client())
    browser.login(team.chair)
    values = form_values(browser.get(url))
    del values["version"]
    response = post(browser, url, values, title="Senza versione")
    assert response.status_code == 409
    assert "Qualcun altro ha salvato" in text(response)
    assert _row(Lab, world["lab"].id).title == "Orto condiviso"


def test_an_unchanged_form_saves_again_without_conflict(app, world, team):
    url = f"/gestione/laboratori/{world['lab'].slug}"
    browser = Browser(app.test_client())
    browser.login(team.chair)
    assert post(browser, url, form_values(browser.get(url))).status_code == 302
    assert post(browser, url, form_values(browser.get(url)), title="Di nuovo").status_code == 302
    assert _row(Lab, world["lab"].id).title == "Di nuovo"


RIVALS = 6


def rivals_save_at_once(app, user, url: str, change, read_form=None, rivals: int = RIVALS) -> list:
    """`rivals` people (each their own client and database session) open one form, then all save at once."""
    read_form = read_form or form_values
    browsers = [Browser(app.test_client()) for _ in range(rivals)]
    forms = []
    for n, browser in enumerate(browsers):
        browser.login(user)
        forms.append({**read_form(browser.get(url)), **change(n)})
    db.session.commit()  # the test's own transaction (a write lock on SQLite outside a request) ends first
    start, answers = threading.Barrier(rivals), [None] * rivals

    def save(n: int) -> None:
        start.wait()
        try:
            answers[n] = browsers[n].client.post(url, data=forms[n])
        except Exception as error:  # noqa: BLE001  (the test client raises what production answers with a 500)
            answers[n] = error

    threads = [threading.Thread(target=save, args=(n,)) for n in range(rivals)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_simultaneous_saves_of_a_verbale_one_wins_the_others_see_the_conflict_page(app, team):
    minutes = minutes_services.create_minutes(team.meeting, team.secretary, "Verbale", "Testo iniziale")
    db.session.commit()
    minutes_id = minutes.id
    answers = rivals_save_at_once(
        app, team.secretary, f"/verbali/{minutes_id}/modifica", lambda n: {"body": [f"Testo di {n}"]}
    )
    codes = sorted(getattr(a, "status_code", 500) for a in answers)
    assert codes == [302] + [409] * (RIVALS - 1), codes
    for loser in (a for a in answers if a.status_code == 409):
        assert "Qualcun altro ha salvato il verbale mentre lo modificavi" in text(loser)
    db.session.expire_all()
    saved = db.session.get(Minutes, minutes_id)
    numbers = db.session.scalars(
        select(MinutesRevision.number).where(MinutesRevision.minutes_id == minutes_id)
    )
    assert saved.revision_number == 2 and sorted(numbers) == [1, 2]
    assert saved.body in {f"Testo di {n}" for n in range(RIVALS)}


def test_simultaneous_saves_of_a_lab_one_wins_the_others_see_the_conflict_page(app, world, team):
    url = f"/gestione/laboratori/{world['lab'].slug}"
    answers = rivals_save_at_once(app, team.chair, url, lambda n: {"title": [f"Orto numero {n}"]})
    codes = sorted(getattr(a, "status_code", 500) for a in answers)
    assert codes == [302] + [409] * (RIVALS - 1), codes
    winner = next(n for n, a in enumerate(answers) if a.status_code == 302)
    for loser in (a for a in answers if a.status_code == 409):
        assert "Qualcun altro ha salvato queste informazioni mentre le modificavi" in text(loser)
    lab = _row(Lab, world["lab"].id)
    assert (lab.title, lab.version) == (f"Orto numero {winner}", 2)


def test_a_row_changed_under_any_other_save_gets_a_409_page_not_a_500(app, team, monkeypatch):
    """Cancelling a meeting while someone else's change lands first: StaleDataError, answered 409."""
    from sqlalchemy import text as sql

    from app.groups import services as groups

    touch = groups.touch

    def someone_else_saves_first(meeting):
        db.session.connection().execute(sql("UPDATE meetings SET version = version + 1 WHERE id = :id"),
                                        {"id": meeting.id})  # fmt: skip
        touch(meeting)

    monkeypatch.setattr(groups, "touch", someone_else_saves_first)
    browser = Browser(app.test_client())
    browser.login(team.secretary)
    url = f"/incontri/{team.meeting.id}"
    response = browser.post(f"{url}/annulla", token_from=url)
    assert response.status_code == 409
    assert "Qualcun altro ha cambiato questi dati mentre salvavi: non è stato salvato nulla." in text(
        response
    )
    meeting = _row(Meeting, team.meeting.id)
    assert (meeting.is_cancelled, meeting.version) == (False, 1)


# Towns, zones, accounts and pacts (issue 27): the same mechanism, for administrators and operators.


@pytest.fixture
def admin_world(app, admin, make_user):
    other_admin = make_user("admin.due@example.org", [Role.ADMIN], "Bruno Amministratore")
    town = factories.town("Crema")
    zone = towns.add_zone(town, "Ombriano")
    person = make_user("coordinata@example.org", [Role.COORDINATOR, Role.COMMUNITY_MAKER], "Cora Coordinata")
    db.session.commit()
    return {"admins": (admin, other_admin), "town": town, "zone": zone, "user": person}


def _two_admins(app, world, url):
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(world["admins"][0])
    second.login(world["admins"][1])
    values_first, values_second = form_values(first.get(url)), form_values(second.get(url))
    assert values_first["version"] == values_second["version"]
    return first, second, values_first, values_second


def test_a_stale_town_form_is_a_conflict_that_loses_nothing(app, admin_world):
    town_id = admin_world["town"].id
    url = f"/amministrazione/comuni/{town_id}"
    first, second, values_first, values_second = _two_admins(app, admin_world, url)
    opened_at = _row(Town, town_id).version
    assert post(first, url, values_first, district="Cremasco").status_code == 302
    stale = post(second, url, values_second, name="Crema (CR)")
    assert stale.status_code == 409
    page = text(stale)
    assert "Qualcun altro ha salvato queste informazioni mentre le modificavi" in page
    assert "Ambito distrettuale Cremasco" in page
    assert typed_value(stale, "name") == "Crema (CR)" and typed_value(stale, "district") == "Cremasco"
    town = _row(Town, town_id)
    assert (town.name, town.district, town.version) == ("Crema", "Cremasco", opened_at + 1)
    assert post(second, url, form_values(stale)).status_code == 302
    town = _row(Town, town_id)
    assert (town.name, town.district, town.version) == ("Crema (CR)", "Cremasco", opened_at + 2)


def test_a_stale_zone_form_is_a_conflict_that_loses_nothing(app, admin_world):
    zone_id = admin_world["zone"].id
    url = f"/amministrazione/quartieri/{zone_id}"
    first, second, values_first, values_second = _two_admins(app, admin_world, url)
    assert post(first, url, values_first, name="Ombriano Alto").status_code == 302
    stale = post(second, url, values_second, name="Ombriano Basso")
    assert stale.status_code == 409
    assert "il tuo valore: l'avete cambiato entrambi" in text(stale)
    zone = _row(Zone, zone_id)
    assert (zone.name, zone.version) == ("Ombriano Alto", 2)


def test_a_stale_account_form_does_not_give_back_a_removed_role(app, admin_world):
    """An administrator removes a coordinator role; another's form, opened before, is saved later."""
    user_id = admin_world["user"].id
    url = f"/amministrazione/utenti/{user_id}"
    first, second, values_first, values_second = _two_admins(app, admin_world, url)
    assert values_second["roles"] == ["coordinator", "community_maker"]
    assert post(first, url, {**values_first, "roles": ["community_maker"]}).status_code == 302
    stale = post(second, url, values_second, full_name="Cora Coordinata Rossi")
    assert stale.status_code == 409
    page = text(stale)
    assert "Qualcun altro ha salvato queste informazioni mentre le modificavi" in page
    assert "Ruoli Community Maker" in page  # what the other administrator saved
    user = _row(User, user_id)
    assert user.roles == {Role.COMMUNITY_MAKER} and user.full_name == "Cora Coordinata"
    assert form_values(stale)["roles"] == ["community_maker"]  # the form now shows the saved roles
    assert post(second, url, form_values(stale)).status_code == 302
    user = _row(User, user_id)
    assert user.roles == {Role.COMMUNITY_MAKER} and user.full_name == "Cora Coordinata Rossi"


def test_a_login_is_not_a_new_version_of_the_account(app, admin_world):
    user = admin_world["user"]
    url = f"/amministrazione/utenti/{user.id}"
    browser = Browser(app.test_client())
    browser.login(admin_world["admins"][0])
    values = form_values(browser.get(url))
    Browser(app.test_client()).login(user)
    assert post(browser, url, values, full_name="Cora C.").status_code == 302
    assert _row(User, user.id).full_name == "Cora C."


def _reads(pact_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(PactRead.id)).where(PactRead.pact_id == pact_id))


def test_a_stale_pact_form_is_a_conflict_that_loses_nothing(app, reg):
    pact = new_pact(reg)
    db.session.commit()
    pact_id, url = pact.id, f"/patti/{pact.number}/modifica"
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(reg.responsible)
    second.login(reg.responsible)  # the same operator in two tabs
    values_first, values_second = form_values(first.get(url)), form_values(second.get(url))
    assert post(first, url, values_first, goal="Uscire tre volte a settimana.").status_code == 302
    reads = _reads(pact_id)
    stale = post(second, url, values_second, household_size="2")
    assert stale.status_code == 409
    assert _reads(pact_id) == reads + 1  # the conflict page shows the beneficiary: its read is logged
    page = text(stale)
    assert "Qualcun altro ha salvato queste informazioni mentre le modificavi" in page
    assert "Obiettivo del patto Uscire tre volte a settimana." in page
    saved = _row(Pact, pact_id)
    assert (saved.goal, saved.household_size, saved.version) == ("Uscire tre volte a settimana.", 1, 2)
    assert post(second, url, form_values(stale)).status_code == 302
    saved = _row(Pact, pact_id)
    assert (saved.goal, saved.household_size, saved.version) == ("Uscire tre volte a settimana.", 2, 3)


def test_a_stale_pact_form_does_not_give_back_a_removed_area(app, reg):
    pact = new_pact(reg, area_ids=[reg.loneliness.id, reg.care.id])
    db.session.commit()
    pact_id, url = pact.id, f"/patti/{pact.number}/modifica"
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(reg.responsible)
    second.login(reg.responsible)
    values_first, values_second = form_values(first.get(url)), form_values(second.get(url))
    assert post(first, url, {**values_first, "areas": [str(reg.care.id)]}).status_code == 302
    stale = post(second, url, values_second, goal="Un altro obiettivo.")
    assert stale.status_code == 409
    saved = _row(Pact, pact_id)
    assert [a.id for a in saved.areas] == [
        reg.care.id
    ] and saved.goal == "Uscire di casa due volte a settimana."


def test_simultaneous_saves_of_an_account_one_wins_the_others_see_the_conflict_page(app, admin_world):
    user_id = admin_world["user"].id
    url = f"/amministrazione/utenti/{user_id}"
    answers = rivals_save_at_once(
        app,
        admin_world["admins"][0],
        url,
        lambda n: {"full_name": [f"Cora numero {n}"], "roles": ["coordinator"]},
    )
    codes = sorted(getattr(a, "status_code", 500) for a in answers)
    assert codes == [302] + [409] * (RIVALS - 1), codes
    winner = next(n for n, a in enumerate(answers) if a.status_code == 302)
    user = _row(User, user_id)
    assert user.full_name == f"Cora numero {winner}" and user.roles == {Role.COORDINATOR}
