"""Status reports (the provider's status callbacks, once parsed): applied once, never lost.

A report moves a message forward only (a late `sent` never replaces `delivered`) and is kept in
the message's delivery history once. A report about a message or call not recorded yet (the
provider may answer faster than the dispatcher writes its rows) is parked, not dropped: it is
applied, in arrival order, as soon as the message is recorded (by the dispatcher, or by the
lease sweep when it finds the message at the provider), and the periodic sweep applies those
whose message appeared meanwhile. A parked report whose message never appears is dropped after
a day, with a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from smsgateway.delivery.errors import call_outcome, error_of
from smsgateway.delivery.outcomes import apply_delivered, apply_failure
from smsgateway.models import Message, MessageStatusEvent, ParkedCallback

log = logging.getLogger(__name__)

#: Message statuses by progress; a status never replaces one of a higher rank.
STATUS_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "read": 4,
}
#: Call statuses that end a call; the others (ringing, in-progress) change nothing.
CALL_FINAL = ("completed", "busy", "no-answer", "failed", "canceled")
PARKED_FOR = timedelta(days=1)
SWEEP_BATCH = 1000


@dataclass(frozen=True)
class StatusReport:
    """One status callback as parsed from the provider's request."""

    provider: str
    provider_id: str
    status: str
    error_code: str = ""
    kind: str = "message"  # "message" | "call"
    answered_by: str = ""

    @property
    def is_known(self) -> bool:
        statuses = CALL_FINAL if self.kind == "call" else STATUS_RANK
        return bool(self.provider_id) and self.status in statuses


@dataclass
class ParkedSweep:
    applied: int = 0
    expired: int = 0


def record_status_report(session: Session, report: StatusReport, *, now: datetime) -> str:
    """Apply a report to its message, or park it; "applied", "repeated", "parked", "ignored"."""
    if not report.is_known:
        return "ignored"
    message = _message(session, report.provider, report.provider_id)
    if message is None:
        session.add(
            ParkedCallback(
                provider=report.provider,
                provider_id=report.provider_id,
                kind=report.kind,
                status=report.status,
                error_code=report.error_code[:16],
                answered_by=report.answered_by[:32],
                received_at=now,
            )
        )
        log.info("%s status %r parked until its message is recorded", report.kind, report.status)
        return "parked"
    return "applied" if _apply(session, message, report, now=now) else "repeated"


def apply_message_status(
    session: Session, message: Message, status: str, error_code: str, *, now: datetime
) -> bool:
    """Add the status to the history once and move the message forward; True when it moved."""
    seen = {(event.status, event.error_code) for event in message.status_events}
    if (status, error_code) in seen:
        return False
    message.status_events.append(
        MessageStatusEvent(status=status, error_code=error_code, created_at=now)
    )
    if STATUS_RANK[status] <= STATUS_RANK.get(message.delivery_status, 0):
        return False
    message.delivery_status = status
    message.error_code = error_code
    message.updated_at = now
    session.flush()
    if status in ("delivered", "read"):
        apply_delivered(session, message, now=now)
    elif status in ("undelivered", "failed"):
        apply_failure(session, message, error_of(error_code), now=now)
    return True


def apply_call_status(
    session: Session, message: Message, status: str, answered_by: str, *, now: datetime
) -> bool:
    """A call ended: answered by a person counts as delivered, else escalate; applied once."""
    if any(event.status in CALL_FINAL for event in message.status_events):
        return False
    message.status_events.append(
        MessageStatusEvent(status=status, error_code=answered_by[:16], created_at=now)
    )
    outcome = call_outcome(status, answered_by)
    message.delivery_status = "delivered" if outcome is None else "undelivered"
    message.updated_at = now
    session.flush()
    if outcome is None:
        apply_delivered(session, message, now=now)
    else:
        apply_failure(session, message, outcome, now=now)
    return True


def apply_parked(
    session: Session, provider: str, provider_ids: Iterable[str], *, now: datetime
) -> int:
    """Apply, in arrival order, parked reports for messages just recorded; how many."""
    wanted = [sid for sid in set(provider_ids) if sid]
    if not wanted:
        return 0
    parked = list(
        session.scalars(
            select(ParkedCallback)
            .where(ParkedCallback.provider == provider, ParkedCallback.provider_id.in_(wanted))
            .order_by(ParkedCallback.id)
            .with_for_update(skip_locked=True)
        )
    )
    return _apply_rows(session, parked, now=now)


def sweep_parked(session: Session, *, now: datetime) -> ParkedSweep:
    """Apply parked reports whose message has appeared; drop those older than a day."""
    report = ParkedSweep()
    # Rows another transaction is applying (PostgreSQL row locks) are left to it.
    parked = list(
        session.scalars(
            select(ParkedCallback)
            .order_by(ParkedCallback.id)
            .limit(SWEEP_BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    report.applied = _apply_rows(session, parked, now=now)
    result = session.execute(
        delete(ParkedCallback).where(ParkedCallback.received_at < now - PARKED_FOR),
        execution_options={"synchronize_session": False},
    )
    report.expired = int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult
    if report.expired:
        log.warning(
            "parked status callbacks: %d dropped after a day without their message",
            report.expired,
        )
    return report


def _apply_rows(session: Session, parked: list[ParkedCallback], *, now: datetime) -> int:
    applied = 0
    messages: dict[tuple[str, str], Message | None] = {}
    for row in parked:
        key = (row.provider, row.provider_id)
        if key not in messages:
            messages[key] = _message(session, *key)
        message = messages[key]
        if message is None:
            continue
        report = StatusReport(
            row.provider, row.provider_id, row.status, row.error_code, row.kind, row.answered_by
        )
        _apply(session, message, report, now=now)
        session.delete(row)
        applied += 1
    session.flush()
    return applied


def _apply(session: Session, message: Message, report: StatusReport, *, now: datetime) -> bool:
    if report.kind == "call":
        return apply_call_status(session, message, report.status, report.answered_by, now=now)
    return apply_message_status(session, message, report.status, report.error_code, now=now)


def _message(session: Session, provider: str, provider_id: str) -> Message | None:
    return session.scalar(select(Message).filter_by(provider=provider, provider_id=provider_id))
