"""Entra con SPID: every Response that must not be believed is refused with an Italian page and
no session (issue 25). A real pysaml2 IdP in the process signs them (tests/spid_support.py)."""

import base64
import copy

import pytest
from lxml import etree
from sqlalchemy import func, select

from app.accounts.identity import VerifiedIdentity
from app.accounts.models import User
from app.auth.spid.replay import ConsumedSamlId
from app.platform.extensions import db
from tests.conftest import text
from tests.spid_support import NS, SAML, answer, begin, federation, in_minutes, login, ready, set_times

pytestmark = pytest.mark.parametrize("app", [federation().settings], indirect=True)


@pytest.fixture
def fed(browser):
    return ready(browser)


def assert_refused(browser, response, words: str):
    assert response.status_code == 403, response.get_data(as_text=True)[:500]
    page = text(response)
    assert "Accesso non riuscito" in page and words in page, page[:600]
    # No session: the reserved area sends to the login page, and no account or identity was made.
    assert browser.get("/area-riservata").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.scalar(select(func.count()).select_from(VerifiedIdentity)) == 0


def test_a_good_response_signs_in(browser, fed):
    response = login(browser)
    assert response.status_code == 302 and response.location.endswith("/area-riservata")
    assert "Maria Rossi" in text(browser.get("/area-riservata"))
    # Both ids are consumed, until the assertion could no longer be used.
    assert db.session.scalar(select(func.count()).select_from(ConsumedSamlId)) == 2


def test_unsigned_assertion(browser, fed):
    assert_refused(browser, login(browser, assertion=False), "firma della risposta non è valida")


def test_unsigned_response(browser, fed):
    assert_refused(browser, login(browser, response=False), "firma della risposta non è valida")


def test_key_outside_the_metadata(browser, fed):
    rogue = fed.rogue
    response = login(browser, key_file=rogue.key_file, cert_file=rogue.cert_file)
    assert_refused(browser, response, "firma della risposta non è valida")


def test_another_providers_signature(browser, fed):
    """The other IdP is in the federation, but signs as if it were the one chosen."""
    other = fed.other
    response = login(browser, key_file=other.key_file, cert_file=other.cert_file)
    assert_refused(browser, response, "firma della risposta non è valida")


def test_attribute_changed_after_signing(browser, fed):
    response = login(browser, after=lambda xml: xml.replace("RSSMRA80A01D142X", "BNCGNN80A01D142Y"))
    assert_refused(browser, response, "firma della risposta non è valida")


def test_signature_wrapping(browser, fed):
    """The signed assertion moved into the response's Extensions, a forged one in its place."""

    def wrap(xml: str) -> str:
        root = etree.fromstring(xml.encode())
        signed = root.find("saml:Assertion", NS)
        forged = copy.deepcopy(signed)
        for value in forged.iter(f"{{{SAML}}}AttributeValue"):
            if value.text == "TINIT-RSSMRA80A01D142X":
                value.text = "TINIT-BNCGNN80A01D142Y"
        extensions = etree.Element("{urn:oasis:names:tc:SAML:2.0:protocol}Extensions")
        root.insert(list(root).index(signed), extensions)
        extensions.append(signed)
        root.append(forged)
        return etree.tostring(root).decode()

    assert_refused(browser, login(browser, after=wrap), "non è leggibile")


def test_another_provider_answering(browser, fed):
    """A genuine Response of the other IdP (its Issuer, its key) to a request sent to the first."""
    request = begin(browser, fed.idp)
    response = answer(browser, fed.other.respond(request))
    assert_refused(browser, response, "non viene dal gestore dell'identità che hai scelto")


def test_wrong_recipient(browser, fed):
    def recipient(tree):
        tree.find(".//saml:SubjectConfirmationData", NS).set(
            "Recipient", "https://altro-servizio.example/acs"
        )

    assert_refused(browser, login(browser, before=recipient), "destinata a un altro servizio")


def test_wrong_audience(browser, fed):
    def audience(tree):
        tree.find(".//saml:Audience", NS).text = "https://altro-servizio.example/metadata"

    assert_refused(browser, login(browser, before=audience), "destinata a un altro servizio")


def test_wrong_destination(browser, fed):
    def destination(tree):
        tree.set("Destination", "https://altro-servizio.example/acs")

    assert_refused(browser, login(browser, before=destination), "destinata a un altro servizio")


def test_expired(browser, fed):
    def expired(tree):
        set_times(tree, not_before=in_minutes(-30), not_on_or_after=in_minutes(-10))

    assert_refused(browser, login(browser, before=expired), "scaduta o non ancora valida")


def test_not_yet_valid(browser, fed):
    def early(tree):
        set_times(tree, not_before=in_minutes(10), not_on_or_after=in_minutes(20))

    assert_refused(browser, login(browser, before=early), "scaduta o non ancora valida")


def test_small_clock_skew_is_accepted(browser, fed):
    """The IdP's clock 30 seconds ahead: within SPID_CLOCK_SKEW_SECONDS (60)."""

    def ahead(tree):
        set_times(tree, not_before=in_minutes(0.5))

    assert login(browser, before=ahead).status_code == 302


def test_replay_with_the_old_session_cookie(browser, fed):
    """The same Response posted again with the cookie the browser had before: the ids are spent."""
    request = begin(browser, fed.idp)
    cookie = browser.client.get_cookie("session", domain="legami.test").value
    value = fed.idp.respond(request)
    assert answer(browser, value).status_code == 302
    browser.client.delete_cookie("session", domain="legami.test")
    browser.client.set_cookie("session", cookie, domain="legami.test")
    response = answer(browser, value)
    assert response.status_code == 403 and "già stata usata" in text(response)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the first login's account only


def test_replay_in_the_same_session(browser, fed):
    request = begin(browser, fed.idp)
    value = fed.idp.respond(request)
    assert answer(browser, value).status_code == 302
    response = answer(browser, value)
    assert response.status_code == 403 and "non corrisponde a un accesso iniziato" in text(response)


def test_in_response_to_another_session(app, browser, fed):
    other_browser = type(browser)(app.test_client())
    theirs = begin(other_browser, fed.idp)
    begin(browser, fed.idp)  # this browser waits for its own answer
    response = answer(browser, fed.idp.respond(theirs))
    assert_refused(browser, response, "non corrisponde a un accesso iniziato da questo browser")


def test_no_request_pending(browser, fed):
    request = begin(browser, fed.idp)
    value = fed.idp.respond(request)
    browser.get("/accedi")
    with browser.client.session_transaction() as session:
        session.pop("spid_request")
    assert_refused(browser, answer(browser, value), "non corrisponde a un accesso iniziato")


def test_lower_level_than_asked(browser, fed):
    assert_refused(browser, login(browser, level=1), "livello di sicurezza")


def test_level_three_asked_and_two_given(app, browser, fed):
    app.config["SPID_LEVEL"] = 3
    request = begin(browser, fed.idp)
    assert request.requested_authn_context.authn_context_class_ref[0].text == "https://www.spid.gov.it/SpidL3"
    assert_refused(browser, answer(browser, fed.idp.respond(request, level=2)), "livello di sicurezza")


def test_higher_level_than_asked_is_fine(browser, fed):
    assert login(browser, level=3).status_code == 302


def test_missing_fiscal_number(browser, fed):
    attributes = {"name": "Maria", "familyName": "Rossi", "email": "maria.rossi@example.org"}
    assert_refused(browser, login(browser, attributes=attributes), "codice fiscale valido")


def test_two_assertions(browser, fed):
    def twice(xml: str) -> str:
        root = etree.fromstring(xml.encode())
        second = copy.deepcopy(root.find("saml:Assertion", NS))
        second.set("ID", "id-second-assertion")
        root.append(second)
        return etree.tostring(root).decode()

    assert_refused(browser, login(browser, after=twice), "non è leggibile")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
"""


@pytest.mark.parametrize("prologue", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_doctype_and_entities(browser, fed, prologue):
    request = begin(browser, fed.idp)
    signed = base64.b64decode(fed.idp.respond(request)).decode()
    body = signed.split("?>", 1)[1] if signed.startswith("<?xml") else signed
    body = body.replace("Rossi", "&lol3;" if "lol" in prologue else "&xxe;", 1)
    response = answer(browser, base64.b64encode((prologue + body).encode()).decode())
    assert_refused(browser, response, "non è leggibile")


def test_not_base64_nor_xml(browser, fed):
    begin(browser, fed.idp)
    assert_refused(browser, answer(browser, "non è una risposta SAML"), "non è leggibile")


def test_provider_cancelled(browser, fed):
    """An error status (the person pressed «Annulla» at the IdP) is a refusal, not a crash."""
    request = begin(browser, fed.idp)

    def denied(tree):
        status = tree.find("samlp:Status/samlp:StatusCode", {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol"})
        status.set("Value", "urn:oasis:names:tc:SAML:2.0:status:Responder")

    response = answer(browser, fed.idp.respond(request, before=denied))
    assert response.status_code == 403 and "Accesso non riuscito" in text(response)
    assert browser.get("/area-riservata").status_code == 302
