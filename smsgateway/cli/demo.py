"""`smsgateway demo`: demo data for the embedded default."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from smsgateway.clock import utcnow
from smsgateway.demo import DEMO_USERS, seed_demo, seed_demo_users
from smsgateway.demo_history import seed_demo_history
from smsgateway.runtime import get_runtime


@click.group("demo")
def demo_cli() -> None:
    """Demo data for the embedded default."""


@demo_cli.command("seed")
@with_appcontext
def demo_seed() -> None:
    """Add demo partners, returnees, referrals and one account per role (once)."""
    runtime = get_runtime()
    if runtime.settings.is_production:
        raise click.ClickException("the demo data and its known passwords never go in production")
    with runtime.db.transaction() as session:
        added = seed_demo(session, utcnow(), programme=runtime.programme)
        seed_demo_users(session, utcnow())
        history = seed_demo_history(
            session, utcnow(), programme=runtime.programme, settings=runtime.settings
        )
    click.echo(f"demo: {added} referrals added" if added else "demo: data already there")
    if history:
        click.echo(f"demo: {history} past referrals added for the dashboard")
    click.echo("demo logins (demo passwords, for this demo only):")
    for username, password, role in DEMO_USERS:
        click.echo(f"  {role:<11} username {username:<11} password {password}")
