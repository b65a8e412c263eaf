"""A feed's 304 reads no body; a warm feed comes from the process's memory, not the database."""

import threading

from app.agenda.feed_memory import FeedMemory, memory
from tests.test_feeds import center, current  # noqa: F401  (fixtures)
from tests.test_query_counts import count_queries

URL = "/ical/centri/oratorio-san-luigi.ics"


def reads_body(statements) -> bool:
    return any("feed_cache.body" in s or "event_fragments" in s for s in statements)


def test_a_304_reads_no_body_and_makes_three_queries(browser, current):  # noqa: F811
    etag = browser.get(URL).headers["ETag"]
    with count_queries() as statements:
        response = browser.get(URL, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert not reads_body(statements) and len(selects) == 3, selects  # the center, the fingerprint, the head


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
