"""Fields every schema uses: text that a database can store, bounded ids and moments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import ValidationError, fields, validate

MAX_ID = 2**31 - 1
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class Text(fields.String):
    """A string without NUL characters or lone surrogates, at most `max_length` characters."""

    def __init__(self, *, max_length: int = 200, min_length: int = 0, **kwargs: Any) -> None:
        length = validate.Length(min=min_length or None, max=max_length)
        super().__init__(validate=length, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("must not contain NUL characters")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("must be valid Unicode text") from None
        return text


class Id(fields.Integer):
    """A row id: a whole number from 1 to 2³¹-1 (in a query string: its digits)."""

    def __init__(self, *, in_query: bool = False, **kwargs: Any) -> None:
        range_ = validate.Range(min=1, max=MAX_ID)
        super().__init__(strict=not in_query, validate=range_, **kwargs)


class Moment(fields.AwareDateTime):
    """A date and time with its UTC offset (ISO 8601), between the years 2000 and 2100."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"description": "ISO 8601 with a UTC offset, e.g. 2026-12-31T14:00:00+00:00"}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(format="iso", metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        # Checked on the local fields first: converting year 9999 to UTC can overflow.
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise ValidationError(f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
        return moment
