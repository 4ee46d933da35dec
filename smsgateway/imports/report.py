"""What an import did, row by row: the exact report a person fixes their file with."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from smsgateway.errors import Refused, fill


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file as a whole
    field: str
    #: English, with `%(name)s` placeholders for `values` (the console translates it).
    template: str
    is_warning: bool = False  # imported all the same (a default was assumed)
    values: Mapping[str, object] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        return fill(self.template, self.values)

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        kind = "note" if self.is_warning else "error"
        return f"{where}, field {self.field!r}: {self.message}" + (
            f" ({kind})" if self.is_warning else ""
        )


@dataclass
class ImportReport:
    """Rows read, rows imported or that would be, and every problem with its row and field."""

    kind: str  # returnees | referrals
    dry_run: bool
    skip_invalid: bool
    rows: int = 0
    valid: int = 0
    imported: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # case or referral references
    saving_failed: bool = False  # a row was refused while saving: everything was rolled back
    #: Each column's header as the file writes it, for a report in the file's own words.
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_warning]

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({p.row for p in self.errors if p.row is not None})

    @property
    def file_errors(self) -> list[Problem]:
        return [p for p in self.errors if p.row is None]

    def problem(
        self,
        row: int | None,
        field_name: str,
        message: str,
        /,
        *,
        warning: bool = False,
        **values: object,
    ) -> None:
        """Report a problem; `message` is English with `%(name)s` placeholders for `values`
        (extracted into the console's catalog: keyword `problem:3`)."""
        self.problems.append(Problem(row, field_name, message, warning, values))

    def refusal(self, row: int | None, field_name: str, error: Refused) -> None:
        """Report a refused value or input in its own words."""
        self.problems.append(Problem(row, field_name, error.template, False, error.values))

    def outcome(self) -> str:
        """What became of the file, for the summary in any language: `file_errors` (nothing
        imported, the file must be fixed), `saving_failed` (nothing kept), `dry_run_refused` (a
        dry run that would import nothing), `dry_run`, `refused` (rows with errors, all or
        nothing: nothing imported) or `imported`."""
        invalid = bool(self.invalid_rows)
        if self.file_errors:
            return "file_errors"
        if self.saving_failed:
            return "saving_failed"
        if self.dry_run:
            return "dry_run_refused" if invalid and not self.skip_invalid else "dry_run"
        if invalid and not self.skip_invalid:
            return "refused"
        return "imported"

    def summary(self) -> str:
        """The summary in English, for the command line (`--skip-invalid`)."""
        invalid = len(self.invalid_rows)
        head = f"{self.rows} rows read: {self.valid} valid, {invalid} with errors."
        outcome = self.outcome()
        if outcome == "file_errors":
            return f"{head} Nothing was imported: the file itself must be fixed first."
        if outcome == "saving_failed":
            return (
                f"{head} Nothing was imported: saving stopped at the row above and nothing was "
                "kept (all or nothing, with --skip-invalid too); fix it, then import again."
            )
        if outcome == "dry_run_refused":
            return f"{head} Dry run: as it is, nothing would be imported (all or nothing)."
        if outcome == "dry_run":
            return f"{head} Dry run: {self.valid} {self.kind} would be imported; nothing was saved."
        if outcome == "refused":
            return (
                f"{head} Nothing was imported (all or nothing): fix the rows above, or import "
                "the valid rows only with --skip-invalid."
            )
        skipped = f", {invalid} rows skipped" if invalid else ""
        return f"{head} {self.imported} {self.kind} imported{skipped}."

    def lines(self) -> list[str]:
        ordered = sorted(self.problems, key=lambda p: (p.row or 0, p.is_warning))
        return [str(problem) for problem in ordered] + [self.summary()]
