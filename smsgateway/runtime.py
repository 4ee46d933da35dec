"""What a running process holds: settings, database, transport. Shared by app, CLI and jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app

from smsgateway.clock import utcnow
from smsgateway.config import Settings
from smsgateway.db import Database
from smsgateway.programme import Programme, programme_of
from smsgateway.transports.base import Transport, make_transport


@dataclass
class Runtime:
    settings: Settings
    db: Database
    transport: Transport
    # The clock web views read; tests put a fixed one here. Domain functions take `now`.
    clock: Callable[[], datetime] = field(default=utcnow)

    @property
    def programme(self) -> Programme:
        return programme_of(self.settings)


def build_runtime(settings: Settings) -> Runtime:
    from smsgateway.outbound_webhooks import enable_outbound_webhooks

    settings.instance_path.mkdir(parents=True, exist_ok=True)
    runtime = Runtime(settings, Database(settings.sqlalchemy_url), make_transport(settings))
    enable_outbound_webhooks(runtime.db, settings)
    return runtime


def init_runtime(app: Flask, settings: Settings) -> None:
    runtime = build_runtime(settings)
    app.extensions["smsgateway"] = runtime


def get_runtime(app: Flask | None = None) -> Runtime:
    runtime: Runtime = (app or current_app).extensions["smsgateway"]
    return runtime
