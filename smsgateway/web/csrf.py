"""CSRF tokens for the console's forms: one per browser session, checked on every POST.

Webhook blueprints are exempt: providers authenticate with signatures instead.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

EXEMPT_BLUEPRINTS = {"webhooks"}


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def _check() -> None:
    if request.method != "POST" or request.blueprint in EXEMPT_BLUEPRINTS:
        return
    sent = request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
        abort(400, "The form expired or did not come from this site; reload the page.")


def init_csrf(app: Flask) -> None:
    app.before_request(_check)
    app.jinja_env.globals["csrf_token"] = csrf_token
