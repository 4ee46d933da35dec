"""`smsgateway serve | worker | dispatch`: the web server, the periodic jobs, one dispatch round."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import NoReturn

import click
from flask.cli import with_appcontext

from smsgateway import create_app
from smsgateway.cli.checks import require_migrated_database
from smsgateway.clock import utcnow
from smsgateway.heap import freeze_startup_objects
from smsgateway.runtime import get_runtime


@click.command("serve")
@with_appcontext
def serve() -> None:
    """Serve the web console with the periodic jobs; in production under gunicorn.

    The port is bound before the clock starts: a server that cannot listen claims nothing.
    """
    settings = get_runtime().settings
    require_migrated_database(settings)
    if settings.is_production:
        _warn_without_admin()
        _exec_gunicorn(settings.host, settings.port, settings.web_workers, settings.web_threads)
    from werkzeug.serving import make_server

    from smsgateway.scheduler import start_clock

    app = create_app()
    freeze_startup_objects()
    # Binds now; a port in use ends the command here (werkzeug explains and exits with 1).
    server = make_server(settings.host, settings.port, app, threaded=True)
    clock = start_clock(get_runtime(app)) if settings.scheduler else None
    signal.signal(signal.SIGTERM, lambda _signum, _frame: _stop_in_thread(server.shutdown))
    click.echo(f"serving on http://{settings.host}:{settings.port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if clock is not None:
            clock.shutdown(wait=True)


def _stop_in_thread(stop: Callable[[], None]) -> None:
    """`shutdown` waits for the serving loop, so it cannot run in the loop's own thread."""
    threading.Thread(target=stop, daemon=True).start()


def _warn_without_admin() -> None:
    """Production serves no console page until an admin exists: say how to make one."""
    from smsgateway.users import has_active_admin
    from smsgateway.web.session import NO_ADMIN

    with get_runtime().db.sessions() as session:
        if not has_active_admin(session):
            click.echo(NO_ADMIN, err=True)


def _exec_gunicorn(host: str, port: int, workers: int, threads: int) -> NoReturn:
    """Replace this process with gunicorn serving `smsgateway.wsgi:app` (settings from env)."""
    argv = [sys.executable, "-m", "gunicorn", "--config", "python:smsgateway.gunicorn_conf"]
    argv += ["--workers", str(workers), "--threads", str(threads)]
    argv += ["--bind", f"{host}:{port}", "smsgateway.wsgi:app"]
    os.execv(sys.executable, argv)  # noqa: S606  (our own interpreter, fixed arguments)


@click.command("worker")
@with_appcontext
def worker() -> None:
    """Run the periodic jobs (dispatch; leader jobs when leader) until SIGTERM or Ctrl-C."""
    from smsgateway.scheduler import run_until_stopped

    require_migrated_database(get_runtime().settings)
    freeze_startup_objects()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    click.echo(f"worker {os.getpid()}: running periodic jobs; stop with Ctrl-C")
    try:
        run_until_stopped(get_runtime(), stop)
    except KeyboardInterrupt:
        stop.set()


@click.command("dispatch")
@with_appcontext
def dispatch_once() -> None:
    """Send every notice due now, once, and print the counts."""
    from smsgateway.dispatch import dispatch_until_idle

    runtime = get_runtime()
    require_migrated_database(runtime.settings)
    freeze_startup_objects()
    report = dispatch_until_idle(runtime.db, runtime.transport, runtime.settings, clock=utcnow)
    click.echo(
        f"claimed={report.claimed} sent={report.sent} retried={report.retried} "
        f"failed={report.failed} expired={report.expired} cancelled={report.cancelled} "
        f"deferred={report.deferred} review={report.review}"
    )
