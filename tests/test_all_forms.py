"""Every form of the app, posted with bad input, answers without a server error.

The demo data gives every page something to show; a crawl as a person with every
site role finds the forms (one per POST route, as rendered: action, fields and
their values); then each field in turn is left out, emptied, made 100 kB long,
given a NUL byte and given a line break. No answer may be a 5xx. Every POST route
of app.url_map is either covered or named below with the reason it is not.
Runs on PostgreSQL too (TEST_DATABASE_URL), where a NUL byte is refused by the database.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from app import demo
from app.accounts.models import Role, User
from app.labs.models import Lab, Registration
from app.platform.extensions import db
from tests.conftest import PASSWORD, text

# Routes that no crawled page shows as a form, each with its reason.
NOT_CRAWLED = {
    "auth.logout": "ends the crawling session; it has no field",
    "auth.accept_invitation": "needs an invitation token sent by e-mail (tests/test_auth.py)",
    "auth.reset_password": "needs a reset token sent by e-mail (tests/test_auth.py)",
    "auth.login_with_link": "needs a login link sent by e-mail (tests/test_login_throttle.py)",
    "auth.login": "the crawl is signed in; posted separately below",
    "auth.forgot_password": "shown only to anonymous visitors; posted separately below",
    "agenda.follow_confirm": "needs a signed link sent by e-mail (tests/test_messages_follows.py)",
    "labs.confirm_signup": "needs a signed link sent by e-mail (tests/test_lab_signup_consent.py)",
    "conciliation.alliance_confirm": "needs a signed link sent by e-mail (tests/test_conciliation_market.py)",
    "conciliation.cancel_order": "a plain button, only on the crawler's own order (tests/test_conciliation_market.py)",
    "conciliation.provider_step": "only for a provider's staff, which the crawler is not (tests/test_conciliation_market.py)",
    "conciliation.statement_approve": "a plain button on a draft statement, which the demo data lacks (tests/test_conciliation_statements.py)",
    "conciliation.statement_export_named": "reached from a statement, which the demo data lacks; bad reasons in tests/test_conciliation_statements.py",
    "agenda.follow_stop": "needs a signed link sent by e-mail (tests/test_messages_follows.py)",
    "groups.rsvp_confirm": "needs a meeting's signed answer link sent by e-mail (tests/test_meeting_rsvp.py)",
    "messages.unsubscribe": "needs a signed link sent by e-mail (tests/test_messages_core.py)",
    "messages.address_optout": "needs a signed link sent by e-mail (tests/test_mail_optout.py)",
    "messages.address_optout_undo": "needs a signed link sent by e-mail (tests/test_mail_optout.py)",
    "labs.withdraw": "needs a registration's private link; posted separately below",
    "home.remember_town": "shown only to anonymous visitors; posted separately below",
    "home.forget_town": "shown only to anonymous visitors; posted separately below",
    # Plain buttons (only the CSRF token) shown in a state the demo data lacks.
    "admin.user_reactivate": "a plain button, only for a deactivated account",
    "civic_centers.activity_reinstate": "a plain button, only for a cancelled activity",
    "civic_centers.activity_restore": "a plain button, only for a trashed activity",
    "civic_centers.occurrence_restore": "a plain button, only for a cancelled or moved date",
    "labs.restore_session": "a plain button, only for a cancelled session",
    "messages.resend": "a plain button, only for a failed message",
    "minutes.attachment_remove": "a plain button, only for a verbale with an attachment",
    "minutes.meeting_attachment_remove": "a plain button, only for a meeting with an attachment",
    "minutes.point_attachment_remove": "a plain button, only for a point with an attachment "
    "(tests/test_point_attachments.py)",
    "minutes.restore_revision": "a plain button, only for a verbale with two revisions",
    "minutes.send_to_review": "a plain button, only for a draft",
    "groups.meeting_rule_end": "a plain button, only for a group with a meeting rule (tests/test_meeting_rules.py)",
    "groups.point_carry": "a plain button, only for an undecided point from its meeting's day on "
    "(tests/test_agenda_points.py)",
    "minutes.undelete": "a plain button, only for a trashed verbale",
    "towns.zone_delete": "a plain button on the zone's own page",
    "conciliation.call_compute": "a plain button, only for a closed call not yet published "
    "(tests/test_conciliation_calls.py)",
    "conciliation.call_publish": "a plain button, only for a computed ranking not yet published "
    "(tests/test_conciliation_calls.py)",
    # Entra con SPID: off in the crawl's configuration (no key pair, no metadata).
    "auth.spid_acs": "the identity provider's signed Response; each bad kind in tests/test_spid_responses.py",
    "auth.spid_slo": "the identity provider's signed logout messages (tests/test_spid_accounts.py)",
    "auth.spid_welcome": "needs an identity proved with SPID; its bad input in tests/test_spid_accounts.py",
    "auth.spid_confirm_link": "needs a signed link sent by e-mail (tests/test_spid_accounts.py)",
    "auth.spid_unlink": "a plain button, only for an account with a digital identity (tests/test_spid_accounts.py)",
}


# Forms with fields on pages the crawl does not reach: (endpoint, path, fields) built from the data.
def _hand_made_forms():
    from app.groups.models import ActionItem
    from app.minutes.models import Minutes
    from app.towns.models import Zone

    action = db.session.scalar(select(ActionItem.id).order_by(ActionItem.id))
    verbale = db.session.scalar(select(Minutes.id).where(Minutes.status == "review").order_by(Minutes.id))
    zone = db.session.scalar(select(Zone.id).order_by(Zone.id))
    return {
        "groups.action_comment": (f"/azioni/{action}/commenti", [("body", "Fatto")]),
        "minutes.comment": (f"/verbali/{verbale}/commenti", [("body", "Per me va bene")]),
        "towns.zone_edit": (f"/amministrazione/quartieri/{zone}", [("name", "Zona nuova")]),
    }


# Forms posted with no field of their own would just do their action (delete, withdraw...).
PLAIN_BUTTON_FIELDS = {"csrf_token", "submit"}
MUTATIONS = {
    "missing": None,
    "empty": "",
    "100 kB": "x" * 100_000,
    "NUL": "a\x00b",
    "CR/LF": "riga uno\r\nriga due",
}
SKIP_LINKS = re.compile(r"\.(ics|xlsx|csv|pdf)(\?|$)|/esci|/static/|/ical/|/incorpora/|/allegati/")
MAX_PER_ENDPOINT = 2


@pytest.fixture
def everyone(app, make_user):
    """The demo data and a person with every site role, signed in."""
    demo.load("demo-admin@example.org", PASSWORD)
    return make_user("tutti@example.org", list(Role), "Tea Tuttiruoli")


def _fields(form) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would send for this form, untouched."""
    pairs = []
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "select":
            options = [o for o in element.find_all("option") if not o.has_attr("disabled")]
            chosen = [o for o in options if o.has_attr("selected")] or [o for o in options if o.get("value")][
                :1
            ]
            pairs += [(name, o.get("value", o.get_text())) for o in chosen]
        elif element.name == "textarea":
            pairs.append((name, element.get_text()))
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                pairs.append((name, element.get("value", "y")))
        elif element.get("type") not in ("file", "submit", "button", "reset", "image"):
            pairs.append((name, element.get("value", "")))
    return pairs


def _crawl(browser, adapter) -> dict[str, tuple[str, list]]:
    """{POST endpoint: (action path, fields)} of the forms on the pages reachable from the seeds."""
    seeds = ["/", "/gestione/", "/amministrazione/", "/coordinamento/", "/patti/", "/gruppi/", "/laboratori/",
             "/centri/", "/calendario", "/profilo/notifiche", "/profilo/password", "/profilo/calendario",
             "/per-il-tuo-tempo/bandi/", "/per-il-tuo-tempo/gestione-bandi/"]  # fmt: skip
    queue, seen, visits, forms = list(seeds), set(), {}, {}
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            endpoint = adapter.match(path, method="GET")[0]
        except HTTPException:  # not a page of this app
            continue
        if visits.get(endpoint, 0) >= MAX_PER_ENDPOINT:
            continue
        visits[endpoint] = visits.get(endpoint, 0) + 1
        response = browser.get(path)
        assert response.status_code < 500, (path, response.status_code)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        for form in soup.find_all("form"):
            action = urlsplit(urljoin(path, form.get("action") or path))
            if (form.get("method") or "get").lower() != "post":
                continue
            try:
                post_endpoint = adapter.match(action.path, method="POST")[0]
            except HTTPException:  # posts elsewhere
                continue
            target = action.path + (f"?{action.query}" if action.query else "")
            forms.setdefault(post_endpoint, (target, _fields(form)))
        for link in soup.find_all("a", href=True):
            href = urlsplit(urljoin(path, link["href"]))
            if href.netloc in ("", "legami.test") and not SKIP_LINKS.search(href.path):
                queue.append(href.path)  # filters and pages of a list lead to no other form
    return forms


def _post(browser, path, pairs):
    from werkzeug.datastructures import MultiDict

    return browser._request("post", path, data=MultiDict(pairs))


def _variants(pairs):
    """(label, pairs) for each field of the form and each bad value."""
    names = list(dict.fromkeys(n for n, _ in pairs if n not in PLAIN_BUTTON_FIELDS))
    for name in names:
        for label, bad in MUTATIONS.items():
            kept = [(n, v) for n, v in pairs if n != name]
            yield f"{name} {label}", kept if bad is None else [*kept, (name, bad)]


# Demo people whose pages show forms that the all-roles account does not see
# (a group's secretary drafts verbali; an operator follows the pacts of their towns).
DEMO_PEOPLE = ("segreteria.gruppo@legami.example", "operatore.crema@legami.example")


def test_every_form_survives_missing_empty_long_nul_and_line_break_values(browser, everyone, app):
    adapter = app.url_map.bind("legami.test")
    people = [everyone, *(db.session.scalar(select(User).where(User.email == e)) for e in DEMO_PEOPLE)]
    forms = {}
    for person in people:
        browser.login(person)
        for endpoint, found in _crawl(browser, adapter).items():
            forms.setdefault(endpoint, (person, *found))
        browser.logout()
    token = None
    for endpoint, (path, pairs) in _hand_made_forms().items():
        forms.setdefault(endpoint, (people[0], path, pairs))
    post_endpoints = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    missing = post_endpoints - set(forms) - set(NOT_CRAWLED)
    assert not missing, f"POST routes with no form found and no reason given: {sorted(missing)}"
    failures, posted = [], 0
    for endpoint, (person, path, pairs) in sorted(forms.items(), key=lambda item: item[1][0].id):
        if endpoint in NOT_CRAWLED:
            continue
        if browser.user is not person:
            browser.login(person)
            token = browser.token()
        if not any(n == "csrf_token" for n, _ in pairs):
            pairs = [*pairs, ("csrf_token", token)]
        for label, data in _variants(pairs):
            response = _post(browser, path, data)
            posted += 1
            if response.status_code >= 500:
                failures.append((endpoint, path, label, response.status_code))
            if response.status_code == 302 and "/accedi" in response.headers.get("Location", ""):
                browser.login(person)  # an action ended the session (a password change): sign in again
                token = browser.token()
    assert not failures, failures
    assert posted > 300


def _sign_up_page(browser):
    lab = db.session.scalar(select(Lab).where(Lab.deleted_at.is_(None)).order_by(Lab.id))
    path = f"/laboratori/{lab.slug}"
    html = browser.get(path).get_data(as_text=True)
    form = next(
        f for f in BeautifulSoup(html, "html.parser").find_all("form") if "iscrizione" in f.get("action", "")
    )
    return lab, form["action"], _fields(form)


def test_anonymous_forms_survive_bad_values(browser, everyone):
    """The forms a visitor without an account posts: lab sign-up, login, forgotten password."""
    _lab, action, pairs = _sign_up_page(browser)
    pages = {action: pairs}
    for page in ("/accedi", "/password-dimenticata", "/?comune=crema"):
        soup = BeautifulSoup(browser.get(page).get_data(as_text=True), "html.parser")
        for form in soup.find_all("form", method=re.compile("post", re.I)):
            pages[urlsplit(urljoin("/", form.get("action") or page)).path] = _fields(form)
    assert {"/accedi", "/password-dimenticata", "/comune-preferito"} <= set(pages)
    failures = []
    for path, fields in pages.items():
        for label, data in _variants(fields):
            response = _post(browser, path, data)
            if response.status_code >= 500:
                failures.append((path, label, response.status_code))
    assert not failures, failures


def test_a_nul_byte_gets_a_clear_400_and_changes_nothing(browser, everyone):
    _lab, action, pairs = _sign_up_page(browser)
    before = db.session.scalar(select(db.func.count(Registration.id)))
    data = [(n, v) for n, v in pairs if n != "full_name"] + [("full_name", "Mario\x00Rossi")]
    response = _post(browser, action, data)
    assert response.status_code == 400
    assert "caratteri non ammessi" in text(response)
    assert db.session.scalar(select(db.func.count(Registration.id))) == before


NAMES = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=60)


def test_sign_up_names_are_stored_without_control_characters(browser, everyone):
    lab, action, pairs = _sign_up_page(browser)
    lab.capacity = 1000
    db.session.commit()
    base = [(n, v) for n, v in pairs if n not in ("full_name", "email", "phone")]
    counter = iter(range(10_000))

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(name=NAMES)
    def sign_up(name):
        n = next(counter)
        data = [*base, ("full_name", f"A{name}"), ("email", f"persona{n}@example.org")]
        response = _post(browser, action, data)
        assert response.status_code < 500, response.status_code
        for stored in db.session.scalars(select(Registration.full_name)):
            assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in stored), repr(stored)

    sign_up()


def test_every_form_of_the_app_derives_from_the_cleaning_base_form(app):
    from flask_wtf import FlaskForm

    from app.common.forms import BaseForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = {f for f in subclasses(FlaskForm) if f.__module__.startswith("app.")}
    assert len(forms) > 50
    assert {f.__qualname__ for f in forms if not issubclass(f, BaseForm)} == set()
