"""Importing returnees from CSV: one row per returnee, checked whole before anything is saved.

Columns (docs/import-export.md): `case_reference` (unique: one already registered, or twice in
the file, is an error), `first_name`, `last_name`, `phone` and/or `proxy_phone` with
`proxy_relation` and `proxy_name` (any usual writing, the programme's region), `language` (code
or name), `fallback_languages`, `channel`, `time_zone` (default: the programme's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.imports.csv_files import Table
from smsgateway.imports.report import ImportReport
from smsgateway.imports.values import ValueRefused, parse_language, parse_languages
from smsgateway.models import Returnee
from smsgateway.phones import parse_phone
from smsgateway.returnees import (
    CASE_REFERENCE_LENGTH,
    NAME_LENGTH,
    RELATION_LENGTH,
    NewReturnee,
    PhoneInput,
    check_channel,
    check_time_zone,
    register_returnees,
)
from smsgateway.users import Actor

COLUMNS = (
    "case_reference",
    "first_name",
    "last_name",
    "phone",
    "proxy_phone",
    "proxy_relation",
    "proxy_name",
    "language",
    "fallback_languages",
    "channel",
    "time_zone",
)
Progress = Callable[[int], None]
#: Rows saved per flush: large enough to batch the inserts, small enough to report progress.
BATCH = 500


class ImportFailed(RuntimeError):
    """Saving failed part-way: the caller's transaction must roll back; the report says why."""

    def __init__(self, report: ImportReport) -> None:
        report.imported, report.saving_failed = 0, True
        super().__init__(report.summary())
        self.report = report


@dataclass(frozen=True)
class ReturneeRow:
    number: int
    case_reference: str
    first_name: str
    last_name: str
    phones: tuple[PhoneInput, ...]
    language: str
    fallback_languages: tuple[str, ...]
    channel: str
    time_zone: str


def check_columns(
    report: ImportReport, columns: list[str], known: tuple[str, ...], required: tuple[str, ...]
) -> None:
    for name in required:
        if name not in columns:
            report.problem(None, name, "this column is missing")
    for name in columns:
        if name not in known:
            report.problem(
                None, name, "this column is not one the import reads: it is ignored", warning=True
            )


def import_returnees(
    session: Session,
    table: Table,
    *,
    now: datetime,
    actor: Actor,
    region: str,
    default_time_zone: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row, then (unless a dry run, or an error without `skip_invalid`) save them.

    Nothing is saved when any row is wrong, unless `skip_invalid`; `ImportFailed` means the
    caller's transaction must be rolled back.
    """
    report = ImportReport(
        "returnees", dry_run, skip_invalid, rows=len(table.rows), headers=dict(table.headers)
    )
    check_columns(report, table.columns, COLUMNS, ("case_reference", "language"))
    if "phone" not in table.columns and "proxy_phone" not in table.columns:
        report.problem(None, "phone", "the file needs a phone or a proxy_phone column")
    if report.file_errors:
        return report
    references = [row.values.get("case_reference", "") for row in table.rows]
    taken = _registered(session, references)
    first_seen: dict[str, int] = {}
    valid: list[ReturneeRow] = []
    for row in table.rows:
        checked = _check_row(report, row.number, row.values, region, default_time_zone)
        reference = row.values.get("case_reference", "")
        if reference:
            if reference in taken:
                report.problem(
                    row.number, "case_reference", "this case reference is already registered"
                )
                checked = None
            elif reference in first_seen:
                report.problem(
                    row.number, "case_reference", "also on row %(row)s", row=first_seen[reference]
                )
                checked = None
            else:
                first_seen[reference] = row.number
        if checked is not None:
            valid.append(checked)
    report.valid = len(valid)
    if dry_run or (report.errors and not skip_invalid):
        return report
    for start in range(0, len(valid), BATCH):
        batch = valid[start : start + BATCH]
        new = [
            NewReturnee(
                item.case_reference,
                item.phones,
                item.language,
                item.time_zone,
                item.first_name,
                item.last_name,
                item.channel,
                item.fallback_languages,
                item.number,
            )
            for item in batch
        ]
        try:
            register_returnees(session, now, new, region=region)
        except InvalidInput as error:
            report.refusal(error.row, error.field, error)
            report.imported = 0
            raise ImportFailed(report) from None
        report.imported += len(batch)
        report.created.extend(item.case_reference for item in batch)
        if progress is not None:
            progress(report.imported)
    return report


def _registered(session: Session, references: list[str]) -> set[str]:
    found: set[str] = set()
    unique = sorted({reference for reference in references if reference})
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        found.update(
            session.scalars(
                select(Returnee.case_reference).where(Returnee.case_reference.in_(chunk))
            )
        )
    return found


def _check_row(
    report: ImportReport, number: int, values: dict[str, str], region: str, default_time_zone: str
) -> ReturneeRow | None:
    errors_before = len(report.errors)

    def refuse(field: str, message: str, **named: Any) -> None:
        report.problem(number, field, message, **named)

    if "_extra" in values:
        refuse("row", "more values than columns")
    reference = values.get("case_reference", "")
    if not reference:
        refuse("case_reference", "a case reference is required")
    elif len(reference) > CASE_REFERENCE_LENGTH:
        refuse("case_reference", "use at most %(count)s characters", count=CASE_REFERENCE_LENGTH)
    for name in ("first_name", "last_name", "proxy_name"):
        if len(values.get(name, "")) > NAME_LENGTH:
            refuse(name, "use at most %(count)s characters", count=NAME_LENGTH)
    if len(values.get("proxy_relation", "")) > RELATION_LENGTH:
        refuse("proxy_relation", "use at most %(count)s characters", count=RELATION_LENGTH)
    phones: list[PhoneInput] = []
    numbers: list[str] = []
    for column, is_proxy in (("phone", False), ("proxy_phone", True)):
        raw = values.get(column, "")
        if not raw:
            continue
        try:
            numbers.append(parse_phone(raw, region, column))
        except InvalidInput as error:
            report.refusal(number, column, error)
            continue
        if is_proxy:
            phones.append(
                PhoneInput(
                    raw, True, values.get("proxy_relation", ""), values.get("proxy_name", "")
                )
            )
        else:
            phones.append(PhoneInput(raw))
    if not values.get("phone") and not values.get("proxy_phone"):
        refuse("phone", "a phone or a proxy_phone is required")
    elif len(numbers) == 2 and numbers[0] == numbers[1]:
        refuse("proxy_phone", "the same number as phone")
    if (values.get("proxy_relation") or values.get("proxy_name")) and not values.get("proxy_phone"):
        refuse("proxy_phone", "a proxy's relation or name needs the proxy's number")
    language = ""
    try:
        language = parse_language(values.get("language", ""))
    except ValueRefused as error:
        report.refusal(number, "language", error)
    fallbacks: list[str] = []
    try:
        fallbacks = parse_languages(values.get("fallback_languages", ""))
    except ValueRefused as error:
        report.refusal(number, "fallback_languages", error)
    channel = (values.get("channel") or "sms").lower()
    try:
        check_channel(channel)
    except InvalidInput as error:
        report.refusal(number, "channel", error)
    time_zone = values.get("time_zone") or default_time_zone
    try:
        check_time_zone(time_zone)
    except InvalidInput as error:
        report.refusal(number, "time_zone", error)
    if len(report.errors) > errors_before:
        return None
    return ReturneeRow(
        number,
        reference,
        values.get("first_name", ""),
        values.get("last_name", ""),
        tuple(phones),
        language,
        tuple(code for code in fallbacks if code != language),
        channel,
        time_zone,
    )
