"""Error pages in the console's layout: 400, 403, 404, 405, 429, 500, in the user's language.

Under /api/ the answer is the API's JSON error instead (`smsgateway.api.errors`).
"""

from __future__ import annotations

from flask import Flask, Response, render_template
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from smsgateway.api.errors import api_error_response, is_api_request

TITLES = {
    400: lazy_gettext("The request could not be understood"),
    403: lazy_gettext("You may not open this page"),
    404: lazy_gettext("Page not found"),
    405: lazy_gettext("This page does not accept that request"),
    429: lazy_gettext("Too many attempts"),
    500: lazy_gettext("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: lazy_gettext("Go back, reload the page and try again."),
    403: lazy_gettext(
        "Your account does not give access to this page. Ask an administrator if you need it."
    ),
    404: lazy_gettext("The address may be mistyped, or what it pointed to is not there."),
    405: lazy_gettext("Go back and use the page's own buttons."),
    429: lazy_gettext("Wait 15 minutes, then try again."),
    500: lazy_gettext(
        "Nothing you did caused this. Try again in a moment; if it happens again, tell an "
        "administrator the time it happened."
    ),
}
CSRF_EXPLANATION = lazy_gettext(
    "The form expired or did not come from this site. Reload the page and send it again."
)


def render_error(code: int, explanation: object = None) -> tuple[str, int]:
    """The error page for `code` (known codes; anything else reads as a 400 or a 500)."""
    known = code if code in TITLES else (500 if code >= 500 else 400)
    page = render_template(
        "errors/error.html",
        code=code,
        title=TITLES[known],
        explanation=explanation or EXPLANATIONS[known],
    )
    return page, code


def handle_http_error(error: HTTPException) -> tuple[str | Response, int]:
    if is_api_request():  # the API answers in JSON, even for a path that does not exist
        return api_error_response(error)
    if isinstance(error, CSRFError):
        return render_error(400, CSRF_EXPLANATION)
    return render_error(error.code or 500)


def handle_unexpected_error(error: InternalServerError) -> tuple[str | Response, int]:
    if is_api_request():
        return api_error_response(error)
    return render_error(500)  # Flask has logged the exception already


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
