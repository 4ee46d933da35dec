"""gunicorn settings: `gunicorn -c python:smsgateway.gunicorn_conf smsgateway.wsgi:app`.

`smsgateway serve` uses them in production, with `SMSGATEWAY_WEB_WORKERS` processes and
`SMSGATEWAY_WEB_THREADS` threads in each.

Threaded workers (`gthread`): Twilio posts each inbound message as its own webhook, several at
once when a bulk notice draws its burst of replies. A reply takes a few milliseconds of CPU and
then waits on the database (SQLite's one writer, a PostgreSQL round trip); with sync workers
every concurrent caller beyond the number of processes queued in the listen backlog, which is
where the long tail of the reply benchmark came from. As many processes as cores keep the CPU
busy (the GIL makes threads no faster for the CPU part), and a few threads per process keep
callers from queueing behind another's database wait on PostgreSQL (docs/benchmarks.md,
"Webhooks"). On SQLite, writers now wait their turn on a lock that wakes them as soon as the
writer before them is done (`smsgateway.db`), and four threads measured as fast as one or faster
with a shorter tail (round 3); before that lock, one thread per worker measured better.

The `worker_exit` hook stops the worker's clock (its APScheduler jobs and any dispatch round in
progress) while the interpreter is still whole: left to `atexit`, the scheduler kept submitting
jobs after `concurrent.futures` had shut down ("cannot schedule new futures after interpreter
shutdown").
"""

from __future__ import annotations

import sys
from typing import Any

worker_class = "gthread"
#: Used when gunicorn is run without `--threads` (`smsgateway serve` always passes it).
threads = 4


def worker_exit(server: Any, worker: Any) -> None:
    """Called in the worker process just before it exits: stop its clock and wait for it."""
    wsgi = sys.modules.get("smsgateway.wsgi")
    if wsgi is not None:
        wsgi.stop_clock()
