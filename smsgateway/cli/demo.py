"""`smsgateway demo`: demo data for the embedded default."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from smsgateway.clock import utcnow
from smsgateway.demo import seed_demo
from smsgateway.runtime import get_runtime


@click.group("demo")
def demo_cli() -> None:
    """Demo data for the embedded default."""


@demo_cli.command("seed")
@with_appcontext
def demo_seed() -> None:
    """Add demo partners, returnees and referrals (once)."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        added = seed_demo(session, utcnow(), programme=runtime.programme)
    click.echo(f"demo: {added} referrals added" if added else "demo: data already there")
