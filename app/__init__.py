"""Legami: a portal for community welfare in the Crema and Cremona districts."""

import os
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from app.common import formatting
from app.messages import services as message_services
from app.platform import (
    chrome,
    collector,
    database,
    errors,
    page_cache,
    rate_limits,
    request_log,
    schedule,  # noqa: F401 (its table: scheduled jobs' claims)
    security,
    static_files,
    versioning,
)
from app.platform import config as configuration
from app.platform.database import configure_engine
from app.platform.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, CLI."""
    # The instance folder (instance/config.py, the development secret, FILES_DIR's default):
    # LEGAMI_INSTANCE_PATH moves it (one per app server on a machine); tests pass their own.
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("LEGAMI_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(configuration.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(configuration.from_environment())
    else:
        app.config.from_mapping(test_config)
    configuration.finalise(app.config, app.instance_path)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    # Late: importing the `app` package (as the worker and every test do) must not load every feature.
    from app import blueprints, cli

    _init_extensions(app)
    for blueprint in blueprints.BLUEPRINTS:
        app.register_blueprint(blueprint)
    message_services.init_app(app)
    rate_limits.check_in_routes_only(app, limiter)
    page_cache.init_app(app)
    errors.init_app(app)
    versioning.init_app(app)
    security.init_app(app)
    formatting.init_app(app)
    chrome.init_app(app)
    request_log.init_app(app)
    database.init_app(app)  # read-only requests end with a commit (PostgreSQL)
    cli.init_app(app)
    static_files.init_app(app)  # /static/ answered before Flask sees the request
    collector.init_app(app)  # last: the outermost WSGI layer
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Accedi per vedere questa pagina.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    os.makedirs(app.instance_path, exist_ok=True)
