"""Static files (issue 22): content-hashed names from the build's metafile, a year of
`immutable` for them, brotli or gzip as the browser accepts, a minute for anything else."""

import json
import os

import pytest
from flask import render_template_string

from app.platform import static_files


def test_the_manifest_maps_each_source_to_its_built_name(tmp_path):
    static = tmp_path / "app" / "static"
    (static / "dist").mkdir(parents=True)
    (static / "dist" / "meta.json").write_text(json.dumps({"outputs": {
        "app/static/dist/css/legami.ABC123.css": {"entryPoint": "app/static/css/legami.css"},
        "app/static/dist/vendor/x/font.DEF456.woff2": {},  # an asset the CSS names: no entry of its own
    }}))  # fmt: skip
    assert static_files.load_manifest(str(static)) == {"css/legami.css": "dist/css/legami.ABC123.css"}


def test_without_a_build_there_is_no_manifest(tmp_path):
    assert static_files.load_manifest(str(tmp_path)) == {}
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "meta.json").write_text("{not json")
    assert static_files.load_manifest(str(tmp_path)) == {}


def test_pages_name_the_built_file(app, monkeypatch):
    monkeypatch.setitem(
        app.extensions[static_files.EXTENSION], "css/legami.css", "dist/css/legami.ABC123.css"
    )
    with app.test_request_context():
        html = render_template_string("{{ url_for('static', filename='css/legami.css') }}")
    assert html == "/static/dist/css/legami.ABC123.css"


def test_a_source_file_is_kept_a_minute_and_not_sniffed(browser):
    response = browser.get("/static/css/legami.css")
    assert response.status_code == 200 and b"@font-face" in response.data
    assert response.headers["Cache-Control"] == "max-age=60, public"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_built_file_is_immutable_for_a_year_and_sent_compressed(app, browser):
    built = app.extensions[static_files.EXTENSION].get("vendor/bootstrap-italia/css/bootstrap-italia.min.css")
    if not built:
        if os.environ.get("CI"):
            pytest.fail("app/static/dist is missing: `make assets` builds it")
        pytest.skip("app/static/dist is missing: run `make assets`")
    for encoding in ("br", "gzip"):
        response = browser.get(f"/static/{built}", headers={"Accept-Encoding": encoding})
        assert response.status_code == 200 and response.headers["Content-Encoding"] == encoding
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert int(response.headers["Content-Length"]) < 100_000  # 581 KB of CSS as sent
    assert "Content-Encoding" not in browser.get(f"/static/{built}").headers


def test_the_pages_load_only_the_parts_of_bootstrap_italia_they_use(browser):
    html = browser.get("/").get_data(as_text=True)
    assert "bootstrap-italia.bundle" not in html
    assert "bootstrap-italia-parts" in html
