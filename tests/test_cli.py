"""The command-line tools: users create, demo load."""

from pathlib import Path

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.platform.extensions import db
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
    common = runner.invoke(args=["users", "create", "--email", "n@example.org", "--password", "1234567890"])
    assert common.exit_code != 0 and "common passwords" in common.output
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


def test_feeds_warm_builds_every_public_feed_before_the_first_request(app, browser):
    from app.agenda.models import EventFragment, FeedCache
    from app.civic_centers.models import CivicCenter
    from app.labs.models import Lab

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["feeds", "warm"]).exit_code != 0  # the public address is required

    result = runner.invoke(args=["feeds", "warm", "--base-url", "http://legami.test"])
    assert result.exit_code == 0, result.output
    towns = db.session.scalar(select(func.count(Town.id)))
    centers = db.session.scalar(select(func.count(CivicCenter.id)))
    public_labs = sum(lab.is_public for lab in db.session.scalars(select(Lab)))
    keys = set(db.session.scalars(select(FeedCache.key)))
    assert len(keys) == 1 + towns + centers + 5 + public_labs
    assert f"{len(keys)} feeds built" in result.output
    assert db.session.scalar(select(func.count(EventFragment.uid))) > 0
    body = db.session.get(FeedCache, "tutto@legami.test").body.decode()
    assert "URL:http://legami.test/centri/" in body

    # A calendar app asking at that address gets the bytes already built.
    built_at = db.session.get(FeedCache, "tutto@legami.test").built_at
    response = browser.get("/ical/tutto.ics", base_url="http://legami.test")
    assert response.status_code == 200 and response.data.decode() == body
    db.session.expire_all()
    assert db.session.get(FeedCache, "tutto@legami.test").built_at == built_at
