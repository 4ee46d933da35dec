"""Importing referrals from CSV: one row per referral of a registered returnee.

Columns (docs/import-export.md): `case_reference`, `partner` (by name), `service` (a category
the partner offers, as code or words), `appointment` (or `appointment_date` and
`appointment_time`; the returnee's local time; a date alone means 09:00, noted on the row),
`place`, `sensitive` (yes/no).

A row is a duplicate when the returnee already has an open referral to the same partner for
the same service, in the database or on an earlier row: importing a file twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from smsgateway.errors import InvalidInput
from smsgateway.imports.csv_files import Table
from smsgateway.imports.report import ImportReport
from smsgateway.imports.returnees import BATCH, ImportFailed, Progress, check_columns
from smsgateway.imports.values import (
    ValueRefused,
    parse_date,
    parse_moment,
    parse_time,
    parse_yes_no,
)
from smsgateway.models import Partner, Referral, Returnee
from smsgateway.programme import Programme
from smsgateway.referrals import OPEN, NewReferral, check_new_referral, create_referrals
from smsgateway.users import Actor

COLUMNS = (
    "case_reference",
    "partner",
    "service",
    "appointment",
    "appointment_date",
    "appointment_time",
    "place",
    "sensitive",
)
#: What a date without a time means, in the returnee's time zone (noted on the row).
DEFAULT_APPOINTMENT_TIME = time(9, 0)
CHUNK = 500


@dataclass(frozen=True)
class ReferralRow:
    number: int
    returnee_id: int
    partner_id: int
    service: str
    appointment_at: datetime | None
    place: str
    is_sensitive: bool


@dataclass(frozen=True)
class _Returnee:
    id: int
    time_zone: str


def import_referrals(
    session: Session,
    table: Table,
    *,
    now: datetime,
    actor: Actor,
    programme: Programme | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row, then (unless a dry run, or an error without `skip_invalid`) save them,
    each with its first event and its planned notices. `ImportFailed`: roll back."""
    report = ImportReport(
        "referrals", dry_run, skip_invalid, rows=len(table.rows), headers=dict(table.headers)
    )
    check_columns(report, table.columns, COLUMNS, ("case_reference", "partner", "service"))
    if report.file_errors:
        return report
    returnees = _returnees(session, [row.values.get("case_reference", "") for row in table.rows])
    partners = _partners(session)
    open_keys = _open_referrals(session, [r.id for r in returnees.values()])
    first_seen: dict[tuple[int, int, str], int] = {}
    valid: list[ReferralRow] = []
    for row in table.rows:
        checked = _check_row(report, row.number, row.values, returnees, partners, now)
        if checked is None:
            continue
        key = (checked.returnee_id, checked.partner_id, checked.service)
        if key in open_keys:
            report.problem(
                row.number,
                "case_reference",
                "this returnee already has an open referral to this partner for this service",
            )
        elif key in first_seen:
            report.problem(
                row.number,
                "case_reference",
                "the same referral is on row %(row)s",
                row=first_seen[key],
            )
        else:
            first_seen[key] = row.number
            valid.append(checked)
    report.valid = len(valid)
    if dry_run or (report.errors and not skip_invalid):
        return report
    by_id = _load_returnees(session, [item.returnee_id for item in valid])
    partner_rows = {partner.id: partner for partner in partners.values()}
    for start in range(0, len(valid), BATCH):
        batch = valid[start : start + BATCH]
        new = []
        for item in batch:
            one = NewReferral(
                by_id[item.returnee_id],
                partner_rows[item.partner_id],
                item.service,
                item.is_sensitive,
                item.appointment_at,
                item.place,
            )
            try:
                check_new_referral(one)
            except InvalidInput as error:
                report.refusal(item.number, error.field, error)
                report.imported = 0
                raise ImportFailed(report) from None
            new.append(one)
        referrals = create_referrals(session, now, new, created_by=actor, programme=programme)
        report.imported += len(referrals)
        report.created.extend(referral.reference or "" for referral in referrals)
        if progress is not None:
            progress(report.imported)
    return report


def _returnees(session: Session, references: list[str]) -> dict[str, _Returnee]:
    found: dict[str, _Returnee] = {}
    unique = sorted({reference for reference in references if reference})
    for start in range(0, len(unique), CHUNK):
        query = select(Returnee.case_reference, Returnee.id, Returnee.time_zone).where(
            Returnee.case_reference.in_(unique[start : start + CHUNK])
        )
        for reference, returnee_id, time_zone in session.execute(query):
            found[reference] = _Returnee(returnee_id, time_zone)
    return found


def _load_returnees(session: Session, ids: list[int]) -> dict[int, Returnee]:
    loaded: dict[int, Returnee] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        query = (
            select(Returnee)
            .where(Returnee.id.in_(unique[start : start + CHUNK]))
            .options(selectinload(Returnee.contact_points), selectinload(Returnee.consents))
        )
        loaded.update((returnee.id, returnee) for returnee in session.scalars(query))
    return loaded


def _partners(session: Session) -> dict[str, Partner]:
    """Partners by lower-case name and by the name their messages use."""
    partners = list(session.scalars(select(Partner)))
    by_name: dict[str, Partner] = {}
    for partner in partners:
        if partner.display_name:
            by_name.setdefault(partner.display_name.strip().lower(), partner)
    for partner in partners:
        by_name[partner.name.strip().lower()] = partner
    return by_name


def _open_referrals(session: Session, returnee_ids: list[int]) -> set[tuple[int, int, str]]:
    keys: set[tuple[int, int, str]] = set()
    unique = sorted(set(returnee_ids))
    for start in range(0, len(unique), CHUNK):
        query = select(Referral.returnee_id, Referral.partner_id, Referral.service_category).where(
            Referral.returnee_id.in_(unique[start : start + CHUNK]),
            Referral.status.in_([str(status) for status in OPEN]),
        )
        keys.update((r, p, s) for r, p, s in session.execute(query))
    return keys


def service_code(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


def _check_row(
    report: ImportReport,
    number: int,
    values: dict[str, str],
    returnees: dict[str, _Returnee],
    partners: dict[str, Partner],
    now: datetime,
) -> ReferralRow | None:
    errors_before = len(report.errors)

    def refuse(field: str, message: str, **named: Any) -> None:
        report.problem(number, field, message, **named)

    if "_extra" in values:
        refuse("row", "more values than columns")
    reference = values.get("case_reference", "")
    returnee = returnees.get(reference)
    if not reference:
        refuse("case_reference", "a case reference is required")
    elif returnee is None:
        refuse(
            "case_reference", "no returnee with this case reference (import the returnees first)"
        )
    partner = partners.get(values.get("partner", "").strip().lower())
    if not values.get("partner"):
        refuse("partner", "a partner is required")
    elif partner is None:
        refuse("partner", "no partner named '%(name)s'", name=values["partner"])
    service = service_code(values.get("service", ""))
    if not service:
        refuse("service", "a service is required")
    elif len(service) > 64:
        refuse("service", "use at most 64 characters")
    elif (
        partner is not None
        and partner.service_categories
        and service not in partner.service_categories
    ):
        offered = ", ".join(partner.service_categories)
        refuse(
            "service",
            "%(partner)s does not offer '%(code)s' (it offers: %(offered)s)",
            partner=partner.name,
            code=service,
            offered=offered,
        )
    place = values.get("place", "")
    if len(place) > 200:
        refuse("place", "use at most 200 characters")
    is_sensitive = False
    try:
        is_sensitive = parse_yes_no(values.get("sensitive", ""))
    except ValueRefused as error:
        report.refusal(number, "sensitive", error)
    appointment = None
    if returnee is not None:
        appointment = _appointment(report, number, values, returnee.time_zone, now)
    if len(report.errors) > errors_before or returnee is None or partner is None:
        return None
    return ReferralRow(number, returnee.id, partner.id, service, appointment, place, is_sensitive)


def _appointment(
    report: ImportReport, number: int, values: dict[str, str], time_zone: str, now: datetime
) -> datetime | None:
    field = "appointment"
    text = values.get("appointment", "")
    try:
        if values.get("appointment_date"):
            field = "appointment_date"
            day = parse_date(values["appointment_date"])
            if values.get("appointment_time"):
                field = "appointment_time"
                text = f"{day:%Y-%m-%d} {parse_time(values['appointment_time']):%H:%M}"
            else:
                text = f"{day:%Y-%m-%d}"
        if not text:
            return None
        moment, has_time = parse_moment(text, time_zone)
    except ValueRefused as error:
        report.refusal(number, field, error)
        return None
    if not has_time:
        moment = moment.replace(
            hour=DEFAULT_APPOINTMENT_TIME.hour, minute=DEFAULT_APPOINTMENT_TIME.minute
        )
        report.problem(
            number,
            field,
            "no time given: %(time)s assumed",
            warning=True,
            time=f"{DEFAULT_APPOINTMENT_TIME:%H:%M}",
        )
    if moment < now - timedelta(days=1):
        report.problem(number, field, "in the past: no reminder will be sent for it", warning=True)
    return moment
