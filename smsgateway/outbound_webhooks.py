"""Outbound webhook: every referral event posted as signed JSON to a case-management system.

A delivery row is written in the same transaction as its referral event (in the same flush, or
right after an event written through Core: `record_delivery`), so an event is never committed
without it. A periodic job posts pending deliveries in order per
referral (a later event waits until the earlier one is delivered) and retries failures with
exponential backoff. After `outbound_webhook_give_up_hours` without success a delivery is
given up: `failed`, with its last error, and the later events of its referral with it (sending
them would break the order); the console shows the failure and `replay_failed_deliveries` puts
them back in line. Payload and signature: docs/outbound-webhooks.md.

    pending ──2xx──▶ delivered
       └──give-up time passed, or an earlier event of the referral failed──▶ failed
    failed ──replay──▶ pending
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import event, exists, func, insert, select
from sqlalchemy.orm import Session, aliased

from smsgateway.config import Settings
from smsgateway.db import Database
from smsgateway.models import ReferralEvent, WebhookDelivery
from smsgateway.users import Actor, actor_identity

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Smsgateway-Signature"
TIMESTAMP_HEADER = "X-Smsgateway-Timestamp"
DELIVERY_HEADER = "X-Smsgateway-Delivery"
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
TIMEOUT_SECONDS = 10.0
BATCH_SIZE = 200
BLOCKED = "an earlier event of this referral was not delivered"


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0  # attempts that failed this run
    given_up: int = 0


@dataclass(frozen=True)
class FailedDeliveries:
    """What the console shows while deliveries are given up: how many, and the latest error."""

    count: int
    last_error: str = ""
    last_failed_at: datetime | None = None


def enable_outbound_webhooks(db: Database, settings: Settings) -> bool:
    """Give every referral event flushed through `db` a delivery row, when a URL is set."""
    if not settings.outbound_webhook_url:
        return False
    if not event.contains(db.sessions, "after_flush", _record_deliveries):
        event.listen(db.sessions, "after_flush", _record_deliveries)
    return True


def records_deliveries(session: Session) -> bool:
    """Whether referral events flushed by `session` get a delivery row (`enable_outbound_webhooks`
    listened on the session factory that made it)."""
    return any(listener is _record_deliveries for listener in session.dispatch.after_flush)


def record_delivery(session: Session, event_id: int, referral_id: int, at: datetime) -> None:
    """The delivery row of one referral event written without the ORM (one INSERT), as
    `_record_deliveries` writes it for the events a flush inserted."""
    session.connection().execute(insert(WebhookDelivery), _delivery_row(event_id, referral_id, at))


def _record_deliveries(session: Session, _context: Any) -> None:
    """After a flush, `session.new` still lists what it inserted, now with ids."""
    events = sorted(
        (obj for obj in session.new if isinstance(obj, ReferralEvent)), key=lambda e: e.id
    )
    if not events:
        return
    rows = [_delivery_row(e.id, e.referral_id, e.created_at) for e in events]
    session.connection().execute(insert(WebhookDelivery), rows)


def _delivery_row(event_id: int, referral_id: int, at: datetime) -> dict[str, Any]:
    """A pending delivery of one referral event, first tried at once."""
    return {
        "referral_event_id": event_id,
        "referral_id": referral_id,
        "state": DeliveryState.PENDING,
        "attempts": 0,
        "next_attempt_at": at,
        "last_error": "",
        "created_at": at,
    }


def event_payload(referral_event: ReferralEvent) -> dict[str, Any]:
    """What the receiver gets for one event: identifiers and statuses, never phones or texts."""
    referral = referral_event.referral
    return {
        "type": "referral_event",
        "event_id": referral_event.id,
        "referral_id": referral.id,
        "referral_reference": referral.reference,
        "returnee_case_reference": referral.returnee.case_reference,
        "partner_id": referral.partner_id,
        "old_status": referral_event.old_status,
        "new_status": referral_event.new_status,
        "source": referral_event.source,
        "actor": referral_event.actor,
        "note": referral_event.note,
        "message_id": referral_event.message_id,
        "created_at": referral_event.created_at.isoformat(),
    }


def encode_payload(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<raw body>` with the shared secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min... at most an hour."""
    return min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempts - 1, 0)))


def deliver_pending_webhooks(db: Database, settings: Settings, *, now: datetime) -> DeliveryReport:
    """Post due deliveries, oldest first; a referral whose delivery fails waits for its retry."""
    report = DeliveryReport()
    if not settings.outbound_webhook_url:
        return report
    with db.transaction() as session:
        report.given_up = give_up_overdue(
            session, now=now, after=timedelta(hours=settings.outbound_webhook_give_up_hours)
        )
    waiting: set[int] = set()
    for _ in range(BATCH_SIZE):
        with db.transaction() as session:
            delivery = _next_due(session, now, waiting)
            if delivery is None:
                break
            delivery_id, referral_id = delivery.id, delivery.referral_id
            body = encode_payload(event_payload(_event_of(session, delivery)))
        error = _post(settings, delivery_id, body, now)
        with db.transaction() as session:
            _record_attempt(session, delivery_id, error, now)
        if error:
            waiting.add(referral_id)
            report.failed += 1
        else:
            report.delivered += 1
    return report


def give_up_overdue(session: Session, *, now: datetime, after: timedelta) -> int:
    """Fail deliveries pending longer than `after`, and those queued behind a failed one."""
    overdue = list(
        session.scalars(
            select(WebhookDelivery)
            .where(
                WebhookDelivery.state == DeliveryState.PENDING,
                func.coalesce(WebhookDelivery.replayed_at, WebhookDelivery.created_at)
                <= now - after,
            )
            .order_by(WebhookDelivery.id)
        )
    )
    stopped: set[int] = set()  # referrals whose earlier event was just given up
    for delivery in overdue:
        reason = delivery.last_error or "never attempted"
        _fail(delivery, BLOCKED if delivery.referral_id in stopped else reason, now)
        stopped.add(delivery.referral_id)
    session.flush()
    earlier = aliased(WebhookDelivery)
    blocked = list(
        session.scalars(
            select(WebhookDelivery).where(
                WebhookDelivery.state == DeliveryState.PENDING,
                exists().where(
                    earlier.referral_id == WebhookDelivery.referral_id,
                    earlier.state == DeliveryState.FAILED,
                    earlier.id < WebhookDelivery.id,
                ),
            )
        )
    )
    for delivery in blocked:
        _fail(delivery, BLOCKED, now)
    given_up = len(overdue) + len(blocked)
    if given_up:
        log.error(
            "outbound webhook: %d deliveries given up; replay them from the console", given_up
        )
    return given_up


def _fail(delivery: WebhookDelivery, reason: str, now: datetime) -> None:
    delivery.state = DeliveryState.FAILED
    delivery.failed_at = now
    delivery.last_error = reason[:200]


def replay_failed_deliveries(
    session: Session, *, now: datetime, actor: Actor, delivery_ids: list[int] | None = None
) -> int:
    """Put failed deliveries (all, or these) back in line, due now, in their order; how many."""
    query = select(WebhookDelivery).where(WebhookDelivery.state == DeliveryState.FAILED)
    if delivery_ids is not None:
        query = query.where(WebhookDelivery.id.in_(delivery_ids))
    replayed = list(session.scalars(query))
    for delivery in replayed:
        delivery.state = DeliveryState.PENDING
        delivery.next_attempt_at = now
        delivery.replayed_at = now
        delivery.failed_at = None
    session.flush()
    log.info(
        "outbound webhook: %d failed deliveries replayed by %s",
        len(replayed),
        actor_identity(actor)[0],
    )
    return len(replayed)


def failed_deliveries(session: Session) -> FailedDeliveries:
    """How many deliveries are given up, with the latest one's error (for the console alert)."""
    count = session.scalar(
        select(func.count()).where(WebhookDelivery.state == DeliveryState.FAILED)
    )
    if not count:
        return FailedDeliveries(0)
    latest = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.state == DeliveryState.FAILED)
        .order_by(WebhookDelivery.failed_at.desc(), WebhookDelivery.id.desc())
        .limit(1)
    ).first()
    assert latest is not None  # noqa: S101  (counted above, in the same transaction)
    return FailedDeliveries(int(count), latest.last_error, latest.failed_at)


def _next_due(session: Session, now: datetime, waiting: set[int]) -> WebhookDelivery | None:
    earlier = aliased(WebhookDelivery)
    has_earlier = exists().where(
        earlier.referral_id == WebhookDelivery.referral_id,
        earlier.state == DeliveryState.PENDING,
        earlier.id < WebhookDelivery.id,
    )
    query = select(WebhookDelivery).where(
        WebhookDelivery.state == DeliveryState.PENDING,
        WebhookDelivery.next_attempt_at <= now,
        ~has_earlier,
    )
    if waiting:
        query = query.where(WebhookDelivery.referral_id.not_in(waiting))
    return session.scalars(query.order_by(WebhookDelivery.id).limit(1)).first()


def _event_of(session: Session, delivery: WebhookDelivery) -> ReferralEvent:
    found = session.get(ReferralEvent, delivery.referral_event_id)
    if found is None:  # the foreign key makes this impossible
        raise LookupError(f"delivery {delivery.id} has no referral event")
    return found


def _post(settings: Settings, delivery_id: int, body: bytes, now: datetime) -> str:
    """POST the body; an empty string on a 2xx answer, else what went wrong."""
    timestamp = str(int(now.timestamp()))
    request = urllib.request.Request(  # noqa: S310  (the URL is the operator's own setting)
        settings.outbound_webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(settings.outbound_webhook_secret, timestamp, body),
            TIMESTAMP_HEADER: timestamp,
            DELIVERY_HEADER: str(delivery_id),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  (as above)
            response.read()
            return ""
    except urllib.error.HTTPError as exc:
        exc.close()
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return type(exc).__name__


def _record_attempt(session: Session, delivery_id: int, error: str, now: datetime) -> None:
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    if error:
        delivery.last_error = error[:200]
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        log.warning("outbound webhook delivery %d failed: %s", delivery_id, error)
        return
    delivery.state = DeliveryState.DELIVERED
    delivery.delivered_at = now
    delivery.last_error = ""
