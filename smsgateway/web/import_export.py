"""Console pages to import returnees and referrals from CSV, and to export referrals and events.

The upload page runs the same import as `smsgateway import` and shows the same per-row report;
a dry run is the default choice, so a person sees the report before anything is saved. Exports
are filtered like the lists and download as CSV (UTF-8 with a BOM, which spreadsheets expect).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext, lazy_gettext, ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, SelectChoice, SelectField

from smsgateway.errors import InvalidInput, fill
from smsgateway.exports import EVENT_COLUMNS, REFERRAL_COLUMNS, event_rows, referral_rows, write_csv
from smsgateway.imports import (
    ImportFailed,
    ImportReport,
    Problem,
    import_referrals,
    import_returnees,
    read_table,
)
from smsgateway.models import Partner, Referral
from smsgateway.permissions import Action
from smsgateway.privacy.access_log import MAX_IDS, AccessEvent
from smsgateway.referral_filters import ReferralFilter
from smsgateway.referrals import Status
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.audit import note_access
from smsgateway.web.session import acting_user

import_export = Blueprint("import_export", __name__)


class ImportForm(FlaskForm):
    kind = SelectField(
        lazy_gettext("What the file holds"),
        choices=[
            SelectChoice("returnees", lazy_gettext("Returnees")),
            SelectChoice("referrals", lazy_gettext("Referrals")),
        ],
    )
    file = FileField(lazy_gettext("CSV file"), validators=[FileRequired()])
    dry_run = BooleanField(lazy_gettext("Dry run: check and report, save nothing"), default=True)
    skip_invalid = BooleanField(lazy_gettext("Save the valid rows and skip the others"))


@import_export.route("/import", methods=["GET", "POST"])
@requires(Action.IMPORT_DATA)
def upload() -> tuple[str, int] | str:
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template(
            "import_export/import.html", form=form, lines=[], summary=""
        ), 400 if form.errors else 200
    runtime = get_runtime()
    report: ImportReport | None = None
    try:
        table = read_table(form.file.data.read())
    except InvalidInput as error:
        report = ImportReport(
            form.kind.data or "", bool(form.dry_run.data), bool(form.skip_invalid.data)
        )
        report.refusal(None, "file", error)
        return _page(form, report)
    options: dict[str, Any] = {
        "now": runtime.clock(),
        "actor": acting_user(),
        "dry_run": bool(form.dry_run.data),
        "skip_invalid": bool(form.skip_invalid.data),
    }
    try:
        with runtime.db.transaction() as session:
            if form.kind.data == "referrals":
                report = import_referrals(session, table, programme=runtime.programme, **options)
            else:
                report = import_returnees(
                    session,
                    table,
                    region=runtime.settings.default_region,
                    default_time_zone=runtime.settings.default_time_zone,
                    **options,
                )
    except ImportFailed as failure:
        report = failure.report
    return _page(form, report)


def _page(form: ImportForm, report: ImportReport) -> tuple[str, int]:
    page = render_template(
        "import_export/import.html",
        form=form,
        lines=report_lines(report),
        summary=report_summary(report),
    )
    return page, 200


def report_lines(report: ImportReport) -> list[str]:
    """The import's problems in the console's language, each with its row and column (its
    header as the file writes it; a problem of the whole file names no column)."""
    ordered = sorted(report.problems, key=lambda p: (p.row or 0, p.is_warning))
    return [_problem_line(problem, report.headers) for problem in ordered]


def _problem_line(problem: Problem, headers: dict[str, str]) -> str:
    message = fill(gettext(problem.template), problem.values)
    field = headers.get(problem.field) or problem.field
    if problem.row is None and problem.field == "file":
        line = message[:1].upper() + message[1:]  # its message names the file
    elif problem.row is None:
        line = gettext("Column %(field)s: %(message)s", field=field, message=message)
    elif problem.field == "row":  # the row as a whole ("more values than columns")
        line = gettext("Row %(row)s: %(message)s", row=problem.row, message=message)
    else:
        line = gettext(
            "Row %(row)s, column %(field)s: %(message)s",
            row=problem.row,
            field=field,
            message=message,
        )
    return gettext("%(line)s (note)", line=line) if problem.is_warning else line


def report_summary(report: ImportReport) -> str:
    """What became of the file, in the page's words (its checkbox, not the command line's
    `--skip-invalid`)."""
    invalid = len(report.invalid_rows)
    head = ngettext("%(num)s row read", "%(num)s rows read", report.rows)
    valid = ngettext("%(num)s valid", "%(num)s valid", report.valid)
    wrong = ngettext("%(num)s with errors", "%(num)s with errors", invalid)
    counts = gettext("%(read)s: %(valid)s, %(wrong)s.", read=head, valid=valid, wrong=wrong)
    outcome = report.outcome()
    if outcome == "file_errors":
        tail = gettext("Nothing was imported: the file itself must be fixed first.")
    elif outcome == "saving_failed":
        tail = gettext(
            "Nothing was imported: saving stopped at the row above and nothing was kept (all "
            "or nothing, even when skipping invalid rows); fix it, then import again."
        )
    elif outcome == "dry_run_refused":
        tail = gettext("Dry run: as it is, nothing would be imported (all or nothing).")
    elif outcome == "dry_run":
        tail = ngettext(
            "Dry run: %(num)s row would be imported; nothing was saved.",
            "Dry run: %(num)s rows would be imported; nothing was saved.",
            report.valid,
        )
    elif outcome == "refused":
        tail = gettext(
            'Nothing was imported (all or nothing): fix the rows above, or tick "Save the valid '
            'rows and skip the others".'
        )
    elif invalid:
        tail = ngettext(
            "%(num)s row imported, %(skipped)s skipped.",
            "%(num)s rows imported, %(skipped)s skipped.",
            report.imported,
            skipped=invalid,
        )
    else:
        tail = ngettext("%(num)s row imported.", "%(num)s rows imported.", report.imported)
    return f"{counts} {tail}"


@import_export.get("/export")
@requires(Action.EXPORT_DATA)
def choose() -> str:
    with get_runtime().db.sessions() as session:
        partners = session.scalars(select(Partner).order_by(Partner.name)).all()
        return render_template(
            "import_export/export.html", partners=partners, statuses=[s.value for s in Status]
        )


def _filters() -> ReferralFilter:
    """The list filters from the query string; a value that is not one is ignored."""
    statuses = tuple(s for s in request.args.getlist("status") if s in {v.value for v in Status})
    partner = request.args.get("partner_id", "")
    since = request.args.get("updated_since", "")
    moment = None
    if since:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return ReferralFilter(
        statuses,
        int(partner) if partner.isdigit() and len(partner) < 10 else None,
        moment,
        request.args.get("case_reference", "")[:64],
    )


def _download(name: str, columns: tuple[str, ...], rows: object) -> Response:
    out = io.StringIO()
    out.write("\ufeff")
    write_csv(rows, columns, out)  # type: ignore[arg-type]
    stamp = get_runtime().clock().strftime("%Y%m%d-%H%M")
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"'},
    )


@import_export.get("/export/referrals.csv")
@requires(Action.EXPORT_DATA)
def referrals_csv() -> Response:
    with get_runtime().db.sessions() as session:
        rows = list(referral_rows(session, _filters(), user=acting_user()))
        note_access("referral", _referral_ids(session, rows), event=AccessEvent.EXPORT)
    return _download("referrals", REFERRAL_COLUMNS, iter(rows))


@import_export.get("/export/events.csv")
@requires(Action.EXPORT_DATA)
def events_csv() -> Response:
    with get_runtime().db.sessions() as session:
        rows = list(event_rows(session, _filters(), user=acting_user()))
    note_access("referral_event", [int(r["event_id"]) for r in rows], event=AccessEvent.EXPORT)
    return _download("referral-events", EVENT_COLUMNS, iter(rows))


def _referral_ids(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """The ids of the exported referrals, for the access log (at most its limit)."""
    references = [row["reference"] for row in rows[:MAX_IDS]]
    query = select(Referral.id).where(Referral.reference.in_(references)).order_by(Referral.id)
    return list(session.scalars(query))
