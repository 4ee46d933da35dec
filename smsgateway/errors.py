"""Errors the domain raises for bad input; each names what was wrong so a person can fix it."""

from __future__ import annotations

from collections.abc import Callable


class InvalidInput(ValueError):
    """Input refused before anything was saved. `field` (and `row` for imports) say where.

    `message` is English, in the words a person fixing the input needs; what it names is passed
    as `values` for `%(name)s` placeholders ("no partner with id %(partner_id)s"), so that the
    console can show it in its own language (`translated`): the message is extracted into the
    console's catalog (keyword `InvalidInput:2`). The API and the command line speak English.
    """

    def __init__(self, field: str, message: str, row: int | None = None, **values: object) -> None:
        self.field = field
        self.row = row
        self.template = message
        self.values = values
        self.message = message % values if values else message
        where = f"row {row}, field {field!r}" if row is not None else f"field {field!r}"
        super().__init__(f"{where}: {self.message}")

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the language `gettext` translates into (English where it has none)."""
        text = gettext(self.template)
        return text % self.values if self.values else text
