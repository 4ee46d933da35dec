"""gunicorn settings: `gunicorn -c python:smsgateway.gunicorn_conf smsgateway.wsgi:app`.

`smsgateway serve` uses them in production. The `worker_exit` hook stops the worker's clock
(its APScheduler jobs and any dispatch round in progress) while the interpreter is still whole:
left to `atexit`, the scheduler kept submitting jobs after `concurrent.futures` had shut down
("cannot schedule new futures after interpreter shutdown").
"""

from __future__ import annotations

import sys
from typing import Any


def worker_exit(server: Any, worker: Any) -> None:
    """Called in the worker process just before it exits: stop its clock and wait for it."""
    wsgi = sys.modules.get("smsgateway.wsgi")
    if wsgi is not None:
        wsgi.stop_clock()
