"""API tokens: create (shown once), list, revoke, and find the token of a request.

A token is 32 random bytes (`sgw_` + URL-safe base64). Only its SHA-256 digest is stored: with
that much randomness a fast digest cannot be reversed by guessing, and a lookup by digest takes
the same time whichever token is tried, so no slow password hash is needed. A token acts as its
account (role, partner organisation); a disabled account's tokens are refused.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from smsgateway.errors import InvalidInput
from smsgateway.models import ApiToken, User

PREFIX = "sgw_"
SHOWN_PREFIX_LENGTH = 12
#: `last_used_at` is written at most this often per token, so reads stay reads.
LAST_USE_RESOLUTION = timedelta(minutes=1)


class TokenScope(StrEnum):
    READ = "read"  # GET requests only
    WRITE = "write"  # reads and changes


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the token itself: shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    session: Session, now: datetime, *, user: User, scope: str, name: str = ""
) -> NewToken:
    """A new token for an active account; the secret is in the result and nowhere else."""
    if scope not in set(TokenScope):
        raise InvalidInput("scope", "choose read or write")
    if not user.is_active:
        raise InvalidInput("user", "the account %(name)s is disabled", name=user.username)
    if len(name) > 100:
        raise InvalidInput("name", "use at most 100 characters")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        scope=scope,
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        token_hash=digest(secret),
        created_at=now,
    )
    session.add(token)
    session.flush()
    return NewToken(token, secret)


def list_tokens(session: Session, user: User | None = None) -> list[ApiToken]:
    query = select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def revoke_token(session: Session, token: ApiToken, *, now: datetime) -> bool:
    """Refuse the token from now on; False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    session.flush()
    return True


def find_token(session: Session, id_or_prefix: str) -> ApiToken | None:
    """A token by its id or by the first characters shown in `api token list`."""
    text = id_or_prefix.strip()
    if text.isdigit():
        return session.get(ApiToken, int(text))
    if len(text) < len(PREFIX) + 4:
        return None
    matches = list(session.scalars(select(ApiToken).where(ApiToken.prefix.startswith(text))))
    return matches[0] if len(matches) == 1 else None


def authenticate_token(session: Session, secret: str, *, now: datetime) -> ApiToken | None:
    """The live token with this secret (its account active), recording its use; else None."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(
        select(ApiToken).options(joinedload(ApiToken.user)).filter_by(token_hash=digest(secret))
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        token.last_used_at = now
    return token
