"""Paging of the console's lists: the page asked for, and the links around it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

#: The furthest page a link may ask for; deeper means a narrower search.
MAX_PAGE = 10_000


def page_number() -> int:
    """The `page` query argument, 1 when missing or not a sensible number."""
    value = request.args.get("page", "1")
    return min(int(value), MAX_PAGE) if value.isdigit() and int(value) > 0 else 1


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int
    total: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.last

    @property
    def first_shown(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_shown(self) -> int:
        return min(self.total, self.offset + self.per_page)


def page_args(number: int) -> dict[str, str]:
    """The current query arguments with `page` set to `number` (for the links)."""
    args = {key: value for key, value in request.args.items() if key != "page"}
    args["page"] = str(number)
    return args
