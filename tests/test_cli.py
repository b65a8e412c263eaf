"""The command-line tools: users create, demo load."""

from pathlib import Path

from sqlalchemy import func, select

from app.auth.models import Role, User
from app.extensions import db
from app.towns.models import Town


def test_users_create(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Capo@Example.org",
            "--name",
            "Capo",
            "--role",
            "admin",
            "--password",
            "una-password-lunga",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "capo@example.org"))
    assert user.roles == {Role.ADMIN} and user.check_password("una-password-lunga")


def test_users_create_refuses_duplicates_and_short_passwords(app, admin):
    runner = app.test_cli_runner()
    dup = runner.invoke(args=["users", "create", "--email", admin.email, "--password", "una-password-lunga"])
    assert dup.exit_code != 0 and "already exists" in dup.output
    short = runner.invoke(args=["users", "create", "--email", "n@example.org", "--password", "corta"])
    assert short.exit_code != 0 and "at least 10" in short.output
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_demo_load_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "Administrator: admin@legami.example" in first.output
    password = first.output.split("password: ")[1].split()[0]
    admin = db.session.scalar(select(User).where(User.email == "admin@legami.example"))
    assert admin.is_admin and admin.check_password(password)
    towns = db.session.scalar(select(func.count(Town.id)))
    assert towns >= 10
    from app.civic_centers.models import Activity, CivicCenter, Closure, OccurrenceChange

    assert db.session.scalar(select(func.count(CivicCenter.id))) == 3
    assert db.session.scalar(select(func.count(Activity.id))) >= 6
    assert db.session.scalar(select(func.count(Closure.id))) == 1
    assert db.session.scalar(select(OccurrenceChange.is_cancelled)) is True
    saved = (Path(app.instance_path) / "demo-credentials.txt").read_text()
    assert password in saved
    second = runner.invoke(args=["demo", "load"])
    assert "already loaded" in second.output
    assert db.session.scalar(select(func.count(Town.id))) == towns
