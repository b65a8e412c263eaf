"""Command-line tools: `flask users create`, `flask demo load` (and `flask feeds warm`, in app/agenda;
`flask pacts anonymise`, in app/pacts; `flask files ...` and `flask backup`, in app/minutes)."""

import secrets
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select, text

from app import demo_district
from app.accounts.models import Role, User
from app.agenda.cli import feeds_cli, occurrences_cli, search_cli
from app.auth import services as accounts
from app.auth.passwords import PASSWORD_MIN, is_common
from app.auth.spid.cli import spid_cli
from app.common.timeutil import today_in_rome
from app.demo import load
from app.minutes.files_cli import backup_command, files_cli
from app.pacts.cli import pacts_cli
from app.platform.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demonstration data.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", default="", help="Full name (defaults to the e-mail).")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", default=None, help="Prompted for when omitted.")
def create_user(email: str, full_name: str, roles: tuple[str, ...], password: str | None):
    """Create an account with a password."""
    if accounts.find_by_email(email) is not None:
        raise click.ClickException(f"An account with e-mail {email} already exists.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < PASSWORD_MIN:
        raise click.ClickException(f"The password needs at least {PASSWORD_MIN} characters.")
    if is_common(password):
        raise click.ClickException("This password is on the list of common passwords: choose another.")
    user = accounts.create_user(email, full_name or email, {Role(r) for r in roles})
    user.set_password(password)
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(roles)) or 'none'}.")


@demo_cli.command("load")
@click.option("--admin-email", default="admin@legami.example")
@click.option(
    "--scale", type=click.Choice(["demo", "district"]), default="demo",
    help="district: the DESIGN scale (50 towns, 2,000 weekly activities, 100 groups), for benchmarks.",
)  # fmt: skip
@click.option("--years", default=10, show_default=True, help="Years of meetings and verbali (district).")
@click.option(
    "--times", default=1, show_default=True, type=click.IntRange(1, 4),
    help="District: that many districts side by side (2: to measure how the pages grow).",
)  # fmt: skip
def load_demo(admin_email: str, scale: str, years: int, times: int):
    """Load invented demonstration data (once; later runs change nothing)."""
    if scale == "district":
        _load_district(years, times)
        return

    password = secrets.token_urlsafe(12)
    created = load(admin_email, password)
    if not created:
        click.echo("Demo data already loaded; nothing changed.")
        return
    lines = [
        f"Administrator: {admin_email}  password: {password}",
        f"Every demo account has the same password: {password}",
    ]
    # Kept beside the database, readable by its owner only, for later look-ups.
    path = Path(current_app.instance_path) / "demo-credentials.txt"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    click.echo("Demo data loaded.")
    click.echo("\n".join(lines))
    click.echo(f"(saved in {path})")


def _load_district(years: int, times: int = 1) -> None:
    if db.session.scalar(select(User.id).where(User.email == "maker.distretto@legami.example")):
        click.echo("The district is already loaded; nothing changed.")
        return
    started = time.perf_counter()
    demo_district.load(today_in_rome(), years, click.echo, times)
    _refresh_statistics()
    click.echo(f"District loaded in {time.perf_counter() - started:.0f} s.")


def _refresh_statistics() -> None:
    """After a bulk load, what autovacuum would do in time (and never does where it is off):
    planner statistics, and on PostgreSQL the visibility map that lets counts read only the index."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(feeds_cli)
    app.cli.add_command(occurrences_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(pacts_cli)
    app.cli.add_command(spid_cli)
    app.cli.add_command(files_cli)
    app.cli.add_command(backup_command)
