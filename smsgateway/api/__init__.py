"""The JSON API under /api/v1, for case-management systems (flask-smorest with marshmallow).

- `access`: bearer tokens of accounts, their scope, and the permission table for each view;
- `schemas`, `fields`: what validates requests and shapes answers, and so the OpenAPI document
  served at /api/v1/openapi.json (generated, never written by hand); the reference page at
  /api/v1/ renders the same document;
- `returnees`, `referrals`, `partners`, `bulk`, `events`: the views, thin over domain functions;
- `reads`: the one place where the API reads personal data; `versions`: ETag and If-Match;
- `errors`: JSON errors with a stable code and field messages, for every /api/ path.

The API is not a session face: no cookie counts, so the console's login redirect and CSRF do
not apply to it (`smsgateway.web` leaves its blueprints alone). Guide: docs/api.md.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from smsgateway.api import bulk, events, partners, privacy, referrals, returnees  # noqa: F401
from smsgateway.api.access import authenticate_request
from smsgateway.api.blueprint import IF_MATCH, IF_MATCH_PARAMETER, blp
from smsgateway.api.errors import ApiError, api_error_response
from smsgateway.api.reference import reference_page
from smsgateway.api.schemas import ErrorSchema
from smsgateway.errors import InvalidInput
from smsgateway.partners import NotPermitted
from smsgateway.referrals import TransitionRefused

DESCRIPTION = """\
Returnees, referrals, partners, bulk notices and the referral events feed of smsgateway.

**Authentication**: `Authorization: Bearer <token>`, a token made with
`smsgateway api token create USER --scope read|write`. A token acts as its account: its role
decides what it may do, a partner account's token sees its own organisation's referrals only.
A `read` token may only GET.

**Versions**: returnees and referrals carry a `version`, also sent as the `ETag` header. A change
to one of them needs `If-Match: "<version>"`: without it the answer is 428, with an older one
412, and nothing changes.

**Errors**: JSON `{"code", "message", "fields"}`; `code` is stable, `fields` names each wrong
field (nested ones as `contact_points.0.number`). Bad input is 400 or 422.

**Lists**: `page` (from 1) and `per_page` (at most 200); the answer has `items` and `total`.
"""


class SmsgatewayApi(Api):
    """flask-smorest's Api without its app-wide error handler: the console keeps its pages."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        return None


def _invalid_input(error: InvalidInput) -> Any:
    fields = {error.field: [error.message]}
    return api_error_response(ApiError(422, "invalid_input", "some fields are not valid", fields))


def _transition_refused(error: TransitionRefused) -> Any:
    return api_error_response(
        ApiError(409, "transition_refused", f"a {error.old} referral cannot become {error.new}")
    )


def _not_permitted(error: NotPermitted) -> Any:
    return api_error_response(ApiError(404, "not_found", "no such referral"))


def _http_error(error: HTTPException) -> Any:
    return api_error_response(error)


def init_api(app: Flask) -> None:
    from smsgateway.web import csrf  # the console's CSRF protection: not for bearer tokens

    app.config.update(
        API_TITLE="smsgateway",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": DESCRIPTION},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api = SmsgatewayApi(app)
    api.spec.components.parameter(IF_MATCH, "header", {"name": "If-Match", **IF_MATCH_PARAMETER})
    api.register_blueprint(blp)
    app.register_blueprint(reference_page)
    csrf.exempt(blp)
    app.extensions["smsgateway_api"] = api


blp.before_request(authenticate_request)
blp.register_error_handler(InvalidInput, _invalid_input)
blp.register_error_handler(TransitionRefused, _transition_refused)
blp.register_error_handler(NotPermitted, _not_permitted)
blp.register_error_handler(HTTPException, _http_error)
