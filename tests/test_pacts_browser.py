"""Browser test of the register (tests/browser/pacts_flow.mjs): an operator from a new pact
to its first review, a coordinator reading the read log; axe-core on every page."""

import pytest

from tests.browser_support import demo_app, require_browser, run_flow, served

pytestmark = pytest.mark.browser


def test_an_operator_from_a_new_pact_to_its_first_review(tmp_path):
    require_browser()
    with served(demo_app(tmp_path, "pacts")) as base:
        printed = run_flow("browser/pacts_flow.mjs", base)
    assert "pacts browser flow: ok PG-" in printed and "VIOLATIONS" not in printed
