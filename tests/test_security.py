"""Security baseline: CSRF on every POST, headers, cookies, safe redirects."""

import re

import pytest

from app import create_app
from app.platform.security import safe_next_url
from tests.conftest import make_config, text


def post_rules(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            yield rule


# One-click unsubscribe (RFC 8058): the mail provider POSTs without a CSRF token; the signed
# token in the URL is the proof, and a forged one is a 404.
# SPID's identity provider POSTs cross-site (its signed message is the proof): with SPID off, a 404.
CSRF_EXEMPT = {
    "/disiscrizione/<token>", "/segui/smetti/<token>", "/disiscrizione/indirizzo/<token>", "/spid/acs", "/spid/slo",
}  # fmt: skip


def test_every_post_route_refuses_a_missing_csrf_token(app, as_admin, member):
    """Logged in as an administrator, no POST without a token changes anything."""
    rules = list(post_rules(app))
    assert len(rules) >= 10
    for rule in rules:
        if rule.rule in CSRF_EXEMPT:
            assert as_admin.post(rule.rule.replace("<token>", "x"), csrf=False).status_code == 404
            continue
        url = re.sub(r"<int:user_id>", str(member.id), rule.rule)
        url = re.sub(r"<int:\w+>", "1", url)
        url = re.sub(r"<\w+>", "x", url)
        response = as_admin.post(url, {"full_name": "Cambiato", "roles": []}, csrf=False)
        assert response.status_code == 400, rule.rule
        assert "Il modulo è scaduto o non è valido" in text(response)
    assert as_admin.get("/area-riservata").status_code == 200


def test_csrf_token_from_another_session_is_refused(app, browser, member):
    other = type(browser)(app.test_client())
    token = other.token("/accedi")
    response = browser.client.post(
        "/accedi", data={"email": member.email, "password": "x", "csrf_token": token}
    )
    assert response.status_code == 400


def test_security_headers(browser):
    response = browser.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_pages_have_no_inline_script_or_style(browser, as_admin):
    for url in (
        "/",
        "/accedi",
        "/area-riservata",
        "/amministrazione/utenti/",
        "/amministrazione/comuni/nuovo",
    ):
        html = as_admin.get(url).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "onclick" not in html, url


def test_session_cookie_is_httponly_and_samesite_lax(browser, member):
    response = browser.login(member)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_production_cookies_are_secure_and_hsts_is_sent(db_url):
    app = create_app(
        make_config(
            db_url,
            None,
            LEGAMI_ENV="production",
            SECRET_KEY="production-secret-key-of-at-least-32-bytes",
            RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
            TRUSTED_HOSTS=["legami.test"],
            MAIL_SERVER="127.0.0.1",
            MAIL_FROM="legami@legami.test",
            PUBLIC_URL="https://legami.test",
        )
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.app_context():
        response = app.test_client().get("/salute")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("target", ["/", "/gruppi/", "/area-riservata?x=1&y=%2F", "/accedi#top"])
def test_safe_next_accepts_local_paths(target):
    assert safe_next_url(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "%252F%252Fevil.example",
        "/%0a/evil.example",
        "/\t/evil.example",
        "evil.example",
        "/" + "a" * 2100,
    ],
)
def test_safe_next_refuses_other_sites(target):
    assert safe_next_url(target) is None
