"""The API's errors: JSON with a stable `code`, a message and field-level messages.

    {"code": "invalid_input", "message": "...", "fields": {"appointment_at": ["..."]}}

Every error of a request under /api/ is answered this way, including a path that does not exist
and an unexpected failure; the console keeps its HTML pages (`smsgateway.web.errors` asks
`is_api_request`). Codes are part of the API: clients may branch on them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

#: The stable code of each HTTP status the API answers with.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    428: "precondition_required",
    429: "too_many_requests",
    500: "server_error",
}


class ApiError(HTTPException):
    """An error with the API's own code (`insufficient_scope`, `transition_refused`...)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = status
        self.api_code = code
        self.message = message
        self.fields = dict(fields or {})
        self.extra_headers = dict(headers or {})


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def error_body(code: str, message: str, fields: Mapping[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = dict(fields)
    return body


def api_error_response(error: HTTPException) -> tuple[Response, int]:
    """The JSON answer for an HTTP error (or an unexpected one, as a 500) of the API."""
    status = error.code or 500
    headers: dict[str, str] = {}
    if isinstance(error, ApiError):
        code, message, fields = error.api_code, error.message, error.fields
        headers = error.extra_headers
    else:
        code = CODES.get(status, "server_error" if status >= 500 else "bad_request")
        message, fields = _describe(error)
        headers = {k: v for k, v in (error.get_headers() or []) if k.lower() == "allow"}
    if status >= 500:
        message = "something went wrong on our side; nothing you sent caused it"
    response = jsonify(error_body(code, message, fields))
    response.headers.update(headers)
    return response, status


def _describe(error: HTTPException) -> tuple[str, dict[str, list[str]]]:
    """The message and the field messages of an error raised by webargs or werkzeug."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if isinstance(messages, Mapping):
        if isinstance(messages.get("json"), list):  # webargs: the body did not parse
            return "the body is not valid JSON", {}
        return "some fields are not valid", flatten_messages(messages)
    description = error.description or error.name
    return str(description), {}


def flatten_messages(messages: Mapping[Any, Any], prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as `{"contact_points.0.number": ["..."]}`.

    The location (json, query, headers) is dropped for the body and kept for the others:
    `query.status`, `headers.If-Match`.
    """
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = str(key)
        if not prefix and name == "json":
            name = ""
        elif name == "_schema":
            name = prefix.rstrip(".") or "body"
            flat.setdefault(name, []).extend(_as_strings(value))
            continue
        path = f"{prefix}{name}" if name else prefix.rstrip(".")
        if isinstance(value, Mapping):
            flat.update(flatten_messages(value, f"{path}." if path else ""))
        else:
            flat.setdefault(path or "body", []).extend(_as_strings(value))
    return flat


def _as_strings(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            out.extend(_as_strings(item))
        return out
    if isinstance(value, Mapping):
        return [f"{key}: {', '.join(_as_strings(item))}" for key, item in value.items()]
    return [str(value)]
