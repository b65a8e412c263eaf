"""Static files: content-hashed names, a year of `immutable` caching, gzip and brotli (WhiteNoise).

`make assets` bundles what the pages load (esbuild: only the parts of Bootstrap Italia the
pages use, the fonts the CSS names) into `app/static/dist/`, each file named after a hash of its
content, and writes a `.gz` and a `.br` beside each (`python -m whitenoise.compress`). esbuild's
metafile (`dist/meta.json`) says which built file stands for which source, so
`url_for('static', filename='css/legami.css')` answers `/static/dist/css/legami.<hash>.css`
and templates name the sources as before. WhiteNoise answers `/static/` before Flask sees the
request: a built file with a year of `Cache-Control: public, immutable` (its name changes with
its content), in the encoding the browser accepts; any other static file for a minute, then
revalidated. Without a build (a checkout where `make assets` has not run) the sources are served
under their own names.
"""

import json
import os
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

DIST = "dist"
METAFILE = f"{DIST}/meta.json"
YEAR = 365 * 24 * 3600
EXTENSION = "legami_static_manifest"


def load_manifest(static_folder: str) -> dict[str, str]:
    """Source name -> built name, both relative to the static folder ({} before a build)."""
    try:
        outputs = json.loads((Path(static_folder) / METAFILE).read_text())["outputs"]
    except (FileNotFoundError, ValueError, KeyError):
        return {}
    base = Path(static_folder).parent.parent  # esbuild runs from the repository's root
    manifest = {}
    for built, meta in outputs.items():
        if meta.get("entryPoint"):
            source = os.path.relpath(base / meta["entryPoint"], static_folder)
            manifest[Path(source).as_posix()] = Path(os.path.relpath(base / built, static_folder)).as_posix()
    return manifest


def is_hashed(_path: str, url: str) -> bool:
    return f"/{DIST}/" in url


def _headers(headers, _path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"
    if is_hashed(_path, url):
        headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"


def init_app(app: Flask) -> None:
    manifest = load_manifest(app.static_folder)
    app.extensions[EXTENSION] = manifest

    @app.url_defaults
    def built_name(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        max_age=60,
        autorefresh=app.debug,
        immutable_file_test=is_hashed,
        add_headers_function=_headers,
    )
