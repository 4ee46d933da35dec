"""`smsgateway users create|list|disable|set-password`: console accounts from the command line.

Passwords are asked twice at the terminal, or read from the first line of standard input with
`--password-stdin` (for scripts and secrets managers); they never appear in the process list.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from smsgateway.cli.partner_option import partner_id_of, partner_option
from smsgateway.clock import utcnow
from smsgateway.errors import InvalidInput
from smsgateway.permissions import Role
from smsgateway.runtime import get_runtime
from smsgateway.users import create_user, disable_user, find_user, list_users, set_password
from smsgateway.web.i18n import CONSOLE_LANGUAGES


@click.group("users")
def users_cli() -> None:
    """Console accounts: admin, manager, caseworker, partner."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


_PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@partner_option("Partner accounts only: the organisation's name (or id).")
@click.option(
    "--language", default="", type=click.Choice(["", *CONSOLE_LANGUAGES]), help="Console language."
)
@_PASSWORD_STDIN
@with_appcontext
def create_command(
    username: str, role: str, partner: str | None, language: str, password_stdin: bool
) -> None:
    """Add an account named USERNAME with a role (and, for partners, its organisation)."""
    password = _read_password(password_stdin)
    try:
        with get_runtime().db.transaction() as session:
            partner_id = partner_id_of(session, partner)
            user = create_user(
                session,
                utcnow(),
                username=username,
                role=role,
                password=password,
                partner_id=partner_id,
                language=language,
            )
            click.echo(f"created {user.username} ({user.role})")
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None


@users_cli.command("list")
@with_appcontext
def list_command() -> None:
    """Print every account: username, role, partner, state, last login."""
    with get_runtime().db.sessions() as session:
        for user in list_users(session):
            partner = f"partner={user.partner_id}" if user.partner_id else "-"
            state = "active" if user.is_active else "disabled"
            last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
            click.echo(f"{user.username}\t{user.role}\t{partner}\t{state}\tlast login {last}")


@users_cli.command("disable")
@click.argument("username")
@with_appcontext
def disable_command(username: str) -> None:
    """Stop USERNAME from logging in and end its sessions; its history stays."""
    with get_runtime().db.transaction() as session:
        user = find_user(session, username)
        if user is None:
            raise click.ClickException(f"no account named {username!r}")
        disable_user(session, user, now=utcnow())
    click.echo(f"disabled {username}")


@users_cli.command("set-password")
@click.argument("username")
@_PASSWORD_STDIN
@with_appcontext
def set_password_command(username: str, password_stdin: bool) -> None:
    """Give USERNAME a new password; its open sessions end."""
    password = _read_password(password_stdin)
    try:
        with get_runtime().db.transaction() as session:
            user = find_user(session, username)
            if user is None:
                raise click.ClickException(f"no account named {username!r}")
            set_password(session, user, password, now=utcnow())
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"new password set for {username}")
