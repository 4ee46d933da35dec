"""`smsgateway api token create|list|revoke`: the bearer tokens of the JSON API.

A token belongs to an account and acts with its role (and a partner account's organisation).
`create` prints the token once: only its digest is kept, so a lost token is revoked and replaced.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from smsgateway.api_tokens import TokenScope, create_token, find_token, list_tokens, revoke_token
from smsgateway.clock import utcnow
from smsgateway.errors import InvalidInput
from smsgateway.runtime import get_runtime
from smsgateway.users import find_user


@click.group("api")
def api_cli() -> None:
    """The JSON API under /api/v1 (guide: docs/api.md)."""


@api_cli.group("token")
def token_cli() -> None:
    """Bearer tokens: create (shown once), list, revoke."""


@token_cli.command("create")
@click.argument("username")
@click.option(
    "--scope",
    required=True,
    type=click.Choice([s.value for s in TokenScope]),
    help="read: GET only.",
)
@click.option("--name", default="", help="What the token is for (shown in lists).")
@with_appcontext
def create_command(username: str, scope: str, name: str) -> None:
    """Make a token for USERNAME's account and print it, once."""
    try:
        with get_runtime().db.transaction() as session:
            user = find_user(session, username)
            if user is None:
                raise click.ClickException(f"no account named {username!r}")
            new = create_token(session, utcnow(), user=user, scope=scope, name=name)
            token_id = new.token.id
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    click.echo(new.secret)
    click.echo(
        f"token {token_id} ({scope}) for {username}: keep it now, it is not shown again", err=True
    )


@token_cli.command("list")
@click.option("--user", "username", default="", help="Only this account's tokens.")
@with_appcontext
def list_command(username: str) -> None:
    """Every token: id, shown prefix, account, scope, name, created, last used, state."""
    with get_runtime().db.sessions() as session:
        user = None
        if username:
            user = find_user(session, username)
            if user is None:
                raise click.ClickException(f"no account named {username!r}")
        for token in list_tokens(session, user):
            last = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
            state = "revoked" if token.revoked_at else "active"
            if token.revoked_at is None and not token.user.is_active:
                state = "account disabled"
            created = f"{token.created_at:%Y-%m-%d}"
            click.echo(
                f"{token.id}\t{token.prefix}…\t{token.user.username}\t{token.scope}\t"
                f"{token.name or '-'}\tcreated {created}\tlast used {last}\t{state}"
            )


@token_cli.command("revoke")
@click.argument("token")
@with_appcontext
def revoke_command(token: str) -> None:
    """Refuse TOKEN (its id, or the prefix shown by `list`) from now on."""
    with get_runtime().db.transaction() as session:
        found = find_token(session, token)
        if found is None:
            raise click.ClickException(f"no single token matches {token!r}: give its id")
        if not revoke_token(session, found, now=utcnow()):
            click.echo(f"token {found.id} was revoked already")
            return
        click.echo(f"revoked token {found.id} of {found.user.username}")
