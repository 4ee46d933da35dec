"""Claiming due notices for one worker, and keeping the claim alive while the batch is sent."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smsgateway.config import Settings
from smsgateway.db import Database
from smsgateway.models import Notice
from smsgateway.notices import NoticeState


def claim_limit(settings: Settings) -> int:
    """Batch size, small enough that a rate-limited batch finishes well inside its lease."""
    limit = settings.dispatch_batch_size
    if settings.send_rate_per_second > 0:
        limit = min(limit, int(settings.send_rate_per_second * settings.lease_seconds / 2))
    return max(limit, 1)


def claim_due_notices(
    session: Session, *, now: datetime, limit: int, lease: timedelta, worker: str
) -> list[int]:
    """Mark up to `limit` due notices as claimed by `worker` and return their ids.

    On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets many workers claim side by side without
    waiting on each other; SQLite has one writer at a time, so the guarded UPDATE is enough.
    """
    due = (
        select(Notice.id)
        .where(Notice.state == NoticeState.PLANNED, Notice.due_at <= now)
        .order_by(Notice.due_at, Notice.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # No second `state` test outside the subquery: the subquery already re-checks locked rows
    # (PostgreSQL) or runs in the same write (SQLite), and the extra test made SQLite scan every
    # planned notice instead of fetching the claimed ids by key.
    claimed = session.scalars(
        update(Notice)
        .where(Notice.id.in_(due.scalar_subquery()))
        .values(
            state=NoticeState.CLAIMED,
            claimed_by=worker,
            claimed_at=now,
            lease_expires_at=now + lease,
        )
        .returning(Notice.id),
        execution_options={"synchronize_session": False},
    )
    return sorted(claimed)


def renew_leases(session: Session, *, worker: str, until: datetime) -> int:
    """Extend the lease of every notice `worker` still holds; how many."""
    result = session.execute(
        update(Notice)
        .where(Notice.claimed_by == worker, Notice.state == NoticeState.CLAIMED)
        .values(lease_expires_at=until),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult has rowcount


class LeaseKeeper:
    """Renews a batch's lease every third of the lease while the batch is being sent.

    A batch slower than its lease (a slow provider, a low rate cap) would otherwise look
    abandoned to the lease sweep and be settled while its sends are still going out. The time
    is the round's `now` plus the time elapsed since, so a round run at a fixed `now` (tests)
    stays reproducible.
    """

    def __init__(self, db: Database, worker: str, lease: timedelta, started_at: datetime) -> None:
        self.db = db
        self.worker = worker
        self.lease = lease
        self.started_at = started_at
        self._started = time.monotonic()
        self._renewed = self._started
        self.renewals = 0

    def now(self) -> datetime:
        return self.started_at + timedelta(seconds=time.monotonic() - self._started)

    def renew_if_due(self) -> None:
        """Renew when a third of the lease has passed since the claim or the last renewal."""
        if time.monotonic() - self._renewed < self.lease.total_seconds() / 3:
            return
        with self.db.transaction() as session:
            renew_leases(session, worker=self.worker, until=self.now() + self.lease)
        self._renewed = time.monotonic()
        self.renewals += 1
