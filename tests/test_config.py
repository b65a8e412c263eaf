"""Configuration: safe development defaults, refusals in production."""

import pytest

from app import create_app
from app.platform.config import ConfigError, defaults, finalise


def production(**overrides):
    config = defaults("/nonexistent")
    config.update(
        {
            "LEGAMI_ENV": "production",
            "SECRET_KEY": "s" * 64,
            "RATELIMIT_STORAGE_URI": "redis://r:6379",
            "TRUSTED_HOSTS": ["legami.example.it"],
            "MAIL_SERVER": "smtp.example.it",
            "PUBLIC_URL": "https://legami.example.it",
            "MAIL_FROM": "legami@comune.example.it",
        }
    )
    config.update(overrides)
    return config


def test_development_secret_is_generated_once_into_instance(tmp_path):
    first, second = defaults(str(tmp_path)), defaults(str(tmp_path))
    finalise(first, str(tmp_path))
    finalise(second, str(tmp_path))
    assert len(first["SECRET_KEY"]) == 64 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_instance(tmp_path):
    config = defaults(str(tmp_path))
    finalise(config, str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'legami.sqlite3'}"


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        finalise(production(SECRET_KEY=None), "/nonexistent")


def test_production_refuses_per_process_rate_limit_storage():
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        finalise(production(RATELIMIT_STORAGE_URI="memory://"), "/nonexistent")


def test_production_refuses_to_answer_any_host_name():
    with pytest.raises(ConfigError, match="TRUSTED_HOSTS"):
        finalise(production(TRUSTED_HOSTS=None), "/nonexistent")
    finalise(production(), "/nonexistent")  # the complete production settings start


def test_a_foreign_host_header_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hosts.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("TRUSTED_HOSTS", "legami.example.it, www.legami.example.it")
    app = create_app()
    assert app.config["TRUSTED_HOSTS"] == ["legami.example.it", "www.legami.example.it"]
    client = app.test_client()
    refused = client.get("/calendario/come-iscriversi", base_url="http://evil.example")
    assert refused.status_code == 400 and "Richiesta non valida" in refused.get_data(as_text=True)
    assert "evil.example" not in refused.get_data(as_text=True)
    good = client.get("/calendario/come-iscriversi", base_url="https://www.legami.example.it")
    assert good.status_code == 200


def test_environment_variables_configure_the_app(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["TRUSTED_PROXIES"] == 1


def test_production_refuses_to_start_without_mail_settings():
    with pytest.raises(ConfigError, match="MAIL_SERVER"):
        finalise(production(MAIL_SERVER=""), "/nonexistent")
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        finalise(production(PUBLIC_URL="http://legami.example.it"), "/nonexistent")


def test_production_workers_trust_the_pages_generation_for_a_second_unless_told():
    config = production()
    finalise(config, "/nonexistent")
    assert config["PAGE_GENERATION_SECONDS"] == 1.0
    exact = production(PAGE_GENERATION_SECONDS=0.0)
    finalise(exact, "/nonexistent")
    assert exact["PAGE_GENERATION_SECONDS"] == 0.0
    development = defaults("/nonexistent") | {"SECRET_KEY": "development"}
    finalise(development, "/nonexistent")
    assert development["PAGE_GENERATION_SECONDS"] == 0.0


# --- Issue 27: fail closed at start -------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["PRODUCTION", "prod", "Production", " production", "production ", "dev", "staging", ""]
)
def test_an_unknown_environment_name_refuses_to_start(value):
    config = production(LEGAMI_ENV=value)
    with pytest.raises(ConfigError, match="LEGAMI_ENV"):
        finalise(config, "/nonexistent")
    # Never a silent fall-back to development (insecure cookies, no checks).
    assert "SESSION_COOKIE_SECURE" not in config


def test_an_unknown_environment_name_in_the_environment_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("LEGAMI_ENV", "PRODUCTION")
    with pytest.raises(ConfigError, match="LEGAMI_ENV"):
        create_app()


@pytest.mark.parametrize("value", ["development", "test"])
def test_the_known_environment_names_start(tmp_path, value):
    config = defaults(str(tmp_path)) | {"LEGAMI_ENV": value}
    finalise(config, str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("key", ["x", "production-test-secret", "s" * 31, "è" * 15])
def test_production_refuses_a_short_secret_key(key):
    with pytest.raises(ConfigError, match="SECRET_KEY must be at least 32 bytes"):
        finalise(production(SECRET_KEY=key), "/nonexistent")
    finalise(production(SECRET_KEY="s" * 32), "/nonexistent")  # 32 bytes start
    finalise(production(SECRET_KEY="è" * 16), "/nonexistent")  # so do 32 bytes of UTF-8


@pytest.mark.parametrize(
    "hosts",
    [["127.0.0.1"], ["www.legami.example.it"], ["legami.example.it.evil"], ["example.it"]],
)
def test_production_refuses_a_public_url_on_a_host_it_does_not_answer(hosts):
    with pytest.raises(ConfigError, match="PUBLIC_URL's host"):
        finalise(production(TRUSTED_HOSTS=hosts), "/nonexistent")


@pytest.mark.parametrize(
    "hosts", [["legami.example.it"], ["127.0.0.1", "legami.example.it"], [".example.it"]]
)
def test_production_starts_with_the_public_url_among_the_trusted_hosts(hosts):
    finalise(production(TRUSTED_HOSTS=hosts), "/nonexistent")


@pytest.mark.parametrize(
    "sender", ["legami@localhost", "Legami <legami@comune.example.it>", "a@b.it\r\nBcc: x@evil.example", ""]
)
def test_production_refuses_a_sender_that_is_not_one_plain_address(sender):
    with pytest.raises(ConfigError, match="MAIL_FROM"):
        finalise(production(MAIL_FROM=sender), "/nonexistent")


def test_a_message_that_the_configuration_cannot_build_waits_and_goes_when_fixed(app, make_user, mailbox):
    """PUBLIC_URL's host not among TRUSTED_HOSTS: every link fails to build. The message is not
    failed for good: it waits (back-off) and leaves once the configuration is fixed."""
    from datetime import timedelta

    from sqlalchemy import select

    from app.auth import notices
    from app.common.timeutil import utcnow
    from app.messages.models import Message
    from app.platform.extensions import db

    app.config.update(TRUSTED_HOSTS=["legami.test"], PUBLIC_URL="https://legami.example.it")
    user = make_user("nuovo@example.org", name="Nina Nuova", password=None)
    notices.send_invitation(user)
    db.session.commit()
    now = utcnow()
    assert mailbox.deliver(now=now) == []
    row = db.session.scalar(select(Message))
    assert row.state == "queued" and "TRUSTED_HOSTS" in row.last_error
    assert mailbox.deliver(now=now + timedelta(seconds=30)) == []  # backing off
    app.config["TRUSTED_HOSTS"] = ["legami.test", "legami.example.it"]
    (arrived,) = mailbox.deliver(now=now + timedelta(minutes=5))
    assert arrived["To"].addresses[0].addr_spec == "nuovo@example.org"
    assert "https://legami.example.it/" in arrived.get_body(preferencelist=("plain",)).get_content()
