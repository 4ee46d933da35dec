"""The WSGI entry point for gunicorn: `gunicorn --workers 3 smsgateway.wsgi:app`.

Each gunicorn worker imports this module and starts its own clock: every worker dispatches, and
the one holding the leader lock runs the leader jobs, so they run once, not once per worker.
Do not use `--preload`: the clock's threads would start in the master and not survive the fork.
"""

from __future__ import annotations

import atexit
import logging

from smsgateway import create_app
from smsgateway.runtime import get_runtime

logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
)

app = create_app()

if get_runtime(app).settings.scheduler:
    from smsgateway.scheduler import start_clock

    atexit.register(start_clock(get_runtime(app)).shutdown)
