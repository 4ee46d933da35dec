"""gunicorn settings for bench/reply_profile.py: the production ones, plus hooks in each worker
that add up wall and CPU time per request, per SQL statement kind and per COMMIT, written to
`$REPLY_PROFILE_DIR/stats-<pid>.json` when the worker exits."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from smsgateway.gunicorn_conf import *  # noqa: F403
from smsgateway.gunicorn_conf import worker_exit as _production_worker_exit

_totals: dict[str, list[float]] = {}
_lock = threading.Lock()
_local = threading.local()


def _add(key: str, wall: float, cpu: float) -> None:
    with _lock:
        entry = _totals.setdefault(key, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += wall
        entry[2] += cpu


def _timed(key: str, call: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return call(*args, **kwargs)
        finally:
            _add(key, time.perf_counter() - wall, time.thread_time() - cpu)

    return wrapper


def post_worker_init(worker: Any) -> None:
    from flask import g
    from sqlalchemy import event

    from smsgateway.runtime import get_runtime

    app = worker.wsgi
    engine = get_runtime(app).db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        _local.statement = (time.perf_counter(), time.thread_time())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        wall, cpu = _local.statement
        kind = "sql " + statement.split(None, 1)[0].upper()
        _add(kind, time.perf_counter() - wall, time.thread_time() - cpu)

    # COMMIT goes to the DB-API connection directly: time it through the pool's wrapper.
    from sqlalchemy.engine import default

    original = default.DefaultDialect.do_commit
    default.DefaultDialect.do_commit = lambda self, conn: _timed("sql COMMIT", original)(self, conn)

    from smsgateway import db

    if hasattr(db, "WriteLock"):  # SQLite writers' turn (docs/benchmarks.md, round 3)
        db.WriteLock.acquire = _timed("write lock wait", db.WriteLock.acquire)  # type: ignore

    @app.before_request
    def _request_started() -> None:
        g.profile_started = (time.perf_counter(), time.thread_time())

    @app.teardown_request
    def _request_ended(_error: BaseException | None) -> None:
        started = g.pop("profile_started", None)
        if started is not None:
            _add("request", time.perf_counter() - started[0], time.thread_time() - started[1])


def worker_exit(server: Any, worker: Any) -> None:
    _production_worker_exit(server, worker)
    directory = os.environ.get("REPLY_PROFILE_DIR")
    if directory:
        path = Path(directory) / f"stats-{os.getpid()}.json"
        path.write_text(json.dumps(_totals))
    sys.stdout.flush()
