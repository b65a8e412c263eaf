"""What a family reads before going: three-state access, cost and ages on activities and labs, plausible dates."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from app.civic_centers.models import Activity, Closure
from app.common.facts import age_label
from app.common.timeutil import today_in_rome
from app.labs.models import Lab, LabSession
from app.platform.extensions import db
from tests import factories
from tests.conftest import opened, text
from tests.test_civic_centers import VALID


@pytest.fixture
def manager(make_user):
    return make_user("gestore@example.org", [], "Gina Gestrice")


@pytest.fixture
def center(app, manager):
    found = factories.center(managers=[manager])
    db.session.commit()
    return found


def upcoming(center, **fields):
    today = today_in_rome()
    values = {"start_on": today, "weekdays": str(today.weekday()), "until_on": today + timedelta(weeks=8)}
    return factories.activity(center, **(values | fields))


def facts(response) -> str:
    page = text(response)
    return page[page.index("Da sapere prima di andare") :]


@pytest.mark.parametrize(
    "step_free,loop,shown,absent",
    [
        (None, None, "Accessibilità Non indicata: chiedi a chi organizza", "gradini"),
        (True, None, "Accessibilità Accesso senza gradini", "Accesso con gradini"),
        (False, True, "Accessibilità Accesso con gradini · anello a induzione", "Non indicata"),
        (None, False, "Accessibilità senza anello a induzione", "gradini"),
    ],
)
def test_accessibility_says_only_what_was_said(browser, center, step_free, loop, shown, absent):
    activity = upcoming(center, step_free_access=step_free, hearing_loop=loop)
    db.session.commit()
    page = facts(browser.get(f"/centri/{center.slug}/attivita/{activity.id}"))
    assert shown in page and absent not in page


def test_an_unticked_form_stores_not_said_and_the_choices_round_trip(browser, center, manager):
    browser.login(manager)
    start = today_in_rome().isoformat()
    form = VALID | {"start_on": start, "until_on": "", "count": "4", "age_min": "6", "age_max": "10"}
    assert browser.post(f"/gestione/centri/{center.slug}/attivita/nuova", form).status_code == 302
    activity = db.session.scalar(select(Activity))
    assert (activity.step_free_access, activity.hearing_loop) == (None, None)
    assert (activity.age_min, activity.age_max) == (6, 10)
    form |= {"step_free_access": "si", "hearing_loop": "no"}
    assert browser.post(f"/gestione/attivita/{activity.id}", form | opened(activity)).status_code == 302
    db.session.expire_all()
    assert (activity.step_free_access, activity.hearing_loop) == (True, False)
    page = browser.get(f"/gestione/attivita/{activity.id}").get_data(as_text=True)
    assert (
        '<option selected value="si">Sì</option>' in page
        and '<option selected value="no">No</option>' in page
    )
    public = facts(browser.get(f"/centri/{center.slug}/attivita/{activity.id}"))
    assert "Età dai 6 ai 10 anni" in public and "Accesso senza gradini · senza anello a induzione" in public


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"age_min": "12", "age_max": "6"}, "L'età massima non può essere minore dell'età minima."),
        ({"age_min": "-1"}, "Scrivi un'età da 0 a 99 anni."),
        ({"age_max": "140"}, "Scrivi un'età da 0 a 99 anni."),
        ({"is_free": "", "price": ""}, "Indica il costo, oppure segna che è gratuito."),
        ({"start_on": "1900-03-06"}, "Scegli una data tra il"),
        ({"start_on": "2200-03-04", "until_on": "2200-05-26"}, "Scegli una data tra il"),
    ],
)
def test_activity_bad_facts_and_implausible_dates_are_refused(browser, center, manager, fields, message):
    browser.login(manager)
    response = browser.post(f"/gestione/centri/{center.slug}/attivita/nuova", VALID | fields)
    assert response.status_code == 200 and message in text(response)
    assert db.session.scalar(select(func.count(Activity.id))) == 0


def test_the_plausible_range_is_spelled_out(browser, center, manager):
    browser.login(manager)
    year = today_in_rome().year
    response = browser.post(
        f"/gestione/centri/{center.slug}/attivita/nuova", VALID | {"start_on": "1900-03-06"}
    )
    assert f"Scegli una data tra il 1 gennaio {year - 2} e il 31 dicembre {year + 3}." in text(response)


def test_a_moved_date_or_closure_in_2200_is_refused(browser, center, manager):
    activity = upcoming(center)
    db.session.commit()
    browser.login(manager)
    day = activity.start_on.isoformat()
    moved = browser.post(f"/gestione/attivita/{activity.id}/sposta-data", {
        "sposta-original_on": day, "sposta-new_on": "2200-01-01", "sposta-new_start": "17:00", "sposta-new_end": "18:00"})  # fmt: skip
    assert moved.status_code == 400 and "Scegli una data tra il" in text(moved)
    closure = browser.post(f"/gestione/centri/{center.slug}/chiusure", {
        "chiusura-start_on": "1900-12-24", "chiusura-end_on": "1900-12-26", "chiusura-reason": "Natale"})  # fmt: skip
    assert "Scegli una data tra il" in text(closure)
    db.session.expire_all()
    assert activity.changes == [] and db.session.scalar(select(func.count(Closure.id))) == 0


@pytest.fixture
def lab(app, maker):
    found = factories.lab(makers=[maker])
    db.session.commit()
    return found


def lab_form(lab, **fields):
    values = {"title": lab.title, "theme": lab.theme, "town_id": lab.town_id, "zone_id": "0", "center_id": "0",
              "venue": lab.venue, "capacity": "20", "has_waiting_list": "y", "is_free": "y", "status": "open"}  # fmt: skip
    return values | fields


def test_labs_show_cost_ages_and_access_like_activities(browser, maker, lab):
    browser.login(maker)
    form = lab_form(lab, is_free="", price="3 € a incontro", age_min="8", age_max="11", step_free_access="si")
    assert browser.post(f"/gestione/laboratori/{lab.slug}", form | opened(lab)).status_code == 302
    db.session.expire_all()
    assert (lab.is_free, lab.price, lab.age_min, lab.age_max) == (False, "3 € a incontro", 8, 11)
    assert lab.step_free_access is True and lab.hearing_loop is None
    browser.logout()
    page = facts(browser.get(f"/laboratori/{lab.slug}"))
    assert "Costo 3 € a incontro" in page and "Età dagli 8 agli 11 anni" in page
    assert "Accessibilità Accesso senza gradini" in page and "anello" not in page


def test_a_lab_without_facts_claims_nothing(browser, lab):
    page = facts(browser.get(f"/laboratori/{lab.slug}"))
    assert "Costo Gratuito" in page and "Età" not in page
    assert "Non indicata: chiedi a chi organizza" in page and "gradini" not in page


def test_lab_bad_facts_change_nothing(browser, maker, lab):
    browser.login(maker)
    response = browser.post(
        f"/gestione/laboratori/{lab.slug}", lab_form(lab, is_free="", age_min="10", age_max="3")
    )
    assert "Indica il costo, oppure segna che è gratuito." in text(response)
    assert "L'età massima non può essere minore dell'età minima." in text(response)
    db.session.expire_all()
    assert lab.is_free is True and lab.age_min is None


@pytest.mark.parametrize("day", ["1900-01-09", "2200-01-07"])
def test_lab_sessions_in_1900_or_2200_are_refused(browser, maker, lab, day):
    browser.login(maker)
    response = browser.post(f"/gestione/laboratori/{lab.slug}/incontri", {
        "incontri-start_on": day, "incontri-start_time": "18:00", "incontri-end_time": "20:00",
        "incontri-freq": "none", "incontri-interval": "1", "incontri-month_week": "1", "incontri-month_weekday": "0"})  # fmt: skip
    assert "Scegli una data tra il" in text(response)
    assert db.session.scalar(select(func.count(LabSession.id))) == 0


def test_moving_a_lab_session_to_1900_is_refused(browser, maker, lab):
    session = factories.session(lab, today_in_rome() + timedelta(days=7), time(18), time(20))
    db.session.commit()
    browser.login(maker)
    response = browser.post(f"/gestione/incontri-lab/{session.id}/sposta", {
        "start_on": "1900-01-09", "start_time": "18:00", "end_time": "20:00"})  # fmt: skip
    assert "Scegli una data tra il" in text(response)
    db.session.expire_all()
    assert session.start_on != date(1900, 1, 9)


@pytest.mark.parametrize(
    "low,high,words",
    [(6, 10, "dai 6 ai 10 anni"), (8, 11, "dagli 8 agli 11 anni"), (14, None, "dai 14 anni in su"),
     (None, 5, "fino a 5 anni"), (1, 3, "da 1 ai 3 anni"), (None, None, "")],
)  # fmt: skip
def test_age_words(app, low, high, words):
    with app.test_request_context():
        assert age_label(low, high) == words


def test_fits_age():
    assert Lab(age_min=6, age_max=10).fits_age(6) and not Lab(age_min=6, age_max=10).fits_age(11)
    assert Lab().fits_age(40) and not Activity(age_min=14).fits_age(13)
