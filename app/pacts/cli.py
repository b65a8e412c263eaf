"""`flask pacts anonymise`: the retention job (schedule it daily, see docs/DEPLOY.md)."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.common.timeutil import today_in_rome
from app.pacts import retention
from app.platform.extensions import db

pacts_cli = AppGroup("pacts", help="Patti Gener-Attivi.")


@pacts_cli.command("anonymise")
@click.option("--years", type=int, default=None, help="Defaults to PACT_RETENTION_YEARS (5).")
@click.option("--dry-run", is_flag=True, help="Only list the pacts that would be anonymised.")
def anonymise(years: int | None, dry_run: bool):
    """Anonymise the personal data of pacts closed more than N years ago; the counts stay."""
    years = years if years is not None else current_app.config["PACT_RETENTION_YEARS"]
    if years < 1:
        raise click.ClickException("--years must be at least 1.")
    if dry_run:
        numbers = [p.number for p in retention.due(today_in_rome(), years)]
        click.echo(f"{len(numbers)} pact(s) would be anonymised: {', '.join(numbers) or '-'}")
        return
    numbers = retention.run(today_in_rome(), years)
    db.session.commit()
    click.echo(f"{len(numbers)} pact(s) anonymised: {', '.join(numbers) or '-'}")
