"""base.html's header and footer are kept per endpoint for visitors (app/platform/chrome.py):
each page still marks its own section, and a signed-in person still sees their own header."""

import re

from app.platform import chrome


def current_section(html: str) -> list[str]:
    """The links the main navigation marks as the current page."""
    navigation = html.split('<nav class="navbar', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a class="nav-link active" href="([^"]+)" aria-current="page">', navigation)


def test_each_page_marks_its_own_section_once_the_header_is_kept(browser, app):
    for _ in range(2):  # the second time from what was kept
        assert current_section(browser.get("/calendario").get_data(as_text=True)) == ["/calendario"]
        assert current_section(browser.get("/centri/").get_data(as_text=True)) == ["/centri/"]
        assert current_section(browser.get("/").get_data(as_text=True)) == ["/"]
    kept = app.extensions[chrome.EXTENSION]
    assert {(name, endpoint) for name, endpoint, *_ in kept} >= {
        ("_header.html", "agenda.calendar"), ("_header.html", "civic_centers.index"), ("_footer.html", "home.index"),
    }  # fmt: skip


def test_a_signed_in_person_sees_their_own_header_not_the_visitors_one(browser, make_user):
    assert "Accedi" in browser.get("/centri/").get_data(as_text=True)  # the visitors' header, now kept
    browser.login(make_user(name="Giulia Ferrari"))
    html = browser.get("/centri/").get_data(as_text=True)
    assert "Giulia Ferrari" in html and 'href="/accedi"' not in html
    assert current_section(html) == ["/centri/"]
