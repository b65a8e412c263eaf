"""`flask files cleanup|migrate|restore` and `flask backup`: the files of verbali (attachments,
approved PDF/A) across stores and backups (docs/DEPLOY.md, "Files" and "Backup and restore")."""

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.minutes import files
from app.platform import backup
from app.platform.extensions import db
from app.platform.storage import LocalStorage, S3Storage, storage

files_cli = AppGroup("files", help="Attachments and approved PDFs: cleanup, migration, restore.")


@files_cli.command("cleanup")
@click.option("--grace-hours", type=float, default=None, help="Defaults to FILES_CLEANUP_GRACE_HOURS (48).")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
def cleanup(grace_hours: float | None, dry_run: bool):
    """Remove the files no row names (removed attachments, failed uploads) older than the grace period."""
    hours = grace_hours if grace_hours is not None else current_app.config["FILES_CLEANUP_GRACE_HOURS"]
    with db.engine.connect() as connection:
        named = set(files.named_keys(connection))
    store = storage()
    found = files.unnamed(store, named, timedelta(hours=hours))
    for key in found:
        if not dry_run:
            store.delete(key)
    click.echo(
        f"{len(found)} file(s) no row names {'would be ' if dry_run else ''}removed: {', '.join(found) or '-'}"
    )


@files_cli.command("migrate")
@click.option("--to", "target", type=click.Choice(["s3", "local"]), required=True)
def migrate(target: str):
    """Copy every file the database names to the other store, checking each SHA-256; then set
    FILES_BACKEND to the target and restart the app servers."""
    local = LocalStorage(current_app.config["FILES_DIR"])
    if not current_app.config.get("S3_BUCKET"):
        raise click.ClickException("Set S3_BUCKET (and S3_ENDPOINT_URL, credentials) first.")
    bucket = S3Storage.from_config(current_app.config)
    source, destination = (local, bucket) if target == "s3" else (bucket, local)
    with db.engine.connect() as connection:
        keys = files.named_keys(connection)
    failed = files.copy(keys, source, destination)
    click.echo(f"{len(keys) - len(failed)} of {len(keys)} file(s) copied to {target}, each SHA-256 checked.")
    if failed:
        raise click.ClickException(f"Missing or not matching their SHA-256: {', '.join(failed)}")


@files_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore(source: Path):
    """Put a backup's files (made by `flask backup`) into the configured store, checking each."""
    try:
        count = backup.restore_files(source, storage())
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{count} file(s) restored, each SHA-256 checked.")


@click.command("backup")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def backup_command(target: Path):
    """The database (pg_dump, or SQLite's online copy) and the files it names, as of one moment."""
    try:
        manifest = backup.take(db.engine, storage(), files.named_keys, target)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup in {target}: {manifest['database']} and {len(manifest['files'])} file(s).")
