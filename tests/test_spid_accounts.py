"""Entra con SPID: the SP's metadata and request, what a proved identity does to accounts (first
login, second login, joining an existing account by e-mail, two identities refused, unlink, roles
that must use SPID), Single Logout and the commands (issue 25)."""

import dataclasses
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree
from saml2 import BINDING_HTTP_REDIRECT
from saml2.saml import NameID
from saml2.sigver import security_context
from sqlalchemy import func, select

from app.accounts.identity import VerifiedIdentity, normalise_fiscal_number, verified_identity
from app.accounts.models import Role, User
from app.auth.spid import settings
from app.auth.spid.cli import spid_cli
from app.platform.extensions import db
from tests.conftest import PASSWORD, text
from tests.mail_support import body, links, path_of
from tests.spid_support import ROSSI, begin, decode_request, federation, login, ready

pytestmark = pytest.mark.parametrize("app", [federation().settings], indirect=True)
MD = {"md": "urn:oasis:names:tc:SAML:2.0:metadata", "spid": "https://spid.gov.it/saml-extensions"}


@pytest.fixture
def fed(browser):
    return ready(browser)


def identities() -> list[VerifiedIdentity]:
    return list(db.session.scalars(select(VerifiedIdentity)))


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


# -- the SP ---------------------------------------------------------------------------------------
def test_metadata_is_signed_and_names_what_spid_asks(app, browser, fed):
    response = browser.get("/spid/metadata")
    assert response.mimetype == "application/samlmetadata+xml"
    root = etree.fromstring(response.data)
    assert root.get("entityID") == "http://legami.test/spid/metadata"
    sp = root.find("md:SPSSODescriptor", MD)
    assert sp.get("AuthnRequestsSigned") == "true" and sp.get("WantAssertionsSigned") == "true"
    acs = sp.find("md:AssertionConsumerService", MD)
    assert acs.get("Location") == "http://legami.test/spid/acs" and acs.get("index") == "0"
    assert {s.get("Location") for s in sp.findall("md:SingleLogoutService", MD)} == {
        "http://legami.test/spid/slo"
    }
    asked = [a.get("Name") for a in sp.findall("md:AttributeConsumingService/md:RequestedAttribute", MD)]
    assert asked == ["fiscalNumber", "name", "familyName", "email", "dateOfBirth"]
    contact = root.find("md:ContactPerson", MD)
    assert (
        contact.get("contactType") == "other" and contact.find("md:Extensions/spid:Private", MD) is not None
    )
    # The signature verifies with the SP's own certificate (xmlsec1, as an IdP or AgID would).
    sec = security_context(settings.sp_config())
    assert sec.verify_signature(response.get_data(as_text=True), cert_file=str(fed.cert_file),
                                node_name="urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor")  # fmt: skip
    tampered = response.get_data(as_text=True).replace("fiscalNumber", "spidCode")
    with pytest.raises(Exception):  # noqa: B017  (pysaml2 raises its SignatureError)
        sec.verify_signature(tampered, cert_file=str(fed.cert_file),
                             node_name="urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor")  # fmt: skip


def test_metadata_of_a_public_administration(app, browser, fed):
    app.config.update(SPID_IPA_CODE="c_d142", SPID_CONTACT_PHONE="+390373000000")
    root = etree.fromstring(browser.get("/spid/metadata").data)
    assert root.findtext("md:ContactPerson/md:Extensions/spid:IPACode", namespaces=MD) == "c_d142"
    assert root.find("md:ContactPerson/md:Extensions/spid:Public", MD) is not None
    assert root.findtext("md:ContactPerson/md:TelephoneNumber", namespaces=MD) == "+390373000000"


def test_authn_request_is_signed_and_asks_spid_level_two(browser, fed):
    response = browser.get("/spid/accedi", query_string={"idp": fed.idp.entity_id})
    assert response.location.startswith("https://idp.test/sso?SAMLRequest=")
    assert "Signature=" in response.location and "SigAlg=" in response.location
    request = fed.idp.read_request(response.location)  # raises unless the signature verifies
    assert request.requested_authn_context.authn_context_class_ref[0].text == "https://www.spid.gov.it/SpidL2"
    assert request.force_authn == "true" and request.attribute_consuming_service_index == "0"
    assert request.assertion_consumer_service_index == "0"
    assert request.issuer.name_qualifier == "http://legami.test/spid/metadata"
    assert "AssertionConsumerServiceURL" not in decode_request(response.location)


def test_level_one_asks_no_forced_authentication(app, browser, fed):
    app.config["SPID_LEVEL"] = 1
    request = begin(browser, fed.idp)
    assert request.requested_authn_context.authn_context_class_ref[0].text == "https://www.spid.gov.it/SpidL1"
    assert request.force_authn is None


def test_unknown_provider(browser, fed):
    assert browser.get("/spid/accedi", query_string={"idp": "https://nessuno.test"}).status_code == 404
    assert fed.rogue.entity_id not in text(browser.get("/accedi"))
    assert browser.get("/spid/accedi", query_string={"idp": fed.rogue.entity_id}).status_code == 404


def test_login_page_offers_spid_and_cie(browser, fed):
    page = browser.get("/accedi").get_data(as_text=True)
    assert "Entra con SPID" in page and "Entra con CIE" in page
    assert "IdP di prova" in page and "Altro IdP" in page
    assert "CIE ID di prova" not in page  # CIE is its own button, not in SPID's list
    assert 'name="password"' in page


def test_without_spid_nothing_shows(app, browser):
    app.config["SPID_METADATA"] = ""
    page = browser.get("/accedi").get_data(as_text=True)
    assert "Entra con SPID" not in page and "Entra con CIE" not in page
    assert browser.get("/spid/metadata").status_code == 404
    assert browser.get("/spid/accedi", query_string={"idp": "x"}).status_code == 404
    assert browser.post("/spid/acs", {"SAMLResponse": "x"}, csrf=False).status_code == 404


def test_acs_without_our_cookie_posts_again_from_our_page(app, fed):
    """A cross-site POST keeps our SameSite=Lax cookie: the page posts the answer again to us."""
    client = app.test_client()
    response = client.post("/spid/acs", data={"SAMLResponse": "PHNhbWw+", "RelayState": "r"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'action="/spid/acs?f=1"' in page
    assert 'name="SAMLResponse" value="PHNhbWw+"' in page and "spid-forward.js" in page


# -- accounts -------------------------------------------------------------------------------------
def test_first_login_creates_a_resident_account(browser, fed):
    response = login(browser)
    assert response.location.endswith("/area-riservata")
    user = db.session.scalar(select(User))
    assert (user.email, user.full_name, user.roles, user.has_password) == ("maria.rossi@example.org", "Maria Rossi",
                                                                           set(), False)  # fmt: skip
    found = verified_identity(user)
    assert found.fiscal_number == "RSSMRA80A01D142X" and found.date_of_birth == date(1980, 1, 1)
    assert (found.given_name, found.family_name, found.method) == ("Maria", "Rossi", "spid")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.fiscal_number = "X"
    page = text(browser.get("/profilo/accesso"))
    assert "RSSMRA80A01D142X" in page and "Maria Rossi" in page and "Scollega" in page
    dashboard = text(browser.get("/area-riservata"))
    assert "Come entri" in dashboard and "Cambia password" not in dashboard  # no password to change


def test_second_login_signs_into_the_same_account(app, browser, fed):
    login(browser)
    browser.logout()
    other = type(browser)(app.test_client())
    ready(other)
    renamed = {**ROSSI, "familyName": "Rossi Bianchi", "email": "altro@example.org"}
    assert login(other, attributes=renamed).status_code == 302
    assert users() == 1
    assert "Maria" in text(other.get("/area-riservata"))
    assert identities()[0].family_name == "Rossi Bianchi"  # the provider's latest word is kept


def test_login_with_cie(browser, fed):
    attributes = {k: v for k, v in ROSSI.items() if k != "spidCode"}
    attributes["fiscalNumber"] = "rssmra80a01d142x"  # CIE gives it plain; stored normalised
    assert login(browser, idp=fed.cie, attributes=attributes).status_code == 302
    (row,) = identities()
    assert (row.fiscal_number, row.method, row.provider) == ("RSSMRA80A01D142X", "cie", fed.cie.entity_id)


def test_an_existing_address_joins_its_account_after_confirming(browser, fed, make_user, mailbox):
    member = make_user("maria.rossi@example.org", [Role.COORDINATOR], "Maria Rossi")
    response = login(browser)
    assert response.location.endswith("/spid/primo-accesso")
    assert browser.get("/area-riservata").status_code == 302  # not signed in yet
    assert identities() == []
    page = browser.get("/spid/primo-accesso")
    assert 'value="maria.rossi@example.org"' in page.get_data(as_text=True)
    sent = browser.post("/spid/primo-accesso", {"email": "Maria.Rossi@example.org"}, token_from="/spid/primo-accesso")
    assert "Ti abbiamo scritto a maria.rossi@example.org" in text(browser.get(sent.location))
    message = mailbox.one()
    assert message["To"].addresses[0].addr_spec == "maria.rossi@example.org"
    for part in ("plain", "html"):  # the message names no one: the address may be someone else's
        assert "Maria" not in body(message, part) and "RSSMRA" not in body(message, part)
    link = path_of(next(u for u in links(message) if "/spid/collega/" in u))
    confirm = browser.get(link)
    assert "sarà collegata all'account maria.rossi@example.org" in text(confirm)
    assert identities() == []  # GET changes nothing
    done = browser.post(link, token_from=link)
    assert done.location.endswith("/area-riservata")
    (row,) = identities()
    assert row.user_id == member.id and row.fiscal_number == "RSSMRA80A01D142X"
    db.session.expire_all()
    assert db.session.get(User, member.id).roles == {Role.COORDINATOR}  # SPID gives no role, takes none
    assert users() == 1
    assert "Maria Rossi" in text(browser.get("/area-riservata"))


def test_a_typed_address_without_account_gets_a_new_one(browser, fed, mailbox):
    no_email = {k: v for k, v in ROSSI.items() if k != "email"}
    assert login(browser, attributes=no_email).location.endswith("/spid/primo-accesso")
    browser.post("/spid/primo-accesso", {"email": "nuova@example.org"}, token_from="/spid/primo-accesso")
    link = path_of(next(u for u in links(mailbox.one()) if "/spid/collega/" in u))
    assert "Creiamo l'account nuova@example.org" in text(browser.get(link))
    browser.post(link, token_from=link)
    user = db.session.scalar(select(User))
    assert user.email == "nuova@example.org" and verified_identity(user).fiscal_number == "RSSMRA80A01D142X"


def test_the_link_works_only_in_the_browser_that_entered(app, browser, fed, make_user, mailbox):
    """Someone enters with their own SPID and types another person's address: that person opening
    the link in their own browser joins nothing."""
    victim = make_user("vittima@example.org", [Role.COORDINATOR], "Vera Vittima")
    login(browser, attributes={k: v for k, v in ROSSI.items() if k != "email"})
    browser.post("/spid/primo-accesso", {"email": victim.email}, token_from="/spid/primo-accesso")
    link = path_of(next(u for u in links(mailbox.one()) if "/spid/collega/" in u))
    theirs = type(browser)(app.test_client())
    response = theirs.get(link)
    assert response.status_code == 409 and "Apri il link nello stesso browser" in text(response)
    assert theirs.post(link, token_from="/accedi").status_code == 409
    assert identities() == []


def test_welcome_form_bad_address(browser, fed):
    no_email = {k: v for k, v in ROSSI.items() if k != "email"}
    login(browser, attributes=no_email)
    for bad, words in (
        ("", "Scrivi il tuo indirizzo e-mail."),
        ("non-un-indirizzo", "indirizzo e-mail valido"),
        ("x" * 100_000 + "@example.org", "L'indirizzo è troppo lungo."),
        ("riga@uno.it\r\nBcc: altro@example.org", "indirizzo e-mail valido"),
    ):
        response = browser.post("/spid/primo-accesso", {"email": bad}, token_from="/spid/primo-accesso")
        assert response.status_code == 200 and words in text(response), (bad[:40], response.status_code)
    nul = browser.post("/spid/primo-accesso", {"email": "a\x00b@example.org"}, token_from="/spid/primo-accesso")
    assert nul.status_code == 400  # the app's clear answer to a NUL byte (tests/test_all_forms.py)
    assert users() == 0


def test_welcome_without_a_pending_identity(browser):
    assert browser.get("/spid/primo-accesso").location.endswith("/accedi")


def test_a_forged_link_is_not_found(browser, fed):
    assert browser.get("/spid/collega/abc").status_code == 404


def test_two_identities_for_one_account_refused(app, browser, fed, make_user, mailbox):
    member = make_user("maria.rossi@example.org", [], "Maria Rossi")
    browser.login(member)
    browser.logout()
    # A first identity joins the account.
    login(browser)
    browser.post("/spid/primo-accesso", {"email": member.email}, token_from="/spid/primo-accesso")
    link = path_of(next(u for u in links(mailbox.one()) if "/spid/collega/" in u))
    browser.post(link, token_from=link)
    browser.logout()
    # Another person's identity names the same address: refused.
    other = type(browser)(app.test_client())
    ready(other)
    second = {**ROSSI, "fiscalNumber": "TINIT-BNCGNN80A01D142Y", "name": "Giovanni", "familyName": "Bianchi"}
    login(other, attributes=second)
    other.post("/spid/primo-accesso", {"email": member.email}, token_from="/spid/primo-accesso")
    link = path_of(next(u for u in links(mailbox.one()) if "/spid/collega/" in u))
    refused = other.post(link, token_from=link)
    assert "ha già un'altra identità digitale" in text(other.get(refused.location))
    assert other.get("/area-riservata").status_code == 302
    assert [(r.user_id, r.fiscal_number) for r in identities()] == [(member.id, "RSSMRA80A01D142X")]


def test_unlink(browser, fed):
    login(browser)
    response = browser.post("/profilo/accesso/scollega", token_from="/profilo/accesso")
    assert "non è più collegata" in text(browser.get(response.location))
    assert identities() == []
    assert "Nessuna identità digitale" in text(browser.get("/profilo/accesso"))


def test_profile_pages_need_a_login(browser):
    assert "/accedi" in browser.get("/profilo/accesso").location
    assert "/accedi" in browser.post("/profilo/accesso/scollega", token_from="/accedi").location


def test_unlink_needs_its_token(browser, fed):
    login(browser)
    assert browser.post("/profilo/accesso/scollega", csrf=False).status_code == 400
    assert len(identities()) == 1


def test_password_account_profile(browser, member):
    browser.login(member)
    page = text(browser.get("/profilo/accesso"))
    assert "Entri con membro@example.org e la tua password" in page and "Nessuna identità digitale" in page


def test_a_role_may_require_spid(app, browser, fed, make_user, mailbox):
    app.config["SPID_REQUIRED_ROLES"] = "operator,coordinator"
    operator = make_user("maria.rossi@example.org", [Role.OPERATOR], "Maria Rossi")
    refused = browser.post("/accedi", {"email": operator.email, "password": PASSWORD})
    assert refused.status_code == 403 and "si entra solo con SPID o CIE" in text(refused)
    assert browser.get("/area-riservata").status_code == 302
    # With SPID the same person enters, and cannot unlink.
    login(browser)
    browser.post("/spid/primo-accesso", {"email": operator.email}, token_from="/spid/primo-accesso")
    link = path_of(next(u for u in links(mailbox.one()) if "/spid/collega/" in u))
    browser.post(link, token_from=link)
    assert "Maria Rossi" in text(browser.get("/area-riservata"))
    assert "Scollega" not in text(browser.get("/profilo/accesso"))
    response = browser.post("/profilo/accesso/scollega", token_from="/esci")
    assert "l'identità resta collegata" in text(browser.get(response.location))
    assert len(identities()) == 1


def test_roles_without_the_setting_use_passwords(browser, make_user, fed):
    operator = make_user("op@example.org", [Role.OPERATOR], "Olga Operatrice")
    assert browser.post("/accedi", {"email": operator.email, "password": PASSWORD}).status_code == 302


def test_a_disabled_account_cannot_enter_with_spid(browser, fed):
    login(browser)
    browser.logout()
    user = db.session.scalar(select(User))
    user.is_active = False
    db.session.commit()
    response = login(browser)
    assert response.status_code == 403 and "disattivato" in text(response)
    assert browser.get("/area-riservata").status_code == 302


def test_fiscal_number_normalised(app):
    assert normalise_fiscal_number(" tinit-rssmra80a01d142x ") == "RSSMRA80A01D142X"
    assert normalise_fiscal_number("TINIT-12345") == "" and normalise_fiscal_number(None) == ""


def test_verified_identity_of_nobody(member):
    assert verified_identity(member) is None and verified_identity(None) is None


# -- Single Logout --------------------------------------------------------------------------------
def test_logout_offers_the_providers_logout(browser, fed):
    login(browser)
    page = browser.post("/esci", token_from="/esci")
    assert page.status_code == 200 and "La sessione di Legami è chiusa" in text(page)
    location = etree.HTML(page.data).xpath("//main//a[contains(@href, 'https://idp.test/slo')]/@href")[0]
    assert "Signature=" in location
    assert "LogoutRequest" in decode_request(location)
    assert browser.get("/area-riservata").status_code == 302


def test_logout_answer_from_the_provider(browser, fed):
    login(browser)
    page = browser.post("/esci", token_from="/esci")
    location = etree.HTML(page.data).xpath("//main//a[contains(@href, 'https://idp.test/slo')]/@href")[0]
    query = parse_qs(urlsplit(location).query)
    request = fed.idp.server.parse_logout_request(
        query["SAMLRequest"][0],
        BINDING_HTTP_REDIRECT,
        sigalg=query["SigAlg"][0],
        signature=query["Signature"][0],
    )  # the signature verifies against the SP's metadata
    assert request.message.issuer.text == "http://legami.test/spid/metadata"
    answer = fed.idp.server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
    info = fed.idp.server.apply_binding(BINDING_HTTP_REDIRECT, str(answer), "http://legami.test/spid/slo",
                                        response=True, sign=True)  # fmt: skip
    back = browser.get(dict(info["headers"])["Location"].replace("http://legami.test", ""))
    assert back.status_code == 302
    assert "chiuso anche la sessione presso il gestore" in text(browser.get(back.location))


def test_logout_started_by_the_provider(browser, fed):
    login(browser)
    with browser.client.session_transaction() as session:
        found = session["spid_session"]
    location = fed.idp.logout_request(NameID(**{k: v for k, v in found["name_id"].items() if v}),
                                      found["session_index"], "http://legami.test/spid/slo")  # fmt: skip
    response = browser.get(location.replace("http://legami.test", ""))
    assert response.status_code == 302 and response.location.startswith("https://idp.test/slo?SAMLResponse=")
    assert browser.get("/area-riservata").status_code == 302


def test_an_unsigned_logout_request_is_refused(browser, fed):
    login(browser)
    assert browser.get("/spid/slo", query_string={"SAMLRequest": "abc"}).status_code == 400
    assert browser.get("/spid/slo").status_code == 400
    assert browser.get("/area-riservata").status_code == 200


# -- commands -------------------------------------------------------------------------------------
def test_refresh_metadata(app, fed, tmp_path):
    target = tmp_path / "federation"
    target.mkdir()
    app.config["SPID_METADATA"] = str(target)
    runner = app.test_cli_runner()
    done = runner.invoke(spid_cli, ["refresh-metadata", str(fed.metadata / "idp.xml")])
    assert done.exit_code == 0 and "1 identity providers" in done.output
    assert (target / "idp.xml").read_bytes() == (fed.metadata / "idp.xml").read_bytes()
    with app.test_request_context():
        assert [p.entity_id for p in settings.providers()] == [fed.idp.entity_id]
    bad = tmp_path / "bad.xml"
    for content, words in (("<x/>", "no identity provider"), ("non xml", "not XML"),
                           ('<!DOCTYPE x [<!ENTITY a "b">]><x/>', "DOCTYPE")):  # fmt: skip
        bad.write_text(content)
        done = runner.invoke(spid_cli, ["refresh-metadata", str(bad)])
        assert done.exit_code != 0 and words in done.output
    assert sorted(p.name for p in target.iterdir()) == ["idp.xml"]


def test_dev_keys(app, tmp_path):
    done = app.test_cli_runner().invoke(spid_cli, ["dev-keys", str(tmp_path / "keys")])
    assert done.exit_code == 0
    assert (tmp_path / "keys" / "sp.key").stat().st_mode & 0o777 == 0o600
    assert b"BEGIN CERTIFICATE" in (tmp_path / "keys" / "sp.crt").read_bytes()


def test_a_client_that_posts_responses_without_end_is_stopped(app, browser, fed):
    """Each response costs xmlsec1 runs: past SPID_ACS_LIMIT a client gets 429, not more work."""
    statuses = [
        browser.post("/spid/acs", {"SAMLResponse": "PHNhbWw+"}, csrf=False).status_code for _ in range(21)
    ]
    assert 429 not in statuses[:20] and statuses[20] == 429
