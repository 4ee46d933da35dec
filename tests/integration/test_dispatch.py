"""Dispatch: rate limit per sender, concurrency, retries, quiet hours, expiry, lease sweep."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.dispatch import SweepReport, dispatch_due_notices, resolve_expired_leases
from smsgateway.dispatch.settle import SETTLE_AFTER
from smsgateway.fakes.twilio_faults import max_in_any_window
from smsgateway.models import Message, Notice, Referral, Returnee, ReviewItem
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.ratelimit import SlidingWindowLimiter
from smsgateway.runtime import Runtime
from smsgateway.transports.base import (
    OutboundMessage,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)


class RecordingTransport:
    """A provider stand-in: records when each call started, may be slow or refuse numbers."""

    slug = "recording"

    def __init__(self, delay: float = 0.0, failures: dict[str, Exception] | None = None) -> None:
        self.delay = delay
        self.failures = failures or {}
        self.starts: list[float] = []
        self.references: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()

    def send(self, message: OutboundMessage) -> SendResult:
        with self._lock:
            self.starts.append(time.monotonic())
            self.references.append(message.reference)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(self.delay)
            if message.to in self.failures:
                raise self.failures[message.to]
            return SendResult(provider_id=f"SM{uuid.uuid4().hex}", status="queued")
        finally:
            with self._lock:
                self.in_flight -= 1


def plan_due(session: Session, referral: Referral, now: datetime, **values: object) -> Notice:
    notice = plan_notice(
        session,
        kind=values.pop("kind", NoticeKind.REFERRAL_CREATED),  # type: ignore[arg-type]
        returnee=referral.returnee,
        referral=referral,
        due_at=now,
        now=now,
        **values,  # type: ignore[arg-type]
    )
    session.commit()
    return notice


def state_of(session: Session, notice: Notice) -> Notice:
    session.expire_all()
    fresh = session.get(Notice, notice.id)
    assert fresh is not None
    return fresh


def test_limiter_never_starts_more_than_its_rate_in_any_window() -> None:
    moments = [0.0]

    def sleep(seconds: float) -> None:
        moments[0] += seconds

    limiter = SlidingWindowLimiter(5, clock=lambda: moments[0], sleep=sleep)
    starts = []
    for step in range(40):
        moments[0] += 0.013 * (step % 7)  # irregular arrivals, some bursts
        starts.append(limiter.acquire())
    assert max_in_any_window(starts) == 5
    assert starts == sorted(starts)


@pytest.mark.slow
def test_sends_are_spaced_to_the_rate_per_sender_and_run_concurrently(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referrals = [make_referral() for _ in range(24)]
    for referral in referrals:
        plan_due(session, referral, now)
    transport = RecordingTransport(delay=0.05)
    settings = replace(runtime.settings, send_rate_per_second=10, dispatch_concurrency=4)

    report = dispatch_due_notices(runtime.db, transport, settings, now=now)

    assert report.sent == 24
    assert max_in_any_window(transport.starts) <= 10
    assert transport.starts[-1] - transport.starts[0] >= 2.0  # 24 sends at 10/s take 2.x s
    assert transport.most_in_flight > 1


def test_each_notice_gets_exactly_one_outbound_message(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    notices = [plan_due(session, make_referral(), now) for _ in range(30)]
    settings = replace(runtime.settings, send_rate_per_second=0, dispatch_batch_size=7)
    report = dispatch_due_notices(runtime.db, runtime.transport, settings, now=now)
    assert report.claimed == 7
    while dispatch_due_notices(runtime.db, runtime.transport, settings, now=now).claimed:
        pass
    counts = session.execute(
        select(Message.notice_id, func.count())
        .where(Message.direction == "out")
        .group_by(Message.notice_id)
    ).all()
    # create_referral plans its own reminder for later; only the notices due now went out.
    assert sorted(counts) == sorted((n.id, 1) for n in notices)
    assert {state_of(session, n).state for n in notices} == {NoticeState.SENT}


def test_temporary_failure_is_retried_later_with_backoff_and_permanent_failure_stops(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    busy, invalid = make_referral(), make_referral()
    busy_notice, invalid_notice = plan_due(session, busy, now), plan_due(session, invalid, now)
    busy_phone = busy.returnee.contact_points[0].phone_e164
    invalid_phone = invalid.returnee.contact_points[0].phone_e164
    transport = RecordingTransport(
        failures={
            busy_phone: TemporaryFailure("too many requests", "429"),
            invalid_phone: PermanentFailure("invalid number", "21211"),
        }
    )

    report = dispatch_due_notices(runtime.db, transport, runtime.settings, now=now)

    assert (report.retried, report.failed, report.sent) == (1, 1, 0)
    retried = state_of(session, busy_notice)
    assert retried.state == NoticeState.PLANNED and retried.attempts == 1
    assert now + timedelta(seconds=30) <= retried.due_at <= now + timedelta(seconds=60)
    assert retried.claimed_by is None and "429" in retried.last_error
    failed = state_of(session, invalid_notice)
    assert failed.state == NoticeState.FAILED and "21211" in failed.last_error
    # The refusal is recorded as a failed message (no provider id): the one outcome path.
    messages = session.scalars(select(Message)).all()
    assert [(m.notice_id, m.delivery_status, m.error_code, m.provider_id) for m in messages] == [
        (invalid_notice.id, "failed", "21211", None)
    ]


def test_temporary_failures_stop_after_the_last_attempt(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    notice = plan_due(session, referral, now)
    phone = referral.returnee.contact_points[0].phone_e164
    transport = RecordingTransport(failures={phone: TemporaryFailure("timeout")})
    moment = now
    for _ in range(10):
        dispatch_due_notices(runtime.db, transport, runtime.settings, now=moment)
        moment += timedelta(days=1)  # beyond the longest backoff, same hour of the day
    final = state_of(session, notice)
    assert final.state == NoticeState.FAILED
    assert transport.references.count(f"notice-{notice.id}") == final.attempts == 6


@pytest.mark.parametrize(
    ("zone", "utc_hour", "local_next"),
    [
        ("Africa/Dakar", 21, datetime(2026, 12, 2, 8, 0, tzinfo=UTC)),  # UTC+0, 21:00 local
        ("Asia/Kabul", 17, datetime(2026, 12, 2, 3, 30, tzinfo=UTC)),  # UTC+4:30, 21:30 local
        ("America/Bogota", 11, datetime(2026, 12, 1, 13, 0, tzinfo=UTC)),  # UTC-5, 06:00 local
    ],
)
def test_notice_due_in_quiet_hours_is_moved_to_the_next_allowed_minute(
    runtime: Runtime,
    session: Session,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
    zone: str,
    utc_hour: int,
    local_next: datetime,
) -> None:
    moment = datetime(2026, 12, 1, utc_hour, 0, tzinfo=UTC)
    referral = make_referral(returnee=make_returnee(time_zone=zone), now=moment)
    notice = plan_due(session, referral, moment)

    report = dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=moment)

    assert (report.deferred, report.sent) == (1, 0)
    deferred = state_of(session, notice)
    assert deferred.state == NoticeState.PLANNED and deferred.due_at == local_next
    assert deferred.attempts == 0
    later = dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=local_next)
    assert later.sent == 1


def test_returnee_quiet_hours_replace_the_default(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    returnee = make_returnee()
    returnee.quiet_hours_start, returnee.quiet_hours_end = clock_time(18, 0), clock_time(10, 30)
    session.commit()
    notice = plan_due(session, make_referral(returnee=returnee), now)  # 09:00 in Dakar

    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)

    assert state_of(session, notice).due_at == now.replace(hour=10, minute=30)


def test_acknowledgement_goes_out_in_quiet_hours(
    runtime: Runtime, session: Session, make_referral: Callable[..., Referral]
) -> None:
    night = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    referral = make_referral(now=night)
    notice = plan_due(session, referral, night, kind=NoticeKind.ACK_HELP)
    report = dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=night)
    assert report.sent == 1 and state_of(session, notice).state == NoticeState.SENT


def test_notice_past_its_expiry_expires_instead_of_going_out(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    notice = plan_due(session, make_referral(), now - timedelta(days=1), expires_at=now)
    report = dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    assert (report.expired, report.sent) == (1, 0)
    assert state_of(session, notice).state == NoticeState.EXPIRED


class CannotTell(RecordingTransport):
    """A transport that cannot list what it sent: a lost send stays unknown."""


def claim_and_abandon(session: Session, notice: Notice, lease_over_at: datetime) -> None:
    notice.state, notice.claimed_by = NoticeState.CLAIMED, "w-dead"
    notice.claimed_at = lease_over_at - timedelta(minutes=2)
    notice.lease_expires_at = lease_over_at
    session.commit()


def sweep(runtime: Runtime, now: datetime, transport: Any = None) -> SweepReport:
    return resolve_expired_leases(
        runtime.db, transport or runtime.transport, runtime.settings, now=now
    )


def test_expired_lease_is_sent_again_when_the_transport_knows_it_never_left(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    notice = plan_due(session, make_referral(), now)
    claim_and_abandon(session, notice, now - timedelta(minutes=1))
    assert sweep(runtime, now).released == 1
    assert state_of(session, notice).state == NoticeState.PLANNED
    assert dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now).sent == 1


def test_expired_lease_goes_to_review_with_a_review_item_when_the_transport_cannot_tell(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    notice = plan_due(session, make_referral(), now)
    claim_and_abandon(session, notice, now - timedelta(minutes=1))
    assert sweep(runtime, now, CannotTell()).review == 1
    assert state_of(session, notice).state == NoticeState.REVIEW
    (item,) = session.scalars(select(ReviewItem).filter_by(notice_id=notice.id))
    assert item.reason == "delivery_unknown" and item.resolved_at is None


def test_expired_lease_with_a_recorded_message_counts_as_sent(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    notice = plan_due(session, make_referral(), now)
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    # As if completion was lost.
    claim_and_abandon(session, state_of(session, notice), now - timedelta(minutes=1))
    assert sweep(runtime, now, CannotTell()).sent == 1
    assert state_of(session, notice).state == NoticeState.SENT
    assert session.scalar(select(func.count()).select_from(Message)) == 1


@pytest.mark.parametrize("lease_over", [timedelta(minutes=-5), timedelta(seconds=1)])
def test_a_live_lease_or_one_just_over_is_left_alone(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    lease_over: timedelta,
) -> None:
    """A lease just over may belong to a worker still recording: the sweep waits a little."""
    notice = plan_due(session, make_referral(), now)
    claim_and_abandon(session, notice, now - lease_over)
    assert sweep(runtime, now).settled == 0
    assert state_of(session, notice).state == NoticeState.CLAIMED


def test_a_batch_slower_than_its_lease_keeps_it_renewed(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """Sends spread over several leases: a sweep run meanwhile finds nothing to settle."""
    settings = replace(
        runtime.settings, lease_seconds=1, dispatch_concurrency=1, send_rate_per_second=0
    )
    referral = make_referral()
    notices = [plan_due(session, referral, now) for _ in range(6)]
    transport = RecordingTransport(delay=0.5)
    thread = threading.Thread(
        target=lambda: dispatch_due_notices(runtime.db, transport, settings, now=now)
    )
    thread.start()
    time.sleep(2.5)  # 2.5 leases into the batch
    later = now + timedelta(seconds=2.5) + SETTLE_AFTER
    swept = resolve_expired_leases(runtime.db, transport, settings, now=later)
    thread.join(10)

    assert swept.settled == 0
    assert len(transport.references) == 6
    assert {state_of(session, n).state for n in notices} == {NoticeState.SENT}


def test_send_time_quiet_hours_are_the_programme_s_own(
    app_overrides: dict[str, Any], tmp_path: Path, now: datetime
) -> None:
    """A programme allowing 06:00-22:00 sends at 21:00 local, which the default would hold."""
    from smsgateway import create_app, migrations
    from smsgateway.partners import register_partner
    from smsgateway.referrals import create_referral
    from smsgateway.returnees import PhoneInput, register_returnee
    from smsgateway.runtime import get_runtime

    default = (Path(__file__).parents[2] / "smsgateway" / "programme.toml").read_text()
    programme_file = tmp_path / "programme.toml"
    programme_file.write_text(
        default.replace('allowed_start = "08:00"', 'allowed_start = "06:00"').replace(
            'allowed_end = "20:00"', 'allowed_end = "22:00"'
        )
    )
    app = create_app({**app_overrides, "programme_file": str(programme_file)})
    runtime = get_runtime(app)
    migrations.upgrade(runtime.settings.sqlalchemy_url)
    evening = now.replace(hour=21, minute=0)  # Dakar is UTC+0
    with runtime.db.transaction() as session:
        partner = register_partner(session, now, name="P", service_categories=["x"], region="SN")
        returnee = register_returnee(
            session,
            now,
            case_reference="C-1",
            language="fr",
            time_zone="Africa/Dakar",
            region="SN",
            phones=[PhoneInput("+221771230001")],
        )
        create_referral(  # its "you have been referred" notice is due at once
            session,
            evening,
            returnee=returnee,
            partner=partner,
            service_category="x",
            created_by="t",
            appointment_at=evening + timedelta(days=5),
            programme=runtime.programme,
        )
    report = dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=evening)
    runtime.db.dispose()
    assert report.sent == 1 and report.deferred == 0
