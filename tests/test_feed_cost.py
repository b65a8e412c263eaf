"""A feed's 304 reads no body; a warm feed comes from the process's memory, not the database."""

import threading

from app.agenda.feed_memory import FeedMemory, memory
from tests.test_feeds import center, current  # noqa: F401  (fixtures)
from tests.test_query_counts import count_queries

URL = "/ical/centri/oratorio-san-luigi.ics"


def reads_body(statements) -> bool:
    return any("feed_cache.body" in s or "event_fragments" in s for s in statements)


def selects(statements) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_a_304_reads_no_body_and_makes_three_queries(browser, app, current):  # noqa: F811
    etag = browser.get(URL).headers["ETag"]
    app.extensions["legami_feed_memory"].forget_heads()  # as a worker that has not checked it lately
    with count_queries() as statements:
        response = browser.get(URL, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""
    assert not reads_body(statements) and len(selects(statements)) == 3, (
        statements
    )  # center, fingerprint, head


def test_within_seconds_of_a_check_a_304_asks_only_for_the_center(browser, current):  # noqa: F811
    etag = browser.get(URL).headers["ETag"]
    with count_queries() as statements:
        assert browser.get(URL, headers={"If-None-Match": etag}).status_code == 304
    assert len(selects(statements)) == 1, statements  # the center named in the address
    with count_queries() as statements:
        assert browser.get("/ical/tutto.ics").status_code == 200
        assert browser.get("/ical/tutto.ics").status_code == 200
    assert len(selects(statements)) > 0  # the first asks; the second is answered from memory


def test_a_change_made_in_this_process_is_seen_at_once(browser, current):  # noqa: F811
    from app.civic_centers import services as centers
    from app.platform.extensions import db

    etag = browser.get(URL).headers["ETag"]
    centers.cancel_activity(current, "Maltempo")
    db.session.commit()
    changed = browser.get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and b"Maltempo" in changed.data


def test_a_warm_feed_is_served_from_memory(browser, current):  # noqa: F811
    first = browser.get(URL)
    with count_queries() as statements:
        again = browser.get(URL)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert not reads_body(statements)


def test_another_process_reads_the_stored_bytes_once(browser, app, current):  # noqa: F811
    first = browser.get(URL)
    app.extensions["legami_feed_memory"] = FeedMemory(1024 * 1024)  # as a fresh worker would start
    with count_queries() as statements:
        assert browser.get(URL).data == first.data
    assert any("feed_cache.body" in s for s in statements)
    with app.test_request_context():
        assert (
            memory().get(f"centro:{current.center_id}@legami.test", first.headers["ETag"].strip('"'))
            == first.data
        )


def test_the_memory_is_bounded_and_safe_across_threads():
    kept = FeedMemory(max_bytes=1000)
    kept.put("big", "e", b"x" * 2000)  # larger than the whole memory: not kept
    assert kept.get("big", "e") is None

    def fill(n):
        for i in range(200):
            kept.put(f"feed{n}-{i}", "e", b"y" * 100)
            kept.get(f"feed{n}-{i - 1}", "e")

    threads = [threading.Thread(target=fill, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(1 for n in range(8) for i in range(200) if kept.get(f"feed{n}-{i}", "e")) <= 10
