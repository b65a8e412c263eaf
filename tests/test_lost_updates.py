"""No lost updates: two people edit the same center, activity, lab, lab session, group or meeting.

Each opens the edit form (its version and values read from the page, as a browser would); the
first saves; the second, who changed another field, gets the Italian conflict page (409) with the
first person's change listed and their own typing kept, and the database still holds the first
save. Saving the conflict page's form then keeps both changes."""

import threading
from datetime import date, time

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.civic_centers.models import Activity, CivicCenter
from app.groups.models import Meeting, WorkingGroup
from app.labs.models import Lab, LabSession
from app.minutes import services as minutes_services
from app.minutes.models import Minutes, MinutesRevision
from app.platform.extensions import db
from tests import factories
from tests.conftest import Browser, text
from tests.groups_support import team_fixture  # noqa: F401  (fixture)


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
