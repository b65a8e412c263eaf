"""Civic centers and their activities: who may do what, and the bad inputs."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.civic_centers.models import Activity, CivicCenter, Closure, OccurrenceChange
from app.common.timeutil import today_in_rome
from app.platform.extensions import db
from tests import factories
from tests.conftest import opened, text

VALID = {
    "title": "Doposcuola", "description": "Compiti **insieme**", "audience": "children", "category": "doposcuola",
    "start_on": "2026-02-03", "start_time": "16:30", "end_time": "18:00", "freq": "weekly", "interval": "1",
    "weekdays": ["1"], "until_on": "2026-05-26", "count": "", "is_free": "y", "price": "", "capacity": "",
    "month_week": "1", "month_weekday": "0", "publish": "y",
}  # fmt: skip


@pytest.fixture
def manager(make_user):
    return make_user("gestore@example.org", [], "Gina Gestrice")


@pytest.fixture
def center(app, manager):
    found = factories.center(managers=[manager])
    db.session.commit()
    return found


@pytest.fixture
def other_center(app):
    found = factories.center("Biblioteca di Offanengo", "Offanengo")
    db.session.commit()
    return found


@pytest.fixture
def activity(center):
    found = factories.activity(center)
    db.session.commit()
    return found


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- centers ---------------------------------------------------------------


def test_public_pages_show_centers_and_activities_to_anyone(browser, center):
    today = today_in_rome()
    activity = factories.activity(
        center, start_on=today, weekdays=str(today.weekday()), until_on=today + timedelta(weeks=8)
    )
    db.session.commit()
    assert "Oratorio San Luigi" in text(browser.get("/centri/"))
    page = text(browser.get(f"/centri/{center.slug}"))
    assert "Oratorio San Luigi" in page and "Aggiungi al tuo calendario" in page
    detail = browser.get(f"/centri/{center.slug}/attivita/{activity.id}")
    assert "Doposcuola" in text(detail) and "Gratuito" in text(detail)
    html = detail.get_data(as_text=True)
    assert html.count('"@type": "Event"') == 9
    assert '"startDate": "' + today.isoformat() + "T16:30:00+0" in html


def test_missing_center_and_activity_are_not_found(browser, center, other_center, activity):
    assert browser.get("/centri/non-esiste").status_code == 404
    assert browser.get(f"/centri/{center.slug}/attivita/999").status_code == 404
    # An activity under another center's URL is not found either.
    assert browser.get(f"/centri/{other_center.slug}/attivita/{activity.id}").status_code == 404


def test_coordinator_creates_a_center(browser, coordinator):
    crema = factories.town("Crema")
    db.session.commit()
    browser.login(coordinator)
    response = browser.post("/gestione/centri/nuovo", {"name": "Scuola Braguti", "kind": "school", "town_id": crema.id,
                                                       "zone_id": "0", "address": "Via Mercato 12"})  # fmt: skip
    assert response.status_code == 302
    center = db.session.scalar(select(CivicCenter))
    assert (center.name, center.slug, center.town_id) == ("Scuola Braguti", "scuola-braguti-crema", crema.id)


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "address": "Via X"}, "Scrivi il nome."),
        ({"name": "X", "address": ""}, "Scrivi l'indirizzo."),
        ({"name": "X", "address": "Via X", "town_id": "999"}, "Scegli un Comune dell'elenco."),
    ],
)
def test_create_center_bad_input(browser, coordinator, data, message):
    crema = factories.town("Crema")
    db.session.commit()
    browser.login(coordinator)
    response = browser.post(
        "/gestione/centri/nuovo", {"kind": "school", "town_id": crema.id, "zone_id": "0", **data}
    )
    assert message in text(response)
    assert count(CivicCenter) == 0


def test_zone_of_another_town_is_refused(browser, coordinator):
    crema, other = factories.town("Crema"), factories.town("Offanengo")
    from app.towns.services import add_zone

    zone = add_zone(other, "Centro")
    db.session.commit()
    browser.login(coordinator)
    response = browser.post("/gestione/centri/nuovo", {"name": "X", "kind": "school", "town_id": crema.id,
                                                       "zone_id": zone.id, "address": "Via X"})  # fmt: skip
    assert "Il quartiere scelto non è di questo Comune." in text(response)
    assert count(CivicCenter) == 0


@pytest.mark.parametrize("role", [None, Role.COMMUNITY_MAKER])
def test_only_admins_and_coordinators_create_centers(browser, make_user, role):
    browser.login(make_user("x@example.org", [role] if role else []))
    assert browser.get("/gestione/centri/nuovo").status_code == 403


def test_anonymous_is_sent_to_login_for_management(browser, center, activity):
    for url in ("/gestione/centri/", f"/gestione/centri/{center.slug}", f"/gestione/attivita/{activity.id}"):
        assert browser.get(url).headers["Location"].startswith("/accedi?next=")


def test_coordinator_names_a_manager(browser, coordinator, center, member):
    browser.login(coordinator)
    browser.post(f"/gestione/centri/{center.slug}/gestori", {"email": "MEMBRO@example.org"})
    db.session.expire_all()
    assert member.email in [m.email for m in db.session.get(CivicCenter, center.id).managers]


def test_naming_a_manager_answers_the_same_with_or_without_an_account(browser, coordinator, center, member):
    from app.messages.models import Message

    browser.login(coordinator)
    pages = []
    for email in (member.email, "nessuno@example.org"):
        response = browser.post(
            f"/gestione/centri/{center.slug}/gestori", {"email": email}, follow_redirects=True
        )
        pages.append(text(response).replace(email, "EMAIL"))
    message = (
        "EMAIL ora gestisce questo centro. Se non aveva ancora un account, riceverà un invito per crearlo."
    )
    assert message in pages[0] and message in pages[1]
    assert "Nessun account attivo" not in pages[1]
    invited = db.session.scalar(select(User).where(User.email == "nessuno@example.org"))
    managers = {m.id for m in db.session.get(CivicCenter, center.id).managers}
    assert invited is not None and {member.id, invited.id} <= managers
    assert [m.kind for m in db.session.scalars(select(Message))] == ["invitation"]
    bad = browser.post(
        f"/gestione/centri/{center.slug}/gestori", {"email": "non-una-mail"}, follow_redirects=True
    )
    assert "Scrivi un indirizzo e-mail valido." in text(bad)


def test_manager_cannot_name_managers(browser, manager, center, member):
    browser.login(manager)
    assert browser.post(f"/gestione/centri/{center.slug}/gestori", {"email": member.email}).status_code == 403


# --- activities ------------------------------------------------------------


def test_manager_creates_a_weekly_activity(browser, manager, center):
    browser.login(manager)
    response = browser.post(
        f"/gestione/centri/{center.slug}/attivita/nuova", {**VALID, "start_on": "2026-02-01"}
    )
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity))
    # The first date moves to the first Tuesday, so that DTSTART is an occurrence.
    assert (activity.start_on, activity.weekdays, activity.status, activity.sequence) == (
        date(2026, 2, 3),
        "1",
        "published",
        1,
    )
    assert activity.uid.endswith("@legami")


def test_manager_of_another_center_is_forbidden(browser, make_user, center, other_center, activity):
    stranger = make_user("altro@example.org")
    other_center.managers.append(stranger)
    db.session.commit()
    browser.login(stranger)
    assert browser.get(f"/gestione/attivita/{activity.id}").status_code == 403
    assert browser.post(f"/gestione/attivita/{activity.id}", {**VALID, "title": "Preso"}).status_code == 403
    assert browser.post(f"/gestione/centri/{center.slug}/attivita/nuova", VALID).status_code == 403
    assert browser.post(f"/gestione/attivita/{activity.id}/cestino").status_code == 403
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).title == "Doposcuola"


def test_missing_activity_is_not_found_for_managers(browser, manager, center):
    browser.login(manager)
    assert browser.get("/gestione/attivita/999").status_code == 404
    assert (
        browser.post("/gestione/attivita/999/annulla-data", {"annulla-original_on": "2026-03-10"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"end_time": "16:00"}, "L'ora di fine deve essere dopo l'ora di inizio."),
        ({"until_on": "2026-01-01"}, "L'ultima data non può essere prima della data di inizio."),
        ({"weekdays": []}, "Scegli almeno un giorno della settimana."),
        ({"interval": "0"}, "Scegli un numero da 1 a 12."),
        ({"until_on": "", "count": "10000"}, "Scegli un numero da 1 a 500."),
        ({"until_on": "", "count": ""}, "Indica quando finisce"),
        ({"until_on": "2029-01-01"}, "Una serie può durare al massimo due anni"),
        ({"capacity": "-3"}, "I posti devono essere almeno 1."),
        ({"capacity": "0"}, "I posti devono essere almeno 1."),
        ({"start_on": "2026-02-30"}, "Scrivi una data valida (giorno, mese, anno)."),
        ({"start_time": "25:61"}, "Scrivi un orario valido, ad esempio 16:30."),
        ({"title": ""}, "Scrivi il titolo."),
        ({"is_free": "", "price": ""}, "Indica il costo"),
        ({"description": "x" * 10001}, "Il testo è troppo lungo"),
        ({"audience": "marziani"}, "Non è una opzione valida"),
    ],
)
def test_activity_bad_input_changes_nothing(browser, manager, center, changes, message):
    browser.login(manager)
    data = {**VALID, **changes}
    data = {k: v for k, v in data.items() if v != "" or k in changes}
    if changes.get("is_free") == "":
        data.pop("is_free")
    response = browser.post(f"/gestione/centri/{center.slug}/attivita/nuova", data)
    assert response.status_code == 200
    assert message.lower() in text(response).lower()
    assert count(Activity) == 0


def test_title_is_kept_on_one_line(browser, manager, center):
    browser.login(manager)
    browser.post(
        f"/gestione/centri/{center.slug}/attivita/nuova", {**VALID, "title": "A\r\nATTENDEE:mailto:x@y"}
    )
    assert db.session.scalar(select(Activity.title)) == "A ATTENDEE:mailto:x@y"


def test_edit_bumps_the_sequence(browser, manager, activity):
    browser.login(manager)
    browser.post(
        f"/gestione/attivita/{activity.id}", {**VALID, "title": "Doposcuola e merenda", **opened(activity)}
    )
    db.session.expire_all()
    changed = db.session.get(Activity, activity.id)
    assert changed.title == "Doposcuola e merenda" and changed.sequence == 1


def test_cancel_one_date_shows_the_reason_to_residents(browser, manager, center, activity):
    browser.login(manager)
    response = browser.post(f"/gestione/attivita/{activity.id}/annulla-data",
                            {"annulla-original_on": "2026-03-10", "annulla-reason": "Sciopero"})  # fmt: skip
    assert response.status_code == 302
    change = db.session.scalar(select(OccurrenceChange))
    assert change.is_cancelled and change.reason == "Sciopero"
    page = text(browser.get(f"/calendario?dal=2026-03-09&centro={center.slug}"))
    assert "Annullato" in page and "Motivo: Sciopero" in page


@pytest.mark.parametrize(
    "data,message",
    [
        ({"annulla-original_on": "2026-03-11", "annulla-reason": "x"}, "non è in programma"),
        ({"annulla-original_on": "2026-03-10", "annulla-reason": ""}, "Scrivi il motivo dell'annullamento."),
        ({"annulla-original_on": "2026-13-10", "annulla-reason": "x"}, "Scrivi una data valida"),
    ],
)
def test_cancel_one_date_bad_input(browser, manager, activity, data, message):
    browser.login(manager)
    response = browser.post(f"/gestione/attivita/{activity.id}/annulla-data", data)
    assert response.status_code == 400 and message.lower() in text(response).lower()
    assert count(OccurrenceChange) == 0


def test_move_one_date(browser, manager, center, activity):
    browser.login(manager)
    browser.post(f"/gestione/attivita/{activity.id}/sposta-data", {
        "sposta-original_on": "2026-03-17", "sposta-new_on": "2026-03-19", "sposta-new_start": "17:00",
        "sposta-new_end": "18:30", "sposta-reason": "Palestra occupata"})  # fmt: skip
    page = text(browser.get(f"/calendario?dal=2026-03-16&centro={center.slug}"))
    assert "Giovedì 19 marzo 2026" in page and "17:00–18:30" in page
    assert (
        "Spostato a giovedì 19, 17:00." in page.split("Martedì 17 marzo 2026")[1]
    )  # the planned day says so
    response = browser.post(f"/gestione/attivita/{activity.id}/sposta-data", {
        "sposta-original_on": "2026-03-24", "sposta-new_on": "2026-03-25", "sposta-new_start": "18:00",
        "sposta-new_end": "17:00"})  # fmt: skip
    assert "L'ora di fine deve essere dopo l'ora di inizio." in text(response)
    assert count(OccurrenceChange) == 1


def test_closure_skips_every_activity_of_the_center(browser, manager, center, activity):
    second = factories.activity(
        center, title="Calcetto", weekdays="3", start_on=date(2026, 2, 5), until_on=date(2026, 5, 28)
    )
    db.session.commit()
    browser.login(manager)
    response = browser.post(f"/gestione/centri/{center.slug}/chiusure", {
        "chiusura-start_on": "2026-04-06", "chiusura-end_on": "2026-04-10", "chiusura-reason": "Vacanze di Pasqua"})  # fmt: skip
    assert response.status_code == 302
    page = text(browser.get(f"/calendario?dal=2026-04-06&vista=settimana&centro={center.slug}"))
    assert "16:30–18:00" not in page and "Calcetto" not in page  # no activity takes place
    assert page.count("Chiuso – Vacanze di Pasqua") == 2  # Tuesday and Thursday: one line per center and day
    db.session.expire_all()
    assert db.session.get(Activity, second.id).sequence == 1


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {"chiusura-start_on": "2026-04-10", "chiusura-end_on": "2026-04-06", "chiusura-reason": "x"},
            "non può essere prima",
        ),
        (
            {"chiusura-start_on": "2026-01-01", "chiusura-end_on": "2027-06-01", "chiusura-reason": "x"},
            "al massimo un anno",
        ),
        (
            {"chiusura-start_on": "2026-04-06", "chiusura-end_on": "2026-04-10", "chiusura-reason": ""},
            "Scrivi il motivo",
        ),
    ],
)
def test_closure_bad_input(browser, manager, center, data, message):
    browser.login(manager)
    response = browser.post(f"/gestione/centri/{center.slug}/chiusure", data)
    assert response.status_code == 400 and message in text(response)
    assert count(Closure) == 0


def test_draft_is_nowhere_public(browser, center, activity):
    draft = factories.activity(center, title="Bozza segreta", status="draft")
    db.session.commit()
    assert browser.get(f"/centri/{center.slug}/attivita/{draft.id}").status_code == 404
    assert "Bozza segreta" not in text(browser.get("/calendario?dal=2026-03-02"))
    for feed in (
        "/ical/tutto.ics",
        f"/ical/centri/{center.slug}.ics",
        "/ical/comuni/crema.ics",
        "/ical/pubblico/bambini.ics",
    ):
        assert b"Bozza segreta" not in browser.get(feed).data


def test_trash_and_restore(browser, manager, center, activity):
    browser.login(manager)
    browser.post(f"/gestione/attivita/{activity.id}/cestino")
    assert (
        browser.get(f"/centri/{center.slug}/attivita/{activity.id}").status_code == 200
    )  # the manager still sees it
    browser.logout()
    assert browser.get(f"/centri/{center.slug}/attivita/{activity.id}").status_code == 404
    assert b"Doposcuola" not in browser.get("/ical/tutto.ics").data
    browser.login(manager)
    browser.post(f"/gestione/attivita/{activity.id}/ripristina")
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).deleted_at is None


def test_cancel_whole_activity(browser, manager, center):
    today = today_in_rome()
    activity = factories.activity(
        center, start_on=today, weekdays=str(today.weekday()), until_on=today + timedelta(weeks=8)
    )
    db.session.commit()
    browser.login(manager)
    browser.post(f"/gestione/attivita/{activity.id}/annulla", {"tutta-reason": "Mancano gli educatori"})
    browser.logout()
    page = text(browser.get(f"/centri/{center.slug}/attivita/{activity.id}"))
    assert "Attività annullata." in page and "Mancano gli educatori" in page
    assert "ANNULLATO – Doposcuola" in browser.get("/ical/tutto.ics").data.decode()


def test_a_draft_cannot_be_cancelled_into_public_view(browser, manager, center):
    today = today_in_rome()
    draft = factories.activity(center, title="Bozza riservata", status="draft", start_on=today,
                               weekdays=str(today.weekday()), until_on=today + timedelta(weeks=8))  # fmt: skip
    db.session.commit()
    browser.login(manager)
    edit_page = browser.get(f"/gestione/attivita/{draft.id}").get_data(as_text=True)
    assert f'action="/gestione/attivita/{draft.id}/annulla"' not in edit_page
    response = browser.post(
        f"/gestione/attivita/{draft.id}/annulla", {"tutta-reason": "Prova"}, follow_redirects=True
    )
    assert "Una bozza non è pubblica" in text(response)
    db.session.expire_all()
    assert db.session.get(type(draft), draft.id).status == "draft"
    browser.logout()
    assert browser.get(f"/centri/{center.slug}/attivita/{draft.id}").status_code == 404
    assert "Bozza riservata" not in browser.get("/ical/tutto.ics").data.decode()


def test_times_stay_at_1630_in_the_html_across_the_clock_change(browser, center, activity):
    page = text(browser.get("/calendario?dal=2026-03-23&vista=settimana"))
    assert "Martedì 24 marzo 2026 16:30–18:00" in page
    page = text(browser.get("/calendario?dal=2026-03-30&vista=settimana"))
    assert "Martedì 31 marzo 2026 16:30–18:00" in page


def test_markdown_description_is_sanitised(browser, center):
    found = factories.activity(center, description="<script>alert(1)</script> **bello**")
    db.session.commit()
    html = browser.get(f"/centri/{center.slug}/attivita/{found.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<strong>bello</strong>" in html
