"""The login rate limit: failed attempts counted in the database, per username and per address.

The count lives in the database rather than in process memory (Flask-Limiter's default storage)
so that it holds across gunicorn workers and machines with no extra server: SQLite or PostgreSQL
already are the shared state. Unknown usernames are counted like real ones, so being limited
says nothing about whether an account exists.

- per username: `PER_ACCOUNT` failures within `WINDOW` since that username's last success;
- per address: `PER_ADDRESS` failures within `WINDOW` (an office behind one address shares it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from smsgateway.models import LoginAttempt
from smsgateway.users import normalize_username

PER_ACCOUNT = 5
PER_ADDRESS = 30
WINDOW = timedelta(minutes=15)
KEEP = timedelta(days=30)  # attempts older than this are deleted


def is_login_blocked(session: Session, username: str, address: str, *, now: datetime) -> bool:
    """Whether this username or this address has failed too often lately."""
    name = normalize_username(username)[:100]
    last_success = session.scalar(
        select(func.max(LoginAttempt.created_at)).filter_by(username=name, is_success=True)
    )
    since = max(now - WINDOW, last_success) if last_success else now - WINDOW
    return (
        _failures(session, since, LoginAttempt.username == name) >= PER_ACCOUNT
        or _failures(session, now - WINDOW, LoginAttempt.address == address) >= PER_ADDRESS
    )


def _failures(session: Session, since: datetime, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(LoginAttempt)
    query = query.where(LoginAttempt.is_success.is_(False), LoginAttempt.created_at > since)
    return session.scalar(query.where(*where)) or 0


def record_login_attempt(
    session: Session, username: str, address: str, *, is_success: bool, now: datetime
) -> None:
    """Count one attempt, and forget attempts older than `KEEP`."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - KEEP))
    session.add(
        LoginAttempt(
            username=normalize_username(username)[:100],
            address=address[:64],
            is_success=is_success,
            created_at=now,
        )
    )
