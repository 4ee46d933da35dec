"""The web console and the phone simulator (blueprints), with CSRF protection on every form."""

from __future__ import annotations

from flask import Flask

from smsgateway.runtime import get_runtime
from smsgateway.web import csrf
from smsgateway.web.console import console
from smsgateway.web.delivery import delivery
from smsgateway.web.simulator import simulator
from smsgateway.webhooks import webhooks


def init_web(app: Flask) -> None:
    csrf.init_csrf(app)
    app.register_blueprint(console)
    app.register_blueprint(delivery)
    app.register_blueprint(webhooks)
    enabled = get_runtime(app).settings.is_simulator_enabled
    app.jinja_env.globals["simulator_enabled"] = enabled
    if enabled:
        app.register_blueprint(simulator)
