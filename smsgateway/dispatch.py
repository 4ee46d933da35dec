"""Claim due notices, render, send through the transport, complete; retry or expire.

Claim, send, complete (DESIGN.md): a notice is claimed (state + lease) in its own committed
transaction before the provider call, and completed in another after it. A crash between the two
leaves a claimed notice whose lease runs out; `resolve_expired_leases` settles it.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smsgateway.config import Settings
from smsgateway.content.languages import fallback_chain
from smsgateway.content.rendering import Rendered, render_message
from smsgateway.db import Database
from smsgateway.models import Message, MessageStatusEvent, Notice
from smsgateway.notices import IMMEDIATE_KINDS, NoticeState
from smsgateway.returnees import is_opted_out
from smsgateway.transports.base import (
    OutboundMessage,
    TemporaryFailure,
    Transport,
    TransportError,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)


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
    session.execute(
        update(Notice)
        .where(Notice.id.in_(due.scalar_subquery()), Notice.state == NoticeState.PLANNED)
        .values(state=NoticeState.CLAIMED, claimed_by=worker, lease_expires_at=now + lease),
        execution_options={"synchronize_session": False},
    )
    claimed = select(Notice.id).where(
        Notice.claimed_by == worker, Notice.state == NoticeState.CLAIMED
    )
    return list(session.scalars(claimed))


def dispatch_due_notices(
    db: Database, transport: Transport, settings: Settings, *, now: datetime
) -> DispatchReport:
    """One dispatch round: claim a batch, then send and complete each notice."""
    worker = f"w-{uuid.uuid4().hex[:12]}"
    report = DispatchReport()
    with db.transaction() as session:
        ids = claim_due_notices(
            session,
            now=now,
            limit=settings.dispatch_batch_size,
            lease=timedelta(seconds=settings.lease_seconds),
            worker=worker,
        )
    report.claimed = len(ids)
    for notice_id in ids:
        send_claimed_notice(db, transport, settings, notice_id, now=now, report=report)
    if ids:
        log.info(
            "dispatch: claimed=%d sent=%d retried=%d failed=%d expired=%d cancelled=%d",
            report.claimed,
            report.sent,
            report.retried,
            report.failed,
            report.expired,
            report.cancelled,
        )
    return report


def send_claimed_notice(
    db: Database,
    transport: Transport,
    settings: Settings,
    notice_id: int,
    *,
    now: datetime,
    report: DispatchReport,
) -> None:
    """Send one claimed notice and record the outcome in its own transaction."""
    with db.transaction() as session:
        notice = session.get(Notice, notice_id)
        if notice is None or notice.state != NoticeState.CLAIMED:
            return
        skip = _reason_not_to_send(notice, now)
        if skip is not None:
            state, reason = skip
            _finish(notice, state, reason)
            report.expired += state == NoticeState.EXPIRED
            report.cancelled += state == NoticeState.CANCELLED
            return
        try:
            rendered = render_notice(notice, settings)
        except Exception as exc:  # a template bug must not block the rest of the batch
            log.exception("dispatch: notice %d failed to render", notice.id)
            _finish(notice, NoticeState.FAILED, f"render error: {type(exc).__name__}")
            report.failed += 1
            return
        outbound = OutboundMessage(
            to=recipient_phone(notice),
            channel=notice.channel,
            body=rendered.text,
            kind=notice.kind,
            language=rendered.language,
            reference=f"notice-{notice.id}",
        )
    try:
        result = transport.send(outbound)
    except TransportError as exc:
        _record_failure(db, notice_id, exc, now=now, report=report)
        return
    with db.transaction() as session:
        notice = session.get_one(Notice, notice_id)
        _record_sent(session, notice, outbound, rendered, result.provider_id, result.status, now)
        report.sent += 1


def _reason_not_to_send(notice: Notice, now: datetime) -> tuple[NoticeState, str] | None:
    if notice.expires_at is not None and notice.expires_at <= now:
        return NoticeState.EXPIRED, "too late to be useful"
    if notice.kind in IMMEDIATE_KINDS or notice.returnee is None:
        return None
    if is_opted_out(notice.returnee, notice.channel):
        return NoticeState.CANCELLED, "opted out"
    return None


def recipient_phone(notice: Notice) -> str:
    if notice.contact_point is not None:
        return notice.contact_point.phone_e164
    return notice.recipient_phone or ""


def render_notice(notice: Notice, settings: Settings) -> Rendered:
    """Render a notice in its recipient's language chain and time zone."""
    returnee = notice.returnee
    referral = notice.referral
    languages = fallback_chain(
        notice.language,
        returnee.language_chain[1:] if returnee else (),
        default=settings.default_language,
    )
    context: dict[str, object] = {"office_phone": settings.office_phone}
    if returnee is not None and not (notice.contact_point and notice.contact_point.is_proxy):
        context["first_name"] = returnee.first_name
    if returnee is not None and notice.contact_point is not None and notice.contact_point.is_proxy:
        context["proxy_for"] = returnee.first_name
    if referral is not None:
        context.update(
            reference=referral.reference,
            partner_name=referral.partner.message_name,
            place=referral.appointment_place,
            appointment_at=referral.appointment_at,
        )
        if not referral.is_sensitive:
            context["service"] = referral.service_category
    context.update(_payload_context(notice))
    return render_message(
        notice.kind,
        channel=notice.channel,
        languages=languages,
        time_zone=returnee.time_zone if returnee else settings.default_time_zone,
        is_sensitive=bool(referral and referral.is_sensitive),
        context=context,
    )


def _payload_context(notice: Notice) -> dict[str, object]:
    """The notice's own content, with referral ids turned into what a message may show."""
    payload = dict(notice.payload or {})
    ids = payload.pop("referral_ids", None)
    if ids:
        from smsgateway.models import Referral

        rows = [r for r in (notice_session(notice).get(Referral, i) for i in ids) if r]
        payload["referrals"] = [
            {
                "reference": r.reference,
                "partner_name": r.partner.message_name,
                "appointment_at": r.appointment_at,
            }
            for r in rows
        ]
    return payload


def notice_session(notice: Notice) -> Session:
    from sqlalchemy.orm import object_session

    session = object_session(notice)
    if session is None:
        raise RuntimeError("notice is not attached to a session")
    return session


def _record_sent(
    session: Session,
    notice: Notice,
    outbound: OutboundMessage,
    rendered: Rendered,
    provider_id: str,
    status: str,
    now: datetime,
) -> Message:
    _finish(notice, NoticeState.SENT, "")
    notice.sent_at = now
    notice.attempts += 1
    message = Message(
        direction="out",
        channel=notice.channel,
        phone_e164=outbound.to,
        contact_point_id=notice.contact_point_id,
        returnee_id=notice.returnee_id,
        referral_id=notice.referral_id,
        notice_id=notice.id,
        kind=notice.kind,
        provider=_provider_of(provider_id),
        provider_id=provider_id,
        body=rendered.text,
        language=rendered.language,
        encoding=rendered.encoding,
        segments=rendered.segments,
        delivery_status=status,
        created_at=now,
        updated_at=now,
    )
    message.status_events.append(MessageStatusEvent(status=status, created_at=now))
    session.add(message)
    return message


def _provider_of(provider_id: str) -> str:
    return "local" if provider_id.startswith("LO") else "twilio"


def _record_failure(
    db: Database, notice_id: int, exc: TransportError, *, now: datetime, report: DispatchReport
) -> None:
    with db.transaction() as session:
        notice = session.get_one(Notice, notice_id)
        notice.attempts += 1
        reason = f"{type(exc).__name__} {exc.code}".strip()
        if isinstance(exc, TemporaryFailure) and notice.attempts < MAX_ATTEMPTS:
            notice.state = NoticeState.PLANNED
            notice.due_at = now + retry_delay(notice.attempts, exc.retry_after)
            notice.claimed_by = None
            notice.lease_expires_at = None
            notice.last_error = reason
            report.retried += 1
        else:
            _finish(notice, NoticeState.FAILED, reason)
            report.failed += 1
        report.errors.append(reason)


def retry_delay(attempts: int, retry_after: float | None = None) -> timedelta:
    """Exponential backoff with full jitter, at least what the provider asked for."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempts - 1, 0)))
    delay = timedelta(seconds=random.uniform(ceiling.total_seconds() / 2, ceiling.total_seconds()))  # noqa: S311  (jitter, not security)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def _finish(notice: Notice, state: NoticeState, reason: str) -> None:
    notice.state = state
    notice.last_error = reason[:200]
    notice.lease_expires_at = None


def resolve_expired_leases(session: Session, *, now: datetime) -> int:
    """Claimed notices whose worker died: sent if a message proves it, otherwise for review.

    The provider offers no idempotency key, so a notice whose send may or may not have reached
    it is not retried blindly; a caseworker decides (README, "Delivery guarantee").
    """
    stale = list(
        session.scalars(
            select(Notice).where(Notice.state == NoticeState.CLAIMED, Notice.lease_expires_at < now)
        )
    )
    for notice in stale:
        was_sent = session.scalar(select(Message.id).where(Message.notice_id == notice.id))
        if was_sent is not None:
            _finish(notice, NoticeState.SENT, "")
        else:
            _finish(notice, NoticeState.REVIEW, "worker stopped during send")
    return len(stale)
