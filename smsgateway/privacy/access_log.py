"""The access log: one append-only row per view, export, erasure, refusal or failed login.

Faces (console, API, commands) call `record_access` with what was seen, by id only: the log
itself must hold nothing that an erasure would have to remove. The table refuses UPDATE and
DELETE (triggers of migration 0013), so nobody edits their tracks through the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from smsgateway.models import AccessLogEntry, User

#: At most this many ids are kept per entry (a CSV export of everything names its count).
MAX_IDS = 1_000


class AccessEvent(StrEnum):
    VIEW = "view"
    EXPORT = "export"
    ERASE = "erase"
    LOGIN_FAILED = "login_failed"
    REFUSED = "refused"


class Face(StrEnum):
    CONSOLE = "console"
    API = "api"
    CLI = "cli"
    SYSTEM = "system"  # the retention job


@dataclass
class Seen:
    """What one request or command saw, gathered before it is written as one entry."""

    event: AccessEvent = AccessEvent.VIEW
    kinds: dict[str, list[int]] = field(default_factory=dict)
    returnee_ids: set[int] = field(default_factory=set)
    referral_ids: set[int] = field(default_factory=set)

    def add(
        self,
        kind: str,
        ids: Sequence[int],
        *,
        returnee_id: int | None = None,
        referral_id: int | None = None,
    ) -> None:
        known = self.kinds.setdefault(kind, [])
        known.extend(i for i in ids if i not in known)
        if returnee_id is not None:
            self.returnee_ids.add(returnee_id)
        if referral_id is not None:
            self.referral_ids.add(referral_id)
        if kind == "returnee" and len(ids) == 1:
            self.returnee_ids.add(ids[0])
        if kind == "referral" and len(ids) == 1:
            self.referral_ids.add(ids[0])

    @property
    def is_empty(self) -> bool:
        return not any(self.kinds.values())


def record_seen(
    session: Session,
    seen: Seen,
    *,
    now: datetime,
    face: Face,
    user: User | None,
    user_id: int | None = None,
    username: str = "",
    endpoint: str = "",
    request_id: str = "",
    address: str = "",
) -> AccessLogEntry:
    """Write what a request saw as one entry; the first kind seen names the subject."""
    kind = next((k for k, ids in seen.kinds.items() if ids), "")
    ids = seen.kinds.get(kind, [])
    return record_access(
        session,
        now=now,
        event=seen.event,
        face=face,
        user=user,
        user_id=user_id,
        username=username,
        subject_kind=kind,
        subject_ids=ids,
        returnee_id=_single(seen.returnee_ids),
        referral_id=_single(seen.referral_ids),
        endpoint=endpoint,
        request_id=request_id,
        address=address,
    )


def _single(ids: set[int]) -> int | None:
    return next(iter(ids)) if len(ids) == 1 else None


def record_access(
    session: Session,
    *,
    now: datetime,
    event: AccessEvent,
    face: Face,
    user: User | None,
    user_id: int | None = None,
    username: str = "",
    subject_kind: str = "",
    subject_ids: Sequence[int] = (),
    returnee_id: int | None = None,
    referral_id: int | None = None,
    endpoint: str = "",
    request_id: str = "",
    address: str = "",
) -> AccessLogEntry:
    """Append one entry to the access log (in `session`'s transaction)."""
    entry = AccessLogEntry(
        created_at=now,
        event=event,
        face=face,
        user_id=user.id if user is not None else user_id,
        username=(user.username if user is not None else username)[:100],
        subject_kind=subject_kind[:16],
        subject_ids=list(subject_ids)[:MAX_IDS],
        returnee_id=returnee_id,
        referral_id=referral_id,
        endpoint=endpoint[:100],
        request_id=request_id[:64],
        address=address[:64],
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AccessFilter:
    """What the admin page narrows the log to; empty fields do not narrow."""

    returnee_id: int | None = None
    referral_id: int | None = None
    username: str = ""
    event: str = ""

    def apply(self, query: Select[tuple[AccessLogEntry]]) -> Select[tuple[AccessLogEntry]]:
        if self.returnee_id is not None:
            query = query.where(AccessLogEntry.returnee_id == self.returnee_id)
        if self.referral_id is not None:
            query = query.where(AccessLogEntry.referral_id == self.referral_id)
        if self.username:
            query = query.where(AccessLogEntry.username == self.username)
        if self.event:
            query = query.where(AccessLogEntry.event == self.event)
        return query


def list_access(
    session: Session, filters: AccessFilter, *, limit: int = 200, before_id: int | None = None
) -> list[AccessLogEntry]:
    """The newest entries first, narrowed by `filters`, older than `before_id` if given."""
    query = filters.apply(select(AccessLogEntry))
    if before_id is not None:
        query = query.where(AccessLogEntry.id < before_id)
    return list(session.scalars(query.order_by(AccessLogEntry.id.desc()).limit(limit)))
