"""`flask occurrences extend|rebuild`: keep the stored occurrences; `flask feeds warm`: build every public feed before calendar apps first ask for it.

The first build of a large feed serialises every event (about a millisecond
each); later builds reuse the cached events of the series that did not
change. Running this after a deploy moves that one-off cost out of a
resident's request.
"""

import time

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from app.agenda import search, store
from app.civic_centers.models import AUDIENCE_SLUGS, CivicCenter
from app.labs.models import Lab
from app.messages import scheduled
from app.platform.extensions import db
from app.towns.models import Town

feeds_cli = AppGroup("feeds", help="Public iCalendar feeds.")
occurrences_cli = AppGroup("occurrences", help="Stored occurrences the calendar pages read.")


@scheduled.nightly
def nightly_extend() -> int:
    """The worker's nightly run (app/messages/scheduled.py), same as `flask occurrences extend`."""
    return store.extend()


@occurrences_cli.command("extend")
def extend_occurrences():
    """Move the stored horizon to 18 months from today (run daily; the first run fills the table)."""
    started = time.perf_counter()
    written = store.extend()
    db.session.commit()
    click.echo(f"{written} occurrences written in {time.perf_counter() - started:.1f} s.")


@occurrences_cli.command("rebuild")
def rebuild_occurrences():
    """Rewrite every series' occurrences (after restoring a backup, or a change made outside the app)."""
    started = time.perf_counter()
    written = store.rebuild()
    db.session.commit()
    click.echo(f"{written} occurrences written in {time.perf_counter() - started:.1f} s.")


def feed_paths() -> list[str]:
    """The path of every public feed."""
    paths = [url_for("agenda.feed_all")]
    paths += [url_for("agenda.feed_town", slug=s) for s in db.session.scalars(select(Town.slug))]
    paths += [url_for("agenda.feed_center", slug=s) for s in db.session.scalars(select(CivicCenter.slug))]
    paths += [url_for("agenda.feed_audience", audience=s) for s in AUDIENCE_SLUGS.values()]
    labs = db.session.scalars(select(Lab).where(Lab.deleted_at.is_(None)))
    paths += [url_for("agenda.feed_lab", slug=lab.slug) for lab in labs if lab.is_public]
    return paths


@feeds_cli.command("warm")
@click.option(
    "--base-url",
    required=True,
    help="The public address residents use, e.g. https://legami.example.it (it is in every event's URL).",
)
def warm(base_url: str):
    """Build and cache every public feed."""
    app = current_app._get_current_object()
    with app.test_request_context(base_url=base_url):
        paths = feed_paths()
    client = app.test_client()
    started = time.perf_counter()
    for path in paths:
        response = client.get(path, base_url=base_url)
        if response.status_code != 200:
            raise click.ClickException(f"{path}: HTTP {response.status_code}")
    elapsed = time.perf_counter() - started
    click.echo(f"{len(paths)} feeds built in {elapsed:.1f} s.")


search_cli = AppGroup("search", help="The words /cerca finds things by.")


@search_cli.command("rebuild")
def rebuild_search():
    """Rewrite every row of the search (after restoring a backup, or a change made outside the app)."""
    started = time.perf_counter()
    written = search.reindex_all()
    db.session.commit()
    click.echo(f"{written} things indexed in {time.perf_counter() - started:.1f} s.")
