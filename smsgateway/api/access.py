"""Who calls the API: a bearer token of an account, checked against the one permission table.

Each view declares what it needs with `@needs(Action.X, ...)` (the first action the token's
role has decides the scope: staff read every referral with `view_referrals`, a partner its own
with `view_partner_referrals`) or `@open_to_all("why")`. One check before each request of the
blueprint enforces it:

- no token, an unknown, revoked or disabled account's token: 401 (`WWW-Authenticate: Bearer`);
- a `read` token on anything but GET: 403 `insufficient_scope`;
- a role without any of the actions: 403 `forbidden`; a view that declares nothing: 403.

The API never looks at the console's session cookie, so a browser's login cannot be used
against it (nor CSRF): only the `Authorization` header counts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, g, request
from sqlalchemy.orm import Session

from smsgateway.api.errors import ApiError
from smsgateway.api_tokens import TokenScope, authenticate_token
from smsgateway.models import User
from smsgateway.permissions import Action, scope_of
from smsgateway.runtime import get_runtime

log = logging.getLogger(__name__)

V = TypeVar("V", bound=Callable[..., Any])
_ATTRIBUTE = "smsgateway_api_access"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class OpenToAll:
    reason: str


@dataclass(frozen=True)
class Needs:
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Caller:
    """The account behind the request's token (what permission checks read)."""

    user_id: int
    username: str
    role: str
    partner_id: int | None
    token_id: int
    scope: str

    def acting_user(self, session: Session) -> User:
        """The account as the domain's acting user, in `session`."""
        user = session.get(User, self.user_id)
        if user is None:  # deleted meanwhile: accounts are never deleted
            raise ApiError(401, "unauthorized", "the token's account no longer exists")
        return user


def needs(*actions: Action) -> Callable[[V], V]:
    def declare(view: V) -> V:
        setattr(view, _ATTRIBUTE, Needs(actions))
        return view

    return declare


def open_to_all(reason: str) -> Callable[[V], V]:
    def declare(view: V) -> V:
        setattr(view, _ATTRIBUTE, OpenToAll(reason))
        return view

    return declare


def declared(endpoint: str) -> Needs | OpenToAll | None:
    view = current_app.view_functions.get(endpoint)
    access: Needs | OpenToAll | None = getattr(view, _ATTRIBUTE, None)
    return access


def caller() -> Caller:
    found: Caller = g.api_caller
    return found


def action() -> Action:
    """The action the caller's role takes for this view (the first of those declared it has)."""
    found: Action = g.api_action
    return found


def authenticate_request() -> None:
    """Before each API request: the token, its scope, and the role's right to the view."""
    if request.endpoint is None:
        return  # no such route: the 404 or 405 follows
    access = declared(request.endpoint)
    if access is None:
        log.error("API route %s declares no permission: refused", request.endpoint)
        raise ApiError(403, "forbidden", "this operation is not open to anyone")
    if isinstance(access, OpenToAll):
        return
    secret = _bearer_token()
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        token = authenticate_token(session, secret, now=runtime.clock()) if secret else None
        if token is None:
            raise ApiError(
                401,
                "unauthorized",
                "send a valid API token: Authorization: Bearer <token>",
                headers={"WWW-Authenticate": 'Bearer realm="smsgateway"'},
            )
        found = Caller(
            token.user.id,
            token.user.username,
            token.user.role,
            token.user.partner_id,
            token.id,
            token.scope,
        )
    g.api_caller = found  # a refusal below is logged under this account (smsgateway.web.audit)
    if request.method not in READ_METHODS and found.scope != TokenScope.WRITE:
        raise ApiError(403, "insufficient_scope", "this token may only read: use a write token")
    allowed = [a for a in access.actions if scope_of(found.role, a) is not None]
    if not allowed:
        raise ApiError(403, "forbidden", f"a {found.role} account may not do this")
    g.api_caller, g.api_action = found, allowed[0]


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    return value.strip() if kind.lower() == "bearer" else ""
