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
