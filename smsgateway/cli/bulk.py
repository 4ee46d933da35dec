"""The `bulk` commands: preview a bulk notice, send it, follow its progress, cancel it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from smsgateway.bulk import (
    BulkPreview,
    Cohort,
    Content,
    bulk_progress,
    cancel_bulk,
    confirm_bulk,
    create_bulk,
    preview_bulk,
)
from smsgateway.cli.partner_option import partner_id_of, partner_option
from smsgateway.clock import utcnow
from smsgateway.errors import InvalidInput
from smsgateway.models import BulkSend
from smsgateway.programme import programme_of
from smsgateway.runtime import get_runtime


@click.group("bulk")
def bulk_cli() -> None:
    """Bulk notices: one message to a cohort of returnees."""


def _cohort_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        partner_option(),
        click.option("--category", default="", help="Service category of the referral."),
        click.option("--status", "statuses", multiple=True, help="Referral status (repeatable)."),
        click.option("--language", default="", help="Preferred language code."),
        click.option("--place", default="", help="Part of the appointment place."),
        click.option("--case", "cases", multiple=True, help="Case reference (repeatable)."),
        click.option("--everyone", is_flag=True, help="Every returnee (no filter)."),
        click.option("--kind", default="bulk_information", help="Template kind instead of text."),
        click.option("--text", "texts", multiple=True, help="LANG=TEXT, one per language."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _build(session: Session, options: dict[str, Any]) -> tuple[Cohort, Content]:
    texts = {}
    for item in options["texts"]:
        code, sep, text = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not LANG=TEXT", param_hint="--text")
        texts[code.strip()] = text
    cohort = Cohort(
        partner_id=partner_id_of(session, options["partner"]),
        service_category=options["category"],
        statuses=tuple(options["statuses"]),
        language=options["language"],
        place=options["place"],
        case_references=tuple(options["cases"]),
        everyone=options["everyone"],
    )
    return cohort, Content(kind=options["kind"], texts=texts)


def _echo_preview(preview: BulkPreview) -> None:
    click.echo(f"recipients: {preview.recipients}")
    for title, counts in (
        ("excluded", preview.excluded),
        ("languages", preview.languages),
        ("channels", preview.channels),
        ("encodings", preview.encodings),
    ):
        shown = ", ".join(f"{key} {n}" for key, n in sorted(counts.items())) or "none"
        click.echo(f"{title}: {shown}")
    click.echo(f"segments: {preview.segments}")
    click.echo(f"estimated cost: {preview.cost:.2f} {preview.currency}".rstrip())


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@bulk_cli.command("preview")
@_cohort_options
@with_appcontext
def preview_command(**options: Any) -> None:
    """Show who a bulk notice would reach and what it would cost; nothing is saved."""
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        cohort, content = _build(session, options)
        try:
            preview = preview_bulk(
                session, cohort, content, settings=runtime.settings, now=utcnow()
            )
        except InvalidInput as error:
            raise click.UsageError(str(error)) from None
    _echo_preview(preview)


@bulk_cli.command("send")
@_cohort_options
@click.option("--start", help="Window start, ISO 8601 (default: now; UTC if no offset).")
@click.option("--end", help="Window end, ISO 8601: notices not sent by then expire.")
@click.option("--by", "created_by", default="cli", help="Who sends it.")
@click.option("--yes", is_flag=True, help="Confirm without asking.")
@with_appcontext
def send_command(
    start: str | None, end: str | None, created_by: str, yes: bool, **options: Any
) -> None:
    """Preview, then confirm: one notice per recipient, in their language and channel."""
    runtime = get_runtime()
    now = utcnow()
    with runtime.db.transaction() as session:
        cohort, content = _build(session, options)
        try:
            _echo_preview(
                preview_bulk(session, cohort, content, settings=runtime.settings, now=now)
            )
            bulk = create_bulk(
                session,
                cohort,
                content,
                window_start=_when(start) or now,
                window_end=_when(end),
                now=now,
                created_by=created_by,
            )
        except InvalidInput as error:
            raise click.UsageError(str(error)) from None
        if not yes and not click.confirm("Send it?"):
            raise click.Abort
        planned = confirm_bulk(session, bulk, now=now, programme=programme_of(runtime.settings))
        click.echo(f"bulk notice {bulk.id}: {planned} notices planned")


@bulk_cli.command("progress")
@click.argument("bulk_id", type=int)
@with_appcontext
def progress_command(bulk_id: int) -> None:
    """Planned, sent, failed, cancelled and expired counts of a bulk notice."""
    with get_runtime().db.sessions() as session:
        bulk = _get(session, bulk_id)
        counts = bulk_progress(session, bulk)
        click.echo(f"bulk notice {bulk.id} ({bulk.state})")
        for state, n in counts.items():
            click.echo(f"{state}: {n}")


@bulk_cli.command("cancel")
@click.argument("bulk_id", type=int)
@with_appcontext
def cancel_command(bulk_id: int) -> None:
    """Cancel the notices of a bulk notice not sent yet; sent ones stay."""
    with get_runtime().db.transaction() as session:
        bulk = _get(session, bulk_id)
        cancelled = cancel_bulk(session, bulk, now=utcnow())
        click.echo(f"bulk notice {bulk.id}: {cancelled} notices cancelled")


def _get(session: Any, bulk_id: int) -> BulkSend:
    bulk = session.get(BulkSend, bulk_id)
    if bulk is None:
        raise click.UsageError(f"no bulk notice {bulk_id}")
    return bulk
