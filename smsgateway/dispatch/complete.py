"""Completing sends: record each message as it comes back, and the notice's outcome.

A message the provider accepted is recorded with its provider id, and any status report that
arrived before it (parked, smsgateway.delivery.reports) is applied at once. A message the
provider refused is recorded as failed with its error code and goes the one outcome path of
every provider error (smsgateway.delivery.outcomes); the table of codes decides whether the
same notice is tried again later. A call that raised something unexpected (a read timeout: the
request may have reached the provider) leaves the notice claimed with its lease run out, so
the lease sweep asks the provider whether it left.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from smsgateway.delivery.errors import ERRORS, error_of
from smsgateway.delivery.outcomes import apply_failure
from smsgateway.delivery.reports import apply_parked
from smsgateway.dispatch.prepare import Prepared
from smsgateway.dispatch.report import DispatchReport
from smsgateway.dispatch.send import Outcome
from smsgateway.models import Message, MessageStatusEvent, Notice
from smsgateway.notices import NoticeState
from smsgateway.transports.base import TemporaryFailure, TransportError

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


def complete_notices(
    session: Session,
    outcomes: list[Outcome],
    *,
    worker: str,
    now: datetime,
    report: DispatchReport,
    ended_at: datetime | None = None,
) -> None:
    """Record sent and refused messages and the outcome of notices this worker still holds.

    `ended_at` is when these calls ended (the round's `now` plus the time since): a call whose
    outcome is unknown ends its lease then, the end of the window in which the provider is asked.
    """
    rows: list[dict[str, Any]] = []
    sent: list[dict[str, Any]] = []
    refused: list[tuple[dict[str, Any], str]] = []
    for outcome in outcomes:
        item = outcome.prepared
        if outcome.result is not None:
            result = outcome.result
            sent.append(message_row(item, outcome.provider, result.provider_id, result.status, now))
            report.sent += 1
        elif outcome.error is not None:
            row, is_final = _failure_row(item, outcome.error, now, report)
            rows.append(row)
            if is_final:
                failed = message_row(item, outcome.provider, None, "failed", now)
                failed["error_code"] = outcome.error.code[:16]
                refused.append((failed, outcome.error.code))
        elif outcome.is_skipped:
            rows.append(_row(item, NoticeState.PLANNED, "not sent: the process was stopping"))
            report.released += 1
        else:
            reason = f"transport error: {outcome.unexpected}; asking the provider"
            rows.append(_row(item, NoticeState.CLAIMED, reason, lease_expires_at=ended_at or now))
            report.unknown += 1
    _mark_sent(session, [row["notice_id"] for row in sent], worker, now)
    _update_notices(session, rows, worker)
    if sent:
        insert_messages(session, sent, now)
        apply_parked(session, sent[0]["provider"], [m["provider_id"] for m in sent], now=now)
    if refused:
        ids = insert_messages(session, [row for row, _ in refused], now)
        for message_id, (_, code) in zip(ids, refused, strict=True):
            message = session.get(Message, message_id)
            if message is not None:
                apply_failure(session, message, error_of(code), now=now)


def _mark_sent(session: Session, notice_ids: list[int], worker: str, now: datetime) -> None:
    """Sent notices this worker still holds: one statement for all of them, as every sent notice
    takes the same values (one attempt more, its claim and lease ended)."""
    if not notice_ids:
        return
    table = _notices_table()
    session.execute(
        update(table)
        .where(table.c.id.in_(notice_ids), table.c.claimed_by == worker)
        .values(
            state=NoticeState.SENT.value,
            last_error="",
            sent_at=now,
            attempts=table.c.attempts + 1,
            lease_expires_at=None,
            claimed_by=None,
        )
    )


def _update_notices(session: Session, rows: list[dict[str, Any]], worker: str) -> None:
    """Notices that were not sent: each its own state, reason, attempts and due time."""
    if not rows:
        return
    table = _notices_table()
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.claimed_by == worker)
        .values(
            state=bindparam("b_state"),
            last_error=bindparam("b_error"),
            sent_at=bindparam("b_sent_at"),
            attempts=bindparam("b_attempts"),
            due_at=bindparam("b_due_at"),
            lease_expires_at=bindparam("b_lease"),
            claimed_by=None,
        ),
        rows,
    )


def _notices_table() -> Table:
    return Notice.metadata.tables[Notice.__tablename__]  # Core: no ORM work per row


def insert_messages(session: Session, messages: list[dict[str, Any]], now: datetime) -> list[int]:
    """Insert outbound messages and their first status event in two bulk statements.

    The ids come back with their notice's id and are matched on it (one message per notice in
    a call): asking the database to return them in the order of the rows instead made SQLite
    insert them one statement per row. The rows go in by notice id, so the messages of one
    completion are numbered in the order their notices were planned, whichever call ended first.
    """
    notice_ids = [row["notice_id"] for row in messages]
    if len(set(notice_ids)) == len(notice_ids) and None not in notice_ids:
        table = Message.metadata.tables[Message.__tablename__]  # Core: no ORM work per row
        in_order = sorted(messages, key=lambda row: row["notice_id"])
        returned = session.execute(
            insert(table).returning(table.c.id, table.c.notice_id), in_order
        ).all()
        by_notice = {notice_id: message_id for message_id, notice_id in returned}
        ids = [by_notice[notice_id] for notice_id in notice_ids]
    else:
        ids = list(
            session.scalars(
                insert(Message).returning(Message.id, sort_by_parameter_order=True), messages
            ).all()
        )
    # Each message's first event copies its status and error code as just inserted: one
    # INSERT ... SELECT over the new ids instead of one parameter set per event.
    table = Message.metadata.tables[Message.__tablename__]
    events = MessageStatusEvent.metadata.tables[MessageStatusEvent.__tablename__]
    session.execute(
        insert(events).from_select(
            ["message_id", "status", "error_code", "created_at"],
            select(
                table.c.id,
                table.c.delivery_status,
                table.c.error_code,
                literal(now, events.c.created_at.type),
            )
            .where(table.c.id.in_(ids))
            .order_by(table.c.id),
        )
    )
    return ids


def message_row(
    item: Prepared, provider: str, provider_id: str | None, status: str, now: datetime
) -> dict[str, Any]:
    """The row of an outbound message for a prepared notice."""
    outbound, rendered = item.outbound, item.rendered
    return {
        "direction": "out",
        "channel": outbound.channel,
        "phone_e164": outbound.to,
        "contact_point_id": item.contact_point_id,
        "returnee_id": item.returnee_id,
        "referral_id": item.referral_id,
        "notice_id": item.notice_id,
        "kind": outbound.kind,
        "provider": provider,
        "provider_id": provider_id,
        "body": rendered.text,
        "language": rendered.language,
        "encoding": rendered.encoding,
        "segments": rendered.segments,
        "delivery_status": status,
        "error_code": "",
        "intent": None,
        "created_at": now,
        "updated_at": now,
    }


def _row(
    item: Prepared,
    state: NoticeState,
    reason: str,
    *,
    sent_at: datetime | None = None,
    attempts: int | None = None,
    due_at: datetime | None = None,
    lease_expires_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "b_id": item.notice_id,
        "b_state": state.value,
        "b_error": reason[:200],
        "b_sent_at": sent_at,
        "b_attempts": item.attempts if attempts is None else attempts,
        "b_due_at": due_at or item.due_at,
        "b_lease": lease_expires_at,
    }


def _failure_row(
    item: Prepared, exc: TransportError, now: datetime, report: DispatchReport
) -> tuple[dict[str, Any], bool]:
    """Retry later with backoff when the table (or, for codes it lacks, the transport) says so;
    otherwise fail. True with the row when the failure is final."""
    attempts = item.attempts + 1
    reason = f"{type(exc).__name__} {exc.code}".strip()
    report.errors.append(reason)
    if exc.code in ERRORS:
        is_retried = ERRORS[exc.code].is_retried
    else:
        is_retried = isinstance(exc, TemporaryFailure)
    if is_retried and attempts < MAX_ATTEMPTS:
        report.retried += 1
        retry_after = exc.retry_after if isinstance(exc, TemporaryFailure) else None
        due_at = now + retry_delay(attempts, retry_after)
        return _row(item, NoticeState.PLANNED, reason, attempts=attempts, due_at=due_at), False
    report.failed += 1
    return _row(item, NoticeState.FAILED, reason, attempts=attempts), True


def retry_delay(attempts: int, retry_after: float | None = None) -> timedelta:
    """Exponential backoff with jitter, at least what the provider asked for."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempts - 1, 0)))
    delay = timedelta(seconds=random.uniform(ceiling.total_seconds() / 2, ceiling.total_seconds()))  # noqa: S311  (jitter, not security)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay
