"""Logging that keeps personal data out: masked numbers, hidden SQL details, request ids.

- Every record, from any library, passes through `mask_personal` when it is made (a record
  factory, so that every handler, and a test's capture, sees the masked text): phone numbers
  keep their first four and last two characters (`+221•••••••67`), and the `DETAIL` line of a
  database error (which PostgreSQL fills with the failing row: numbers, message texts) is
  dropped. SQL parameters never reach an error message: engines are made with
  `hide_parameters=True` (`smsgateway.db`).
- Message bodies are never logged by the service's own code: log ids and counts, not content.
  Libraries that would log a request's fields (twilio's HTTP client logs its form at INFO)
  are held at WARNING.
- Each record carries the request id of the web request it belongs to (`X-Request-Id`, given
  by a proxy or made here, and sent back), `-` outside a request.
- `SMSGATEWAY_LOG_FORMAT`: `json` (one JSON object per line; the default in production) or
  `text`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

TEXT_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
#: Libraries whose INFO lines carry a request's fields (numbers, texts).
QUIET_LOGGERS = ("twilio.http_client",)
REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

_PHONE = re.compile(
    r"(?<![\w%])(\+|%2B|%2b)(\d{6,15})(?!\d)"  # E.164, also URL-encoded (%2B)
    r"|(?<![\w.:/+-])(\d{9,15})(?![\w.])"  # a bare run of 9 to 15 digits
)
_DETAIL = re.compile(r"DETAIL:[^\n]*")


def _mask_match(match: re.Match[str]) -> str:
    plus, digits, bare = match.group(1), match.group(2), match.group(3)
    if bare is not None:
        return bare[:2] + "•" * (len(bare) - 4) + bare[-2:]
    return plus + digits[:3] + "•" * (len(digits) - 5) + digits[-2:]


def mask_personal(text: str) -> str:
    """`text` with phone numbers masked and database error details dropped."""
    return _DETAIL.sub("DETAIL: (hidden)", _PHONE.sub(_mask_match, text))


_base_factory = logging.getLogRecordFactory()


def _private_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:
        return record
    masked = mask_personal(message)
    if masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = mask_personal(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None  # formatted (and masked) once, here
    record.request_id = g.get("request_id", "-") if has_request_context() else "-"
    return record


def install_record_factory() -> None:
    """Mask every record from now on, in this process (idempotent)."""
    if logging.getLogRecordFactory() is not _private_record:
        logging.setLogRecordFactory(_private_record)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


class TextFormatter(logging.Formatter):
    """`TEXT_FORMAT`, and the request id at the end of a line written during a request."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        request_id = getattr(record, "request_id", "-")
        return line if request_id == "-" else f"{line} (request {request_id})"


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def log_format(environ: Any = None) -> str:
    """`SMSGATEWAY_LOG_FORMAT`, else `json` in production and `text` elsewhere."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("SMSGATEWAY_LOG_FORMAT", "").strip().lower()
    if chosen:
        return chosen
    return "json" if environ.get("SMSGATEWAY_ENV", "") == "production" else "text"


def configure_logging(level: int = logging.INFO) -> None:
    """The process's log handler (stderr) in the chosen format, records masked."""
    install_record_factory()
    handler = logging.StreamHandler(sys.stderr)
    if log_format() == "json":
        handler.setFormatter(JsonLinesFormatter())
    else:
        handler.setFormatter(TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "smsgateway", False):
            root.removeHandler(old)
    handler.smsgateway = True  # type: ignore[attr-defined]  # marks our own handler
    root.addHandler(handler)
    root.setLevel(level)


def _take_request_id() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def _send_request_id(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    return response


def init_logging(app: Flask) -> None:
    """Masked records in this process; a request id on every request and its answer."""
    install_record_factory()
    app.before_request_funcs.setdefault(None, []).insert(0, _take_request_id)
    app.after_request(_send_request_id)
