"""Login sessions (Flask-Login): who is logged in, idle expiry, and the production admin check.

The session is Flask's signed cookie holding the account's session id ("<id>.<token>"); the
account is loaded again on every request, so a disabled account or a new password ends its
sessions at once. A session ends after `SMSGATEWAY_SESSION_IDLE_MINUTES` without a request, and
`SMSGATEWAY_SESSION_MAX_HOURS` after logging in however busy it is (a cookie copied from a shared
computer does not open the console for ever).
"""

from __future__ import annotations

import time

from flask import Flask, Request, current_app, flash, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext
from flask_login import LoginManager, current_user, logout_user

from smsgateway.models import User
from smsgateway.runtime import get_runtime
from smsgateway.users import has_active_admin, load_session_user
from smsgateway.webhooks import webhooks

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Log in to see this page.")
login_manager.login_message_category = "info"

SEEN_AT = "seen_at"  # session key: wall-clock time of the last request
LOGGED_IN_AT = "logged_in_at"  # session key: wall-clock time of the login
#: Faces without login sessions: their requests neither read nor refresh the session cookie.
SESSIONLESS_BLUEPRINTS = frozenset({"webhooks", "api", "api-docs", "api_reference"})
NO_ADMIN = "No admin account yet: create one with `smsgateway users create NAME --role admin`."


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    with get_runtime().db.sessions() as db_session:
        return load_session_user(db_session, session_id)


def start_session() -> None:
    """Mark the moment of a login: the session's absolute lifetime counts from it."""
    now = time.time()
    session[LOGGED_IN_AT] = now
    session[SEEN_AT] = now


def expire_idle_session() -> ResponseReturnValue | None:
    """End a login session left idle too long, or open too long since its login.

    The access check then asks to log in again. A session without its login time (a cookie
    from before the lifetime existed) counts as too old.
    """
    if request.blueprint in SESSIONLESS_BLUEPRINTS or not current_user.is_authenticated:
        return None
    settings = get_runtime().settings
    seen_at = session.get(SEEN_AT)
    logged_in_at = session.get(LOGGED_IN_AT)
    now = time.time()
    idle = isinstance(seen_at, int | float) and now - seen_at > settings.session_idle_minutes * 60
    too_old = (
        not isinstance(logged_in_at, int | float)
        or now - logged_in_at > settings.session_max_hours * 3600
    )
    if idle or too_old:
        logout_user()
        session.clear()
        flash(gettext("Your session expired. Log in again."), "info")
        return None
    session[SEEN_AT] = now
    return None


def refuse_console_without_admin() -> ResponseReturnValue | None:
    """In production, no console until an admin account exists; the webhooks keep working."""
    if request.blueprint in SESSIONLESS_BLUEPRINTS or current_app.extensions.get(
        "smsgateway_has_admin"
    ):
        return None
    with get_runtime().db.sessions() as db_session:
        if not has_active_admin(db_session):
            return NO_ADMIN + "\n", 503, {"Content-Type": "text/plain; charset=utf-8"}
    current_app.extensions["smsgateway_has_admin"] = True
    return None


class ConsoleSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, not even opened for a request to the provider webhooks.

    A provider never sends the cookie and nothing on those paths reads or writes the session;
    opening it built a signing serializer for every webhook request (4 % of a stored reply's
    CPU, docs/benchmarks.md round 8). Flask hands such a request its read-only null session.
    """

    def __init__(self, sessionless_paths: tuple[str, ...]) -> None:
        self.sessionless_paths = sessionless_paths

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(self.sessionless_paths):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_sessions(app: Flask) -> None:
    app.session_interface = ConsoleSessions((f"{webhooks.url_prefix}/",))
    login_manager.init_app(app)
    if get_runtime(app).settings.is_production:
        app.before_request(refuse_console_without_admin)
    app.before_request(expire_idle_session)


def acting_user() -> User:
    """The logged-in user as the domain's acting user (the account, not Flask's proxy)."""
    user: User = current_user._get_current_object()
    return user
