"""Errors the domain raises for bad input; each names what was wrong so a person can fix it."""

from __future__ import annotations

from collections.abc import Callable, Mapping


def fill(template: str, values: Mapping[str, object]) -> str:
    """`template` with its `%(name)s` placeholders filled (a template without values is left as
    it is, percent signs and all). A value with a line break or another control character
    shows it escaped ("a\\nb"), so that a report keeps one line per problem."""
    if not values:
        return template
    shown = {
        name: value.encode("unicode_escape").decode("ascii")
        if isinstance(value, str) and not value.isprintable()
        else value
        for name, value in values.items()
    }
    return template % shown


class Refused(ValueError):
    """A refusal whose message is English, with what it names passed as `values` for `%(name)s`
    placeholders ("no partner with id %(id)s"), so that the console can show it in its own
    language (`translated`): the messages are extracted into the console's catalog (keywords
    `InvalidInput:2`, `ValueRefused`, see smsgateway.content.console_catalogs). The API and the
    command line speak English."""

    def __init__(self, message: str, **values: object) -> None:
        self.template = message
        self.values = values
        self.message = fill(message, values)
        super().__init__(self.message)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the language `gettext` translates into (English where it has none)."""
        return fill(gettext(self.template), self.values)


class InvalidInput(Refused):
    """Input refused before anything was saved. `field` (and `row` for imports) say where."""

    def __init__(self, field: str, message: str, row: int | None = None, **values: object) -> None:
        super().__init__(message, **values)
        self.field = field
        self.row = row
        where = f"row {row}, field {field!r}" if row is not None else f"field {field!r}"
        self.args = (f"{where}: {self.message}",)
