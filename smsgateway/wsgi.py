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

from smsgateway import create_app
from smsgateway.runtime import get_runtime
from smsgateway.scheduler import Clock

logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
)

app = create_app()
clock: Clock | None = None

if get_runtime(app).settings.scheduler:
    from smsgateway.scheduler import start_clock

    clock = start_clock(get_runtime(app))
    atexit.register(clock.shutdown)  # servers without the worker_exit hook


def stop_clock() -> None:
    """Stop this process's periodic jobs and wait for a running one to end."""
    if clock is not None:
        clock.shutdown(wait=True)
