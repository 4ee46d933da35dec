"""Logging in and out, one's own account, each role's start page, and the list of accounts.

A failed login answers the same whether the account exists or not; the rate limit counts per
username and per address in the database (`smsgateway.login_attempts`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, refresh
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from smsgateway.login_attempts import is_login_blocked, record_login_attempt
from smsgateway.models import User
from smsgateway.permissions import Action, Role
from smsgateway.privacy.access_log import AccessEvent, Face, record_access
from smsgateway.runtime import get_runtime
from smsgateway.users import (
    authenticate,
    end_sessions,
    list_users,
    normalize_username,
    set_language,
)
from smsgateway.web.access import public, requires
from smsgateway.web.forms import LanguageForm, LoginForm, LogoutForm
from smsgateway.web.session import start_session

auth = Blueprint("auth", __name__)

#: The page each role starts on after logging in.
HOME_ENDPOINTS = {
    Role.ADMIN: "auth.users",
    Role.MANAGER: "manager.home",
    Role.CASEWORKER: "caseworker.index",
    Role.PARTNER: "partner.home",
}


@auth.get("/")
@requires(Action.USE_ACCOUNT)
def home() -> Response:
    return redirect(url_for(HOME_ENDPOINTS[Role(current_user.role)]))


@auth.route("/login", methods=["GET", "POST"])
@public("the login form")
def login() -> Response | tuple[str, int]:
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    runtime = get_runtime()
    name, address, now = form.username.data or "", request.remote_addr or "", runtime.clock()
    with runtime.db.transaction() as db_session:
        if is_login_blocked(db_session, name, address, now=now):
            abort(429)
        user = authenticate(db_session, name, form.password.data or "", now=now)
        record_login_attempt(db_session, name, address, is_success=user is not None, now=now)
        if user is None:
            record_access(
                db_session,
                now=now,
                event=AccessEvent.LOGIN_FAILED,
                face=Face.CONSOLE,
                user=None,
                username=normalize_username(name),
                endpoint="auth.login",
                request_id=g.get("request_id", ""),
                address=address,
            )
    if user is None:
        flash(gettext("Wrong username or password."), "error")
        return render_template("auth/login.html", form=form), 200
    session.clear()  # nothing from before the login survives it
    login_user(user)
    session.permanent = True
    start_session()
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"), 303)


def _safe_next(target: str | None) -> str | None:
    """A local path to return to after logging in; anything else is ignored."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc or "\\" in target else target


@auth.post("/logout")
@requires(Action.USE_ACCOUNT)
def logout() -> Response:
    if not LogoutForm().validate_on_submit():
        abort(400)
    with get_runtime().db.transaction() as db_session:
        user = db_session.get(User, current_user.id)
        assert user is not None  # noqa: S101 (loaded for this very request)
        end_sessions(db_session, user)  # a copy of the cookie no longer opens anything
    logout_user()
    session.clear()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("auth.login"), 303)


@auth.route("/account", methods=["GET", "POST"])
@requires(Action.USE_ACCOUNT)
def account() -> Response | str:
    form = LanguageForm(language=current_user.language)
    if form.validate_on_submit():
        with get_runtime().db.transaction() as db_session:
            user = db_session.get(User, current_user.id)
            assert user is not None  # noqa: S101 (loaded for this very request)
            set_language(db_session, user, form.language.data or "")
        current_user.language = form.language.data or ""
        refresh()
        flash(gettext("Saved."), "info")
        return redirect(url_for("auth.account"), 303)
    return render_template("auth/account.html", form=form)


@auth.get("/users")
@requires(Action.MANAGE_USERS)
def users() -> str:
    with get_runtime().db.sessions() as db_session:
        accounts = list_users(db_session)
        partners = {user.id: user.partner.name for user in accounts if user.partner}
        return render_template("auth/users.html", accounts=accounts, partners=partners)
