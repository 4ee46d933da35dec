"""The one blueprint of the API's views (flask-smorest), and the errors each view documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Blueprint

V = TypeVar("V", bound=Callable[..., Any])

#: The header of every write to a versioned record (checked by `smsgateway.api.versions`).
IF_MATCH = "IF_MATCH_VERSION"
IF_MATCH_PARAMETER = {
    "description": 'The ETag (version) of the record as you read it, e.g. "3". Without it: 428; '
    "older than the record: 412, and nothing changes.",
    "required": True,
    "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,18}"?$', "example": '"1"'},
}

blp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    template_folder="templates",
    description="Returnees, referrals, partners, bulk notices and the events feed.",
)

#: Every operation may answer these (its own table adds what else it may answer).
COMMON_ERRORS = (401, 403, 429)
WRITE_ERRORS = (404, 409, 412, 422, 428)


def documents(*statuses: int) -> Callable[[V], V]:
    """Document error answers (with the Error schema) besides the common ones."""

    def decorate(view: V) -> V:
        for status in sorted({*COMMON_ERRORS, *statuses}, reverse=True):
            view = blp.alt_response(status, response=_response_name(status))(view)
        decorated: V = blp.alt_response("default", response="DEFAULT_ERROR")(view)
        if 428 in statuses:  # a write to a versioned record: If-Match is part of the request
            decorated = blp.doc(parameters=[IF_MATCH])(decorated)
        return decorated

    return decorate


def _response_name(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).name
