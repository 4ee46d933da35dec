"""smsgateway: referral notices and replies by SMS, WhatsApp and voice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from smsgateway.api import init_api
from smsgateway.config import load_settings
from smsgateway.logs import init_logging
from smsgateway.runtime import init_runtime
from smsgateway.web import init_web


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """The Flask application: settings, database, transport, console, API."""
    settings = load_settings(overrides=overrides)
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path.resolve()),
        template_folder="web/templates",
        static_folder="web/static",
    )
    app.config["SECRET_KEY"] = settings.secret_key
    init_logging(app)
    init_runtime(app, settings)
    init_web(app)
    init_api(app)
    return app
