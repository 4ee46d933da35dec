"""`smsgateway returnees erase|export` and `smsgateway retention apply`: data protection from the
command line (docs/privacy.md). Each erasure and export is written to the access log."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from smsgateway.clock import utcnow
from smsgateway.errors import InvalidInput
from smsgateway.privacy.access_log import AccessEvent, Face, record_access
from smsgateway.privacy.erasure import erase_returnee, find_returnee
from smsgateway.privacy.retention import apply_retention
from smsgateway.privacy.subject_access import subject_access
from smsgateway.runtime import get_runtime
from smsgateway.users import Actor, find_user

#: Who an erasure or export is recorded under when no account is named.
COMMAND_ACTOR = "command line"

_AS = click.option("--as", "username", default="", help="The account recorded as the actor.")


@click.group("returnees")
def returnees_cli() -> None:
    """A returnee's personal data: export everything held, or erase it."""


def _actor(session: Session, username: str) -> Actor:
    if not username:
        return COMMAND_ACTOR
    user = find_user(session, username)
    if user is None:
        raise click.ClickException(f"no account named {username!r}")
    return user


@returnees_cli.command("erase")
@click.argument("case_reference")
@click.option("--reason", required=True, help="Why (recorded with the erasure).")
@click.option("--yes", is_flag=True, help="Do not ask to type the case reference again.")
@_AS
@with_appcontext
def erase_command(case_reference: str, reason: str, yes: bool, username: str) -> None:
    """Erase the personal data of the returnee CASE_REFERENCE; figures and statuses stay."""
    if not yes:
        typed = click.prompt("Type the case reference again to erase it for good")
        if typed.strip() != case_reference.strip():
            raise click.ClickException("the case reference typed does not match: nothing erased")
    try:
        with get_runtime().db.transaction() as session:
            returnee = find_returnee(session, case_reference)
            erasure = erase_returnee(
                session,
                returnee,
                now=utcnow(),
                actor=_actor(session, username),
                reason=reason,
                face=Face.CLI,
            )
            returnee_id, counts = returnee.id, dict(erasure.counts)
    except InvalidInput as error:
        raise click.ClickException(f"{error.field}: {error.message}") from None
    done = ", ".join(f"{name} {count}" for name, count in counts.items())
    click.echo(f"returnee {returnee_id} erased ({done})")


@returnees_cli.command("export")
@click.argument("case_reference")
@_AS
@with_appcontext
def export_command(case_reference: str, username: str) -> None:
    """Print everything held about the returnee CASE_REFERENCE as JSON (subject access)."""
    now = utcnow()
    try:
        with get_runtime().db.transaction() as session:
            returnee = find_returnee(session, case_reference)
            document = subject_access(session, returnee, now=now)
            actor = _actor(session, username)
            record_access(
                session,
                now=now,
                event=AccessEvent.EXPORT,
                face=Face.CLI,
                user=None if isinstance(actor, str) else actor,
                username=actor if isinstance(actor, str) else "",
                subject_kind="returnee",
                subject_ids=[returnee.id],
                returnee_id=returnee.id,
            )
    except InvalidInput as error:
        raise click.ClickException(f"{error.field}: {error.message}") from None
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@click.group("retention")
def retention_cli() -> None:
    """The programme's retention periods ([retention] in the programme file)."""


@retention_cli.command("apply")
@with_appcontext
def apply_command() -> None:
    """Remove now what the retention periods say is due (the leader does it daily)."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        report = apply_retention(session, runtime.programme.retention, now=utcnow())
    click.echo(
        f"message texts removed: {report.message_bodies}; strangers' messages removed: "
        f"{report.stranger_messages}; returnees erased: {report.returnees_erased}; "
        f"staff notes removed: {report.staff_notes}"
    )
