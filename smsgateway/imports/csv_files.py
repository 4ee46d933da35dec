"""Reading a CSV file as spreadsheets save it: UTF-8 with or without BOM, comma or semicolon.

Rows are numbered as the spreadsheet shows them: the header is row 1, the first data row is
row 2 (a quoted value that spans lines still counts as one row). Column names are matched
without regard to case, spaces or dashes (`Case reference` = `case_reference`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from smsgateway.errors import InvalidInput

MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it (the header is row 1)
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[Row]
    delimiter: str
    #: Each column's header as the file writes it (`case_reference` → "Case reference").
    headers: dict[str, str] = field(default_factory=dict)


def column_name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower()).strip("_")


def read_table(data: bytes) -> Table:
    """The header and the rows of a CSV file; `InvalidInput` (field `file`) if it is not one."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            "file", "the file is larger than %(size)s MB", size=MAX_BYTES // (1024 * 1024)
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "file", "the file is not UTF-8 text: save it as 'CSV UTF-8' and try again"
        ) from None
    if "\x00" in text:
        raise InvalidInput("file", "the file is not a CSV text file")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise InvalidInput(
            "file", "the file cannot be read as CSV (%(error)s)", error=error
        ) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise InvalidInput("file", "the file is empty: the first row names the columns")
    columns = [column_name(cell) for cell in records[0]]
    seen = [name for name in columns if name and columns.count(name) > 1]
    if seen:
        raise InvalidInput("file", "the column '%(column)s' appears twice", column=seen[0])
    rows = []
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # an empty line: nothing to import, nothing to report
        values = {
            name: (record[i].strip() if i < len(record) else "")
            for i, name in enumerate(columns)
            if name
        }
        if len(record) > len(columns) and any(cell.strip() for cell in record[len(columns) :]):
            values["_extra"] = "more values than columns"
        rows.append(Row(index, values))
    headers = {name: cell.strip() for name, cell in zip(columns, records[0], strict=True) if name}
    return Table([name for name in columns if name], rows, delimiter, headers)
