"""The pages' chrome for visitors, rendered once per process.

base.html's stylesheet links, header (with the main navigation) and footer are the same for
everyone not signed in, but for the navigation's current page: rendering them cost about 2 ms
of CPU a request (a dozen `url_for`, the navigation's macro calls, some twenty translations),
as much as the rest of a small page. `chrome(name)` renders such a fragment once per template,
endpoint, script root and locale and keeps the HTML; a signed-in person's header names them,
so it is rendered on every request. Anything a fragment shows must depend only on these keys
(or on the signed-in person): a fragment that showed more would be shown stale.
"""

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

EXTENSION = "legami_chrome"
# Fragments per process: a handful of templates times the app's endpoints (a few hundred).
MAX_KEPT = 4096


@pass_context
def chrome(context, name: str) -> Markup:
    """The rendered template `name` (a fragment of base.html), kept for visitors.

    A signed-in person's is rendered in the page's own context, as an include would (no second
    run of the context processors); a visitor's in a fresh one, so what is kept cannot depend on
    the page it was first rendered for."""
    if current_user.is_authenticated:
        html = context.environment.get_template(name).render(context.get_all())
        return Markup(html)  # noqa: S704 - an autoescaped template's output
    kept = current_app.extensions[EXTENSION]
    key = (name, request.endpoint, request.script_root, str(get_locale()))
    found = kept.get(key)
    if found is None:
        found = Markup(render_template(name))  # noqa: S704 - an autoescaped template's output
        if len(kept) < MAX_KEPT:
            kept[key] = found
    return found


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {}
    app.add_template_global(chrome, "chrome")
