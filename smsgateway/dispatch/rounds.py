"""A dispatch round: claim a batch, prepare it, send it, record each outcome as it comes back."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from smsgateway.config import Settings
from smsgateway.db import Database
from smsgateway.dispatch.claim import LeaseKeeper, claim_due_notices, claim_limit
from smsgateway.dispatch.complete import complete_notices
from smsgateway.dispatch.prepare import prepare_notices
from smsgateway.dispatch.report import DispatchReport
from smsgateway.dispatch.send import Outcome, send_all
from smsgateway.ratelimit import SenderLimits, sender_limits
from smsgateway.transports.base import Transport

log = logging.getLogger(__name__)

# Outcomes are recorded at most this long after the first of them came back, so the provider id
# is durable a fraction of a second after the provider gave it and a crash leaves few sends
# unrecorded (the lease sweep asks the provider about those). A provider that answers at once
# (the local transport) fills a default batch of 200 in a few milliseconds: it is recorded in one
# transaction, not four (each commit is a write of the database file).
COMPLETE_EVERY = 200
RECORD_WITHIN_SECONDS = 0.2


def dispatch_due_notices(
    db: Database,
    transport: Transport,
    settings: Settings,
    *,
    now: datetime,
    limits: SenderLimits | None = None,
    stop: threading.Event | None = None,
) -> DispatchReport:
    """One dispatch round: claim a batch, prepare it, send it concurrently, complete it."""
    worker = f"w-{uuid.uuid4().hex[:12]}"
    report = DispatchReport()
    lease = timedelta(seconds=settings.lease_seconds)
    with db.transaction() as session:
        ids = claim_due_notices(
            session, now=now, limit=claim_limit(settings), lease=lease, worker=worker
        )
    report.claimed = len(ids)
    if not ids:
        return report
    keeper = LeaseKeeper(db, worker, lease, now)
    with db.transaction() as session:
        prepared = prepare_notices(session, ids, settings, worker=worker, now=now, report=report)
    limits = limits or sender_limits(
        db.engine, settings.send_rate_per_second, settings.send_window_seconds
    )
    pending: list[Outcome] = []
    first_back = 0.0
    for outcome in send_all(transport, prepared, limits, settings.dispatch_concurrency, stop):
        if outcome is not None:
            first_back = first_back or time.monotonic()
            pending.append(outcome)
        if pending and (
            len(pending) >= COMPLETE_EVERY or time.monotonic() - first_back >= RECORD_WITHIN_SECONDS
        ):
            _complete(db, pending, worker=worker, now=now, report=report, ended_at=keeper.now())
            pending, first_back = [], 0.0
        keeper.renew_if_due()
    if pending:
        _complete(db, pending, worker=worker, now=now, report=report, ended_at=keeper.now())
    _log(report)
    return report


def _complete(
    db: Database,
    outcomes: list[Outcome],
    *,
    worker: str,
    now: datetime,
    report: DispatchReport,
    ended_at: datetime,
) -> None:
    with db.transaction() as session:
        complete_notices(
            session, outcomes, worker=worker, now=now, report=report, ended_at=ended_at
        )


def _log(report: DispatchReport) -> None:
    log.info(
        "dispatch: claimed=%d sent=%d retried=%d failed=%d expired=%d cancelled=%d deferred=%d "
        "review=%d unknown=%d released=%d",
        report.claimed,
        report.sent,
        report.retried,
        report.failed,
        report.expired,
        report.cancelled,
        report.deferred,
        report.review,
        report.unknown,
        report.released,
    )


def dispatch_until_idle(
    db: Database,
    transport: Transport,
    settings: Settings,
    *,
    clock: Callable[[], datetime],
    max_rounds: int = 1000,
    stop: threading.Event | None = None,
) -> DispatchReport:
    """Dispatch rounds, each at `clock()`, until a round finds less than a full batch (or the
    process is stopping)."""
    total = DispatchReport()
    for _ in range(max_rounds):
        if stop is not None and stop.is_set():
            break
        report = dispatch_due_notices(db, transport, settings, now=clock(), stop=stop)
        total.add(report)
        if report.claimed < claim_limit(settings):
            break
    return total
