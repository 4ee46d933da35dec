"""Console accounts: create, disable, set a password, authenticate, and name the acting user.

Passwords are hashed with Argon2id (argon2-cffi, RFC 9106 low-memory parameters). A login for an
unknown or disabled account verifies a dummy hash, so the answer and its timing do not tell
whether the account exists. Usernames never change: referral events record them.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.models import Partner, User
from smsgateway.permissions import Role

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")

#: The hasher every account uses; tests may swap in cheaper parameters of the same algorithm.
hasher = PasswordHasher()

#: Who acted: a console account, or the name of an actor without one (a command, the system).
Actor = User | str


@cache
def _dummy_hash(parameters: object) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def normalize_username(username: str) -> str:
    return username.strip().lower()


def create_user(
    session: Session,
    now: datetime,
    *,
    username: str,
    role: str,
    password: str,
    partner_id: int | None = None,
    language: str = "",
) -> User:
    """Add an account; a partner account names its organisation, no other role may."""
    name = normalize_username(username)
    if not _USERNAME.match(name):
        raise InvalidInput("username", "use 2-100 letters, digits, '.', '_', '@' or '-'")
    if role not in {r.value for r in Role}:
        raise InvalidInput(
            "role", "choose one of %(roles)s", roles=", ".join(r.value for r in Role)
        )
    _check_partner(session, role, partner_id)
    _check_password(password)
    if find_user(session, name) is not None:
        raise InvalidInput("username", "an account named '%(name)s' already exists", name=name)
    user = User(
        username=name,
        role=role,
        partner_id=partner_id,
        password_hash=hasher.hash(password),
        session_token=secrets.token_hex(16),
        language=language,
        is_active=True,
        created_at=now,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    return user


def _check_partner(session: Session, role: str, partner_id: int | None) -> None:
    if role == Role.PARTNER and partner_id is None:
        raise InvalidInput("partner", "a partner account names its organisation (--partner NAME)")
    if role != Role.PARTNER and partner_id is not None:
        raise InvalidInput("partner", "only partner accounts belong to a partner organisation")
    if partner_id is not None and session.get(Partner, partner_id) is None:
        raise InvalidInput("partner", "no partner with id %(id)s", id=partner_id)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "password", "use at least %(count)s characters", count=MIN_PASSWORD_LENGTH
        )


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).filter_by(username=normalize_username(username)))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def has_active_admin(session: Session) -> bool:
    query = select(User.id).filter_by(role=Role.ADMIN, is_active=True).limit(1)
    return session.scalar(query) is not None


def set_password(session: Session, user: User, password: str, *, now: datetime) -> None:
    """A new password; sessions opened with the old one end."""
    _check_password(password)
    user.password_hash = hasher.hash(password)
    user.password_changed_at = now
    user.session_token = secrets.token_hex(16)


def end_sessions(session: Session, user: User) -> None:
    """Every open session of the account ends, a copy of its cookie included (logging out)."""
    user.session_token = secrets.token_hex(16)


def disable_user(session: Session, user: User, *, now: datetime) -> None:
    """The account can no longer log in and its open sessions end; its history stays."""
    user.is_active = False
    user.session_token = secrets.token_hex(16)


def set_language(session: Session, user: User, language: str) -> None:
    user.language = language


def authenticate(session: Session, username: str, password: str, *, now: datetime) -> User | None:
    """The active account with this username and password, or None, taking the same time."""
    user = find_user(session, username)
    if user is None or not user.is_active:
        _verify(_dummy_hash(hasher), password)  # same work as for a real account
        return None
    if not _verify(user.password_hash, password):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = now
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def load_session_user(session: Session, session_id: str) -> User | None:
    """The account of a login session's id ("<user id>.<session token>"), if still valid."""
    user_id, _, token = session_id.partition(".")
    if not user_id.isdigit() or not token:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active:
        return None
    return user if hmac.compare_digest(user.session_token, token) else None


def actor_identity(actor: Actor) -> tuple[str, int | None]:
    """The name recorded for an actor and, for a console account, its id."""
    if isinstance(actor, User):
        return actor.username, actor.id
    return actor, None
