"""`smsgateway import returnees|referrals FILE` and `smsgateway export referrals|events`.

Imports check every row first and save all or nothing (`--skip-invalid`: the valid rows), with
a progress bar while saving; `--dry-run` only prints the report. The report names each wrong
row and field; the exit status is 1 when errors kept rows out. Exports write CSV to standard
output or `--output`, filtered like the API's lists. Guide: docs/import-export.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from smsgateway.cli.partner_option import partner_id_of, partner_option
from smsgateway.clock import utcnow
from smsgateway.errors import InvalidInput
from smsgateway.exports import EVENT_COLUMNS, REFERRAL_COLUMNS, event_rows, referral_rows, write_csv
from smsgateway.imports import (
    ImportFailed,
    ImportReport,
    import_referrals,
    import_returnees,
    read_table,
)
from smsgateway.referral_filters import ReferralFilter
from smsgateway.referrals import Status
from smsgateway.runtime import get_runtime
from smsgateway.users import Actor, find_user


@click.group("import")
def import_cli() -> None:
    """CSV import of returnees and referrals (all or nothing, with a per-row report)."""


def _import_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--dry-run", is_flag=True, help="Check and report; save nothing."),
        click.option("--skip-invalid", is_flag=True, help="Save the valid rows, skip the others."),
        click.option("--as", "username", default="", help="The account recorded as the actor."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run_import(kind: str, file: Path, dry_run: bool, skip_invalid: bool, username: str) -> None:
    runtime = get_runtime()
    try:
        table = read_table(file.read_bytes())
    except InvalidInput as error:
        raise click.ClickException(f"{file}: {error.message}") from None
    report: ImportReport
    try:
        with runtime.db.transaction() as session:
            actor: Actor = f"import {file.name}"[:100]
            if username:
                user = find_user(session, username)
                if user is None:
                    raise click.ClickException(f"no account named {username!r}")
                actor = user
            with click.progressbar(length=len(table.rows), label=f"{kind}", file=sys.stderr) as bar:

                def advance(done: int) -> None:
                    bar.update(done - bar.pos)

                options: dict[str, Any] = {
                    "now": utcnow(),
                    "actor": actor,
                    "dry_run": dry_run,
                    "skip_invalid": skip_invalid,
                    "progress": advance,
                }
                if kind == "returnees":
                    report = import_returnees(
                        session,
                        table,
                        region=runtime.settings.default_region,
                        default_time_zone=runtime.settings.default_time_zone,
                        **options,
                    )
                else:
                    report = import_referrals(
                        session, table, programme=runtime.programme, **options
                    )
    except ImportFailed as failure:
        report = failure.report
    for line in report.lines():
        click.echo(line)
    if report.saving_failed or (report.errors and not (skip_invalid and not report.file_errors)):
        sys.exit(1)


@import_cli.command("returnees")
@_import_options
@with_appcontext
def import_returnees_command(file: Path, dry_run: bool, skip_invalid: bool, username: str) -> None:
    """Register the returnees of FILE (CSV: case_reference, phone, language...)."""
    _run_import("returnees", file, dry_run, skip_invalid, username)


@import_cli.command("referrals")
@_import_options
@with_appcontext
def import_referrals_command(file: Path, dry_run: bool, skip_invalid: bool, username: str) -> None:
    """Record the referrals of FILE (CSV: case_reference, partner, service, appointment...)."""
    _run_import("referrals", file, dry_run, skip_invalid, username)


@click.group("export")
def export_cli() -> None:
    """CSV export of referrals (with messaging outcomes) and of their events."""


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-01 or 2026-12-01T08:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.option(
            "--status",
            "statuses",
            multiple=True,
            type=click.Choice([s.value for s in Status]),
            help="Status (repeatable).",
        ),
        partner_option(),
        click.option("--case", "case_reference", default="", help="A returnee's case reference."),
        click.option("--updated-since", help="Changed since (ISO 8601; events: created since)."),
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, path_type=Path),
            help="File (default: stdout).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _export(columns: tuple[str, ...], rows: Any, output: Path | None) -> int:
    if output is None:
        return write_csv(rows, columns, sys.stdout)
    with output.open("w", encoding="utf-8-sig", newline="") as out:  # BOM: spreadsheets read UTF-8
        return write_csv(rows, columns, out)


@export_cli.command("referrals")
@_filter_options
@with_appcontext
def export_referrals_command(
    statuses: tuple[str, ...],
    partner: str | None,
    case_reference: str,
    updated_since: str | None,
    output: Path | None,
) -> None:
    """Referrals with status, dates and messaging outcomes, as CSV."""
    with get_runtime().db.sessions() as session:
        partner_id = partner_id_of(session, partner)
        filters = ReferralFilter(statuses, partner_id, _moment(updated_since), case_reference)
        count = _export(REFERRAL_COLUMNS, referral_rows(session, filters), output)
    if output is not None:
        click.echo(f"{count} referrals written to {output}", err=True)


@export_cli.command("events")
@_filter_options
@click.option("--after", default=0, type=int, help="Only events after this id (the feed's cursor).")
@with_appcontext
def export_events_command(
    statuses: tuple[str, ...],
    partner: str | None,
    case_reference: str,
    updated_since: str | None,
    output: Path | None,
    after: int,
) -> None:
    """Referral events (the feed), as CSV."""
    with get_runtime().db.sessions() as session:
        partner_id = partner_id_of(session, partner)
        filters = ReferralFilter(statuses, partner_id, _moment(updated_since), case_reference)
        count = _export(EVENT_COLUMNS, event_rows(session, filters, after=after), output)
    if output is not None:
        click.echo(f"{count} events written to {output}", err=True)
