"""The WSGI entry point for gunicorn:
`gunicorn -c python:smsgateway.gunicorn_conf --workers 3 smsgateway.wsgi:app`.

Each gunicorn worker imports this module and starts its own clock: every worker dispatches, and
the one holding the leader lock runs the leader jobs, so they run once, not once per worker.
The clock starts here, after gunicorn's master has bound the port. The configuration's
`worker_exit` hook calls `stop_clock` for a clean shutdown. Do not use `--preload`: the clock's
threads would start in the master and not survive the fork.
"""

from __future__ import annotations

import atexit
import logging

from flask import Flask

from smsgateway import create_app
from smsgateway.config import ConfigError
from smsgateway.heap import freeze_startup_objects
from smsgateway.logs import configure_logging
from smsgateway.runtime import get_runtime
from smsgateway.scheduler import Clock
from smsgateway.startup import wait_for_database

configure_logging(logging.INFO)

#: gunicorn's WORKER_BOOT_ERROR: its master stops rather than restarting workers for ever.
WORKER_BOOT_ERROR = 3


def _load() -> Flask:
    """The app, once its settings are valid and its database answers; else one line and exit."""
    try:
        app = create_app()
        wait_for_database(get_runtime(app).settings)
    except ConfigError as error:
        logging.getLogger(__name__).error("smsgateway: %s", error)
        raise SystemExit(WORKER_BOOT_ERROR) from None
    return app


app = _load()
freeze_startup_objects()  # smsgateway.heap: the app and its modules stay out of the collector
clock: Clock | None = None

if get_runtime(app).settings.scheduler:
    from smsgateway.scheduler import start_clock

    clock = start_clock(get_runtime(app))
    atexit.register(clock.shutdown)  # servers without the worker_exit hook


def stop_clock() -> None:
    """Stop this process's periodic jobs and wait for a running one to end."""
    if clock is not None:
        clock.shutdown(wait=True)
