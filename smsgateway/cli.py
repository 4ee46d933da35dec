"""The `smsgateway` command: a Flask CLI group with the service's own commands."""

from __future__ import annotations

import logging

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from smsgateway import create_app, migrations
from smsgateway.clock import utcnow
from smsgateway.demo import seed_demo
from smsgateway.runtime import get_runtime


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
        added = seed_demo(session, utcnow(), reminder_lead=runtime.reminder_lead)
    click.echo(f"demo: {added} referrals added" if added else "demo: data already there")


@main.command("serve")
@with_appcontext
def serve() -> None:
    """Serve the web console (and the simulator outside production) with the scheduler."""
    from werkzeug.serving import run_simple

    from smsgateway.scheduler import start_background

    runtime = get_runtime()
    settings = runtime.settings
    app = create_app()
    scheduler = start_background(get_runtime(app)) if settings.scheduler else None
    click.echo(f"serving on http://{settings.host}:{settings.port}/")
    try:
        run_simple(settings.host, settings.port, app, threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


@main.command("worker")
@with_appcontext
def worker() -> None:
    """Run the periodic jobs (dispatch, lease sweep) as a separate process."""
    from smsgateway.scheduler import run_blocking

    click.echo("worker: running periodic jobs; stop with Ctrl-C")
    run_blocking(get_runtime())


@main.command("dispatch")
@with_appcontext
def dispatch_once() -> None:
    """Send every notice due now, once, and print the counts."""
    from smsgateway.dispatch import dispatch_due_notices

    runtime = get_runtime()
    report = dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=utcnow())
    click.echo(
        f"claimed={report.claimed} sent={report.sent} retried={report.retried} "
        f"failed={report.failed} expired={report.expired} cancelled={report.cancelled}"
    )
