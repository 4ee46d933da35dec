"""The `smsgateway` command: a Flask CLI group with the service's own commands."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import NoReturn

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from smsgateway import create_app, migrations
from smsgateway.clock import utcnow
from smsgateway.demo import seed_demo
from smsgateway.runtime import get_runtime


def _register_command_groups(group: click.Group) -> None:
    from smsgateway.bulk_commands import bulk_cli
    from smsgateway.content.commands import i18n_cli, messages_cli
    from smsgateway.fakes.twilio_cli import fake_twilio_cli
    from smsgateway.replies.commands import replies_cli
    from smsgateway.twilio_commands import twilio_cli

    for command in (messages_cli, i18n_cli, replies_cli, bulk_cli, fake_twilio_cli, twilio_cli):
        group.add_command(command)


def _create_app() -> Flask:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """smsgateway: referral notices and replies by SMS, WhatsApp and voice."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the newest)."""
    migrations.upgrade(get_runtime().settings.sqlalchemy_url, revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION (`base` empties it)."""
    migrations.downgrade(get_runtime().settings.sqlalchemy_url, revision)
    click.echo(f"database at {revision}")


@main.group()
def demo() -> None:
    """Demo data for the embedded default."""


@demo.command("seed")
@with_appcontext
def demo_seed() -> None:
    """Add demo partners, returnees and referrals (once)."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        added = seed_demo(session, utcnow(), programme=runtime.programme)
    click.echo(f"demo: {added} referrals added" if added else "demo: data already there")


@main.command("serve")
@with_appcontext
def serve() -> None:
    """Serve the web console with the periodic jobs; in production under gunicorn."""
    settings = get_runtime().settings
    if settings.is_production:
        _exec_gunicorn(settings.host, settings.port, settings.web_workers)
    from werkzeug.serving import run_simple

    from smsgateway.scheduler import start_clock

    app = create_app()
    clock = start_clock(get_runtime(app)) if settings.scheduler else None
    click.echo(f"serving on http://{settings.host}:{settings.port}/")
    try:
        run_simple(settings.host, settings.port, app, threaded=True, use_reloader=False)
    finally:
        if clock is not None:
            clock.shutdown()


def _exec_gunicorn(host: str, port: int, workers: int) -> NoReturn:
    """Replace this process with gunicorn serving `smsgateway.wsgi:app` (settings from env)."""
    argv = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
    argv += ["--bind", f"{host}:{port}", "smsgateway.wsgi:app"]
    os.execv(sys.executable, argv)  # noqa: S606  (our own interpreter, fixed arguments)


@main.command("worker")
@with_appcontext
def worker() -> None:
    """Run the periodic jobs (dispatch; leader jobs when leader) until SIGTERM or Ctrl-C."""
    from smsgateway.scheduler import run_until_stopped

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    click.echo(f"worker {os.getpid()}: running periodic jobs; stop with Ctrl-C")
    try:
        run_until_stopped(get_runtime(), stop)
    except KeyboardInterrupt:
        stop.set()


@main.command("dispatch")
@with_appcontext
def dispatch_once() -> None:
    """Send every notice due now, once, and print the counts."""
    from smsgateway.dispatch import dispatch_until_idle

    runtime = get_runtime()
    report = dispatch_until_idle(runtime.db, runtime.transport, runtime.settings, clock=utcnow)
    click.echo(
        f"claimed={report.claimed} sent={report.sent} retried={report.retried} "
        f"failed={report.failed} expired={report.expired} cancelled={report.cancelled} "
        f"deferred={report.deferred} review={report.review}"
    )


_register_command_groups(main)
