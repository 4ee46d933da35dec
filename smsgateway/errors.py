"""Errors the domain raises for bad input; each names what was wrong so a person can fix it."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input refused before anything was saved. `field` (and `row` for imports) say where."""

    def __init__(self, field: str, message: str, row: int | None = None) -> None:
        self.field = field
        self.row = row
        where = f"row {row}, field {field!r}" if row is not None else f"field {field!r}"
        super().__init__(f"{where}: {message}")
        self.message = message
