"""`smsgateway db`: the database schema, through Alembic migrations only."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from smsgateway import migrations
from smsgateway.cli.checks import require_database
from smsgateway.runtime import get_runtime


@click.group("db")
def db_cli() -> None:
    """Database schema (Alembic migrations)."""


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the newest)."""
    require_database(get_runtime().settings)
    migrations.upgrade(get_runtime().settings.sqlalchemy_url, revision)
    click.echo(f"database at {revision}")


@db_cli.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION (`base` empties it)."""
    migrations.downgrade(get_runtime().settings.sqlalchemy_url, revision)
    click.echo(f"database at {revision}")
