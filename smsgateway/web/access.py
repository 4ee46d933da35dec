"""Every route declares what it needs; one check before each request enforces it.

A view is decorated with `@requires(Action.X)` (the action of `smsgateway.permissions`) or
`@public("why")`. Whole blueprints can be public for a stated reason (the provider webhooks:
their signature is the authentication). A route with no declaration is refused (403) and
logged: it fails closed, and `tests/integration/test_permissions.py` fails the suite for it.

The check only knows the role; a view acting on one referral narrows to the user's scope
(`permissions.scope_referrals` / `may_act_on`) and answers 404 outside it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from smsgateway.permissions import Action, is_allowed
from smsgateway.web.session import login_manager

logger = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., object])
_ATTRIBUTE = "smsgateway_access"


@dataclass(frozen=True)
class Public:
    """Anyone may open this route, for the reason given."""

    reason: str


#: Blueprints open to anyone, and why.
PUBLIC_BLUEPRINTS = {
    "webhooks": Public("signed by the provider: each view checks the signature"),
    # The JSON API has no login session: each view needs a bearer token, checked against the
    # same permission table by `smsgateway.api.access` (tests/integration/test_api_access.py).
    "api": Public("bearer tokens, checked per view by smsgateway.api.access"),
    "api-docs": Public("the OpenAPI document: documentation, no data"),
    "api_reference": Public("the API's reference page: documentation, no data"),
}
PUBLIC_ENDPOINTS = {"static": Public("the stylesheet")}


def requires(action: Action) -> Callable[[View], View]:
    """Declare the action a view needs; the before-request check enforces it."""

    def declare(view: View) -> View:
        setattr(view, _ATTRIBUTE, action)
        return view

    return declare


def public(reason: str) -> Callable[[View], View]:
    """Declare a view open to anyone (the login page), saying why."""

    def declare(view: View) -> View:
        setattr(view, _ATTRIBUTE, Public(reason))
        return view

    return declare


def declared_access(app: Flask, endpoint: str) -> Action | Public | None:
    """What an endpoint declared: an action, public, or nothing (a bug: refused)."""
    if endpoint in PUBLIC_ENDPOINTS:
        return PUBLIC_ENDPOINTS[endpoint]
    blueprint = endpoint.rpartition(".")[0]
    if blueprint in PUBLIC_BLUEPRINTS:
        return PUBLIC_BLUEPRINTS[blueprint]
    access: Action | Public | None = getattr(app.view_functions[endpoint], _ATTRIBUTE, None)
    return access


def check_access() -> ResponseReturnValue | None:
    """Before every request: anonymous users go to the login page, others need the action."""
    if request.endpoint is None:  # no route matched: the 404 or 405 follows
        return None
    access = declared_access(current_app, request.endpoint)
    if access is None:
        logger.error("route %s declares no permission: refused", request.endpoint)
        abort(403)
    if isinstance(access, Public):
        return None
    if not current_user.is_authenticated:
        if request.endpoint == "auth.home":  # opening the site: just the form, no reproach
            return redirect(url_for("auth.login"))
        return login_manager.unauthorized()
    if not is_allowed(current_user.role, access):
        abort(403)
    return None


def can(action: str) -> bool:
    """For templates: whether the logged-in user's role has this action."""
    return bool(current_user.is_authenticated) and is_allowed(current_user.role, Action(action))


def init_access(app: Flask) -> None:
    app.before_request(check_access)
    app.jinja_env.globals["can"] = can
