"""Claim due notices, render, send through the transport, complete; retry, defer or expire.

Claim, send, complete (DESIGN.md): a batch of notices is claimed (state + lease) in its own
committed transaction before any provider call, and completed in later transactions after the
calls. A crash between the two leaves claimed notices whose lease runs out;
`resolve_expired_leases` settles them (README, "Delivery guarantee"):

    claimed, lease expired ──message recorded──▶ sent
        ├──transport says it never left──▶ planned (due now, sent again)
        ├──transport says it left──▶ sent
        └──transport cannot tell──▶ review

Provider calls run on a small thread pool (`dispatch_concurrency`); only the dispatching thread
touches the database. A sliding-window limiter per sender spaces the calls.
"""

from __future__ import annotations

import logging
import queue
import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, object_session, selectinload

from smsgateway.config import Settings
from smsgateway.content.languages import fallback_chain
from smsgateway.content.rendering import Rendered, render_message
from smsgateway.db import Database
from smsgateway.loop.partner_questions import partner_question_context, person_label
from smsgateway.models import Message, MessageStatusEvent, Notice, Referral, Returnee
from smsgateway.notices import IMMEDIATE_KINDS, NoticeKind, NoticeState
from smsgateway.planning import allowed_hours_for
from smsgateway.programme import programme_of
from smsgateway.questions import HELD, held_questions, is_pointless
from smsgateway.quiet_hours import AllowedHours, next_allowed_time
from smsgateway.ratelimit import SenderLimits, process_limits
from smsgateway.reachability import open_whatsapp_sessions, suppressed_numbers
from smsgateway.returnees import is_opted_out
from smsgateway.transports.base import (
    OutboundMessage,
    SendResult,
    TemporaryFailure,
    Transport,
    TransportError,
)
from smsgateway.transports.twilio import WHATSAPP_SESSION_OPEN

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Answers to STOP and START still go out to a suppressed number.
UNSUPPRESSED_KINDS = frozenset({NoticeKind.ACK_OPTED_OUT, NoticeKind.ACK_OPTED_IN})
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
# The provider counts arrivals, which jitter by tens of milliseconds after our starts (measured
# against the fake provider: 1.02 s still drew a few 429s, 1.04 s none); a slightly wider window
# keeps its count under the cap too, at 4% of the rate.
SENDER_WINDOW_SECONDS = 1.04
# Outcomes are recorded in small transactions so a crash leaves few notices unresolved.
COMPLETE_EVERY = 50


@runtime_checkable
class KnowsWhatWasSent(Protocol):
    """A transport that can tell whether the message with our reference left (None: unknown)."""

    def was_sent(self, reference: str) -> bool | None: ...


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0
    deferred: int = 0
    review: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DispatchReport) -> None:
        """Add another round's counts to these."""
        for counter in fields(self):
            if counter.name != "errors":
                setattr(
                    self, counter.name, getattr(self, counter.name) + getattr(other, counter.name)
                )
        self.errors.extend(other.errors)


@dataclass(frozen=True)
class Prepared:
    """A rendered notice ready for the transport, detached from any session."""

    notice_id: int
    attempts: int
    due_at: datetime
    outbound: OutboundMessage
    rendered: Rendered
    contact_point_id: int | None
    returnee_id: int | None
    referral_id: int | None


@dataclass(frozen=True)
class Outcome:
    prepared: Prepared
    result: SendResult | None = None
    error: TransportError | None = None
    unexpected: str = ""


def reference_of(notice_id: int) -> str:
    """Our reference for a notice's message, given to the transport."""
    return f"notice-{notice_id}"


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
        .values(state=NoticeState.CLAIMED, claimed_by=worker, lease_expires_at=now + lease)
        .returning(Notice.id),
        execution_options={"synchronize_session": False},
    )
    return sorted(claimed)


def dispatch_due_notices(
    db: Database,
    transport: Transport,
    settings: Settings,
    *,
    now: datetime,
    limits: SenderLimits | None = None,
) -> DispatchReport:
    """One dispatch round: claim a batch, prepare it, send it concurrently, complete it."""
    worker = f"w-{uuid.uuid4().hex[:12]}"
    report = DispatchReport()
    with db.transaction() as session:
        ids = claim_due_notices(
            session,
            now=now,
            limit=claim_limit(settings),
            lease=timedelta(seconds=settings.lease_seconds),
            worker=worker,
        )
    report.claimed = len(ids)
    if not ids:
        return report
    with db.transaction() as session:
        prepared = prepare_notices(session, ids, settings, worker=worker, now=now, report=report)
    limits = limits or process_limits(settings.send_rate_per_second, SENDER_WINDOW_SECONDS)
    for chunk in _chunks(send_all(transport, prepared, limits, settings.dispatch_concurrency)):
        with db.transaction() as session:
            complete_notices(session, chunk, worker=worker, now=now, report=report)
    log.info(
        "dispatch: claimed=%d sent=%d retried=%d failed=%d expired=%d cancelled=%d deferred=%d "
        "review=%d",
        report.claimed,
        report.sent,
        report.retried,
        report.failed,
        report.expired,
        report.cancelled,
        report.deferred,
        report.review,
    )
    return report


def dispatch_until_idle(
    db: Database,
    transport: Transport,
    settings: Settings,
    *,
    clock: Callable[[], datetime],
    max_rounds: int = 1000,
) -> DispatchReport:
    """Dispatch rounds, each at `clock()`, until a round finds less than a full batch."""
    total = DispatchReport()
    for _ in range(max_rounds):
        report = dispatch_due_notices(db, transport, settings, now=clock())
        total.add(report)
        if report.claimed < claim_limit(settings):
            break
    return total


def _chunks(outcomes: Iterable[Outcome]) -> Iterator[list[Outcome]]:
    chunk: list[Outcome] = []
    for outcome in outcomes:
        chunk.append(outcome)
        if len(chunk) >= COMPLETE_EVERY:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def prepare_notices(
    session: Session,
    ids: list[int],
    settings: Settings,
    *,
    worker: str,
    now: datetime,
    report: DispatchReport,
) -> list[Prepared]:
    """Render claimed notices; settle those that must not go out now (expired, opted out,
    quiet hours, unrenderable) without calling the transport."""
    notices = list(
        session.scalars(
            select(Notice)
            .where(Notice.id.in_(ids), Notice.claimed_by == worker)
            .options(
                selectinload(Notice.returnee).selectinload(Returnee.consents),
                selectinload(Notice.contact_point),
                selectinload(Notice.referral).selectinload(Referral.partner),
            )
            .order_by(Notice.id)
        )
    )
    phones = [recipient_phone(notice) for notice in notices]
    suppressed = suppressed_numbers(session, phones)
    sessions_open = open_whatsapp_sessions(session, phones, now=now)
    candidates: list[Notice] = []
    for notice in notices:
        if notice.state != NoticeState.CLAIMED:
            continue
        if recipient_phone(notice) in suppressed and notice.kind not in UNSUPPRESSED_KINDS:
            _finish(notice, NoticeState.CANCELLED, "suppressed")  # STOP or error 21610
            report.cancelled += 1
            continue
        if _settle_without_sending(notice, settings, now, report):
            continue
        if is_pointless(session, notice):
            _finish(notice, NoticeState.CANCELLED, "no longer worth asking")
            report.cancelled += 1
            continue
        candidates.append(notice)
    held = held_questions(session, candidates, now=now, programme=programme_of(settings))
    prepared: list[Prepared] = []
    for notice in candidates:
        if notice.id in held:  # one open question per number (smsgateway.questions)
            _release(notice, due_at=held[notice.id], reason=HELD)
            report.deferred += 1
            continue
        try:
            rendered = render_notice(notice, settings)
        except Exception as exc:  # a template bug must not block the rest of the batch
            log.exception("dispatch: notice %d failed to render", notice.id)
            _finish(notice, NoticeState.FAILED, f"render error: {type(exc).__name__}")
            report.failed += 1
            continue
        extra = {WHATSAPP_SESSION_OPEN: "1"} if recipient_phone(notice) in sessions_open else {}
        prepared.append(_prepared(notice, rendered, extra))
    return prepared


def _prepared(notice: Notice, rendered: Rendered, extra: dict[str, str] | None = None) -> Prepared:
    outbound = OutboundMessage(
        to=recipient_phone(notice),
        channel=notice.channel,
        body=rendered.text,
        kind=notice.kind,
        language=rendered.language,
        reference=reference_of(notice.id),
        extra=extra or {},
    )
    return Prepared(
        notice_id=notice.id,
        attempts=notice.attempts,
        due_at=notice.due_at,
        outbound=outbound,
        rendered=rendered,
        contact_point_id=notice.contact_point_id,
        returnee_id=notice.returnee_id,
        referral_id=notice.referral_id,
    )


def _settle_without_sending(
    notice: Notice, settings: Settings, now: datetime, report: DispatchReport
) -> bool:
    """Expire, cancel or defer a notice that must not go out now; True when it was settled."""
    if notice.expires_at is not None and notice.expires_at <= now:
        _finish(notice, NoticeState.EXPIRED, "too late to be useful")
        report.expired += 1
        return True
    if notice.kind in IMMEDIATE_KINDS:
        return False  # the person just wrote: answer whatever the hour and their consent
    if notice.returnee is not None and is_opted_out(notice.returnee, notice.channel):
        _finish(notice, NoticeState.CANCELLED, "opted out")
        report.cancelled += 1
        return True
    allowed = next_allowed_time(now, *recipient_hours(notice, settings))
    if allowed > now:
        _release(notice, due_at=allowed, reason="quiet hours")
        report.deferred += 1
        return True
    return False


def recipient_hours(notice: Notice, settings: Settings) -> tuple[str, AllowedHours]:
    """The recipient's time zone and allowed hours: the returnee's own, else the programme's."""
    programme = programme_of(settings)
    returnee = notice.returnee
    if returnee is None:
        return settings.default_time_zone, programme.allowed_hours
    return returnee.time_zone, allowed_hours_for(returnee, programme)


def send_all(
    transport: Transport, prepared: list[Prepared], limits: SenderLimits, concurrency: int
) -> Iterator[Outcome]:
    """Send each prepared notice, at most `concurrency` at a time, yielding outcomes as they end."""
    if not prepared:
        return
    send = _sender(transport, limits)
    if concurrency <= 1 or len(prepared) == 1:
        yield from map(send, prepared)
        return
    todo: queue.SimpleQueue[Prepared | None] = queue.SimpleQueue()
    done: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
    threads = min(concurrency, len(prepared))
    for item in [*prepared, *[None] * threads]:
        todo.put(item)

    def work() -> None:
        while (item := todo.get()) is not None:
            done.put(send(item))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in range(threads):
            pool.submit(work)
        for _ in prepared:
            yield done.get()


def _sender(transport: Transport, limits: SenderLimits) -> Callable[[Prepared], Outcome]:
    def send(item: Prepared) -> Outcome:
        limits.for_sender(f"{transport.slug}:{item.outbound.channel}").acquire()
        try:
            return Outcome(item, result=transport.send(item.outbound))
        except TransportError as exc:
            return Outcome(item, error=exc)
        except (
            Exception
        ) as exc:  # whether it left is unknown: a person decides, never a blind retry
            log.exception("dispatch: transport raised on notice %d", item.notice_id)
            return Outcome(item, unexpected=type(exc).__name__)

    return send


def complete_notices(
    session: Session, outcomes: list[Outcome], *, worker: str, now: datetime, report: DispatchReport
) -> None:
    """Record sent messages and failure outcomes for notices this worker still holds."""
    rows: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for outcome in outcomes:
        item = outcome.prepared
        if outcome.result is not None:
            messages.append(_message_row(item, outcome.result, now))
            rows.append(_row(item, NoticeState.SENT, "", sent_at=now, attempts=item.attempts + 1))
            report.sent += 1
        elif outcome.error is not None:
            rows.append(_failure_row(item, outcome.error, now, report))
        else:
            rows.append(_row(item, NoticeState.REVIEW, f"transport error: {outcome.unexpected}"))
            report.review += 1
    if messages:
        _insert_messages(session, messages, now)
    table = Notice.metadata.tables[Notice.__tablename__]
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.claimed_by == worker)
        .values(
            state=bindparam("b_state"),
            last_error=bindparam("b_error"),
            sent_at=bindparam("b_sent_at"),
            attempts=bindparam("b_attempts"),
            due_at=bindparam("b_due_at"),
            lease_expires_at=None,
            claimed_by=None,
        ),
        rows,
    )


def _insert_messages(session: Session, messages: list[dict[str, Any]], now: datetime) -> None:
    """Insert outbound messages and their first status event in two bulk statements."""
    ids = session.scalars(
        insert(Message).returning(Message.id, sort_by_parameter_order=True), messages
    ).all()
    events = [
        {
            "message_id": message_id,
            "status": row["delivery_status"],
            "error_code": "",
            "created_at": now,
        }
        for message_id, row in zip(ids, messages, strict=True)
    ]
    session.execute(insert(MessageStatusEvent), events)


def _row(
    item: Prepared,
    state: NoticeState,
    reason: str,
    *,
    sent_at: datetime | None = None,
    attempts: int | None = None,
    due_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "b_id": item.notice_id,
        "b_state": state.value,
        "b_error": reason[:200],
        "b_sent_at": sent_at,
        "b_attempts": item.attempts if attempts is None else attempts,
        "b_due_at": due_at or item.due_at,
    }


def _failure_row(
    item: Prepared, exc: TransportError, now: datetime, report: DispatchReport
) -> dict[str, Any]:
    """Transient failures go back to planned with backoff; permanent ones (or too many) fail."""
    attempts = item.attempts + 1
    reason = f"{type(exc).__name__} {exc.code}".strip()
    report.errors.append(reason)
    if isinstance(exc, TemporaryFailure) and attempts < MAX_ATTEMPTS:
        report.retried += 1
        due_at = now + retry_delay(attempts, exc.retry_after)
        return _row(item, NoticeState.PLANNED, reason, attempts=attempts, due_at=due_at)
    report.failed += 1
    return _row(item, NoticeState.FAILED, reason, attempts=attempts)


def _message_row(item: Prepared, result: SendResult, now: datetime) -> dict[str, Any]:
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
        "provider": _provider_of(result.provider_id),
        "provider_id": result.provider_id,
        "body": rendered.text,
        "language": rendered.language,
        "encoding": rendered.encoding,
        "segments": rendered.segments,
        "delivery_status": result.status,
        "error_code": "",
        "intent": None,
        "created_at": now,
        "updated_at": now,
    }


def _provider_of(provider_id: str) -> str:
    return "local" if provider_id.startswith("LO") else "twilio"


def recipient_phone(notice: Notice) -> str:
    """The number a notice goes to: its contact point, or the number it was planned for."""
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
    if notice.kind == NoticeKind.PARTNER_QUESTION:
        context.update(partner_question_context(notice, languages))
    return render_message(
        notice.kind,
        channel=notice.channel,
        languages=languages,
        time_zone=returnee.time_zone if returnee else settings.default_time_zone,
        is_sensitive=bool(referral and referral.is_sensitive),
        context=context,
    )


def _payload_context(notice: Notice) -> dict[str, object]:
    """The notice's own content, with referral ids turned into what a message may show.

    JSON keeps no datetimes: `call_at` is stored as ISO 8601 and read back here.
    """
    payload = dict(notice.payload or {})
    if isinstance(payload.get("call_at"), str):
        payload["call_at"] = datetime.fromisoformat(payload["call_at"])
    ids = payload.pop("referral_ids", None)
    if ids:
        rows = [r for r in (notice_session(notice).get(Referral, i) for i in ids) if r]
        payload["referrals"] = [
            {
                "reference": r.reference,
                "partner_name": r.partner.message_name,
                "appointment_at": r.appointment_at,
                "person": person_label(r.returnee),
            }
            for r in rows
        ]
    return payload


def notice_session(notice: Notice) -> Session:
    session = object_session(notice)
    if session is None:
        raise RuntimeError("notice is not attached to a session")
    return session


def retry_delay(attempts: int, retry_after: float | None = None) -> timedelta:
    """Exponential backoff with jitter, at least what the provider asked for."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempts - 1, 0)))
    delay = timedelta(seconds=random.uniform(ceiling.total_seconds() / 2, ceiling.total_seconds()))  # noqa: S311  (jitter, not security)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def _finish(notice: Notice, state: NoticeState, reason: str) -> None:
    notice.state = state
    notice.last_error = reason[:200]
    notice.lease_expires_at = None


def _release(notice: Notice, *, due_at: datetime, reason: str) -> None:
    """Back to planned for a later round (quiet hours, or a send that never left)."""
    notice.state = NoticeState.PLANNED
    notice.due_at = due_at
    notice.claimed_by = None
    notice.lease_expires_at = None
    notice.last_error = reason[:200]


def resolve_expired_leases(
    session: Session, *, now: datetime, transport: Transport | None = None
) -> int:
    """Settle claimed notices whose worker died, by the rule drawn in this module's docstring.

    The provider offers no idempotency key, so a notice whose send may or may not have reached
    it is not retried blindly: unless the transport can tell, a caseworker decides.
    """
    stale = list(
        session.scalars(
            select(Notice).where(Notice.state == NoticeState.CLAIMED, Notice.lease_expires_at < now)
        )
    )
    recorded = set(
        session.scalars(
            select(Message.notice_id).where(Message.notice_id.in_([n.id for n in stale]))
        )
    )
    for notice in stale:
        if notice.id in recorded:
            _finish(notice, NoticeState.SENT, "")
            continue
        answer = _ask_transport(transport, notice.id)
        if answer is False:
            _release(notice, due_at=now, reason="worker stopped before the send")
        elif answer is True:
            _finish(notice, NoticeState.SENT, "sent per transport; message not recorded")
            notice.sent_at = now
        else:
            _finish(notice, NoticeState.REVIEW, "worker stopped during send")
    return len(stale)


def _ask_transport(transport: Transport | None, notice_id: int) -> bool | None:
    if not isinstance(transport, KnowsWhatWasSent):
        return None
    try:
        return transport.was_sent(reference_of(notice_id))
    except TransportError:
        return None
