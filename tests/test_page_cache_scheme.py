"""A page kept for an http request is not served over https (issue 27): the scheme is in the key."""


def test_a_page_read_over_http_is_not_kept_for_https(browser):
    over_http = browser.get("/calendario", base_url="http://legami.test").get_data(as_text=True)
    assert "http://legami.test/ical/" in over_http
    over_https = browser.get("/calendario", base_url="https://legami.test").get_data(as_text=True)
    assert "https://legami.test/ical/" in over_https
    assert "http://legami.test/" not in over_https
