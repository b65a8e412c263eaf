"""Browser walk of the voucher calls (tests/browser/conciliation_calls.mjs): a resident applies and
reads the protocol number; a coordinator closes, computes, reviews and publishes the ranking; the
public ranking shows protocol numbers only; axe-core at 390 and 1280 px."""

import pytest

from tests.browser_support import demo_app, require_browser, run_flow, served

pytestmark = pytest.mark.browser


def test_a_resident_applies_and_a_coordinator_publishes_the_ranking(tmp_path):
    require_browser()
    with served(demo_app(tmp_path, "conciliation-calls")) as base:
        printed = run_flow("browser/conciliation_calls.mjs", base)
    assert "conciliation calls browser walk: ok PTT-" in printed and "VIOLATIONS" not in printed
