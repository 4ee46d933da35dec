"""No delivery report is lost: before, during or after a round's completion, in any order."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from delivery_helpers import dispatch, message_of, only_reminder, own_point, planned_after
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.delivery.reports import StatusReport, record_status_report, sweep_parked
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.fakes import FakeTwilio
from smsgateway.models import Message, Notice, ParkedCallback, Referral
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime
from smsgateway.transports.base import OutboundMessage, SendResult
from smsgateway.transports.twilio import TwilioTransport


class ReportsFirst:
    """The Twilio transport, whose provider reports a message's fate before the call returns."""

    slug = "twilio"

    def __init__(
        self, inner: TwilioTransport, fake: FakeTwilio, outcome: tuple[str, int | None]
    ) -> None:
        self.inner, self.fake, self.outcome = inner, fake, outcome

    def send(self, message: OutboundMessage) -> SendResult:
        result = self.inner.send(message)
        self.fake.fire_message_status(result.provider_id, *self.outcome)
        return result


def parked(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ParkedCallback)) or 0


def test_a_failure_reported_before_the_message_is_recorded_is_parked_then_applied(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = only_reminder(session, referral, now)
    transport = ReportsFirst(TwilioTransport(runtime.settings), wired, ("undelivered", 30003))
    answers: list[int] = []
    wired.callback_target = _counting(wired.callback_target, answers)

    dispatch_due_notices(runtime.db, transport, runtime.settings, now=now)

    assert answers == [204]  # answered at once, while the message was not recorded
    message = message_of(session, notice)
    assert (message.delivery_status, message.error_code) == ("undelivered", "30003")
    assert own_point(session, referral).reachability == "failing"
    (retry,) = planned_after(session, notice)
    assert (retry.channel, retry.escalation_step) == ("sms", 1)
    assert parked(session) == 0


def test_reports_during_a_round_are_applied_once_the_chunk_with_their_message_is_recorded(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    """The first message's report comes while later sends of the round are still going out."""
    referrals = [make_referral() for _ in range(3)]
    notices = [only_reminder(session, referrals[0], now)]
    notices += [_reminder(session, r, now) for r in referrals[1:]]
    settings = replace(runtime.settings, dispatch_concurrency=1)
    transport = ReportsFirst(TwilioTransport(settings), wired, ("delivered", None))

    dispatch_due_notices(runtime.db, transport, settings, now=now)

    for notice, referral in zip(notices, referrals, strict=True):
        assert message_of(session, notice).delivery_status == "delivered"
        assert own_point(session, referral).reachability == "reachable"
    assert parked(session) == 0


def test_a_report_after_the_round_finds_its_message(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = only_reminder(session, referral, now)
    dispatch(runtime, now)

    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)

    assert message_of(session, notice).delivery_status == "undelivered"
    assert [n.escalation_step for n in planned_after(session, notice)] == [1]
    assert parked(session) == 0


def test_reports_parked_in_any_order_end_at_the_furthest_status_with_every_event(
    runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = only_reminder(session, referral, now)
    sid = "SM" + "c" * 32
    with runtime.db.transaction() as tx:
        for status in ("delivered", "sent", "queued"):
            report = StatusReport("twilio", sid, status)
            assert record_status_report(tx, report, now=now) == "parked"
    with runtime.db.transaction() as tx:
        tx.add(
            Message(
                direction="out",
                channel="sms",
                phone_e164=own_point(session, referral).phone_e164,
                contact_point_id=own_point(session, referral).id,
                returnee_id=referral.returnee_id,
                notice_id=notice.id,
                provider="twilio",
                provider_id=sid,
                delivery_status="queued",
                created_at=now,
                updated_at=now,
            )
        )
    with runtime.db.transaction() as tx:
        assert sweep_parked(tx, now=now).applied == 3

    message = message_of(session, notice)
    assert message.delivery_status == "delivered"
    assert [e.status for e in message.status_events] == ["delivered", "sent", "queued"]
    assert parked(session) == 0


def test_a_parked_report_whose_message_never_appears_is_dropped_after_a_day_with_a_log_line(
    runtime: Runtime, session: Session, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    with runtime.db.transaction() as tx:
        record_status_report(tx, StatusReport("twilio", "SM" + "d" * 32, "delivered"), now=now)
    with runtime.db.transaction() as tx:
        assert sweep_parked(tx, now=now + timedelta(hours=23)).expired == 0
    assert parked(session) == 1

    with caplog.at_level(logging.WARNING), runtime.db.transaction() as tx:
        assert sweep_parked(tx, now=now + timedelta(hours=25)).expired == 1

    assert parked(session) == 0
    assert "1 dropped after a day" in caplog.text


def test_a_call_status_before_the_call_is_recorded_is_parked_then_applied(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = only_reminder(session, referral, now, channel="voice")
    with runtime.db.transaction() as tx:
        report = StatusReport("twilio", "CA" + "e" * 32, "no-answer", kind="call")
        assert record_status_report(tx, report, now=now) == "parked"
    transport = _FixedSid(TwilioTransport(runtime.settings), "CA" + "e" * 32)

    dispatch_due_notices(runtime.db, transport, runtime.settings, now=now)

    assert message_of(session, notice).delivery_status == "undelivered"
    assert [n.channel for n in planned_after(session, notice)] == ["voice"]  # the retry step
    assert parked(session) == 0


@pytest.mark.slow
@pytest.mark.parametrize("order", ["in_order", "reversed"])
@pytest.mark.parametrize("delay", [0.0, 0.05, 1.5])
def test_every_report_is_applied_at_realistic_callback_delays(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
    make_returnee: Any,
    delay: float,
    order: str,
) -> None:
    """24 messages, a third of them undelivered, callbacks 0 ms, 50 ms or 1.5 s late, in order
    or final status first: every report applied, every failure reaching reachability and
    escalation, none left parked."""
    wired.auto_callbacks = True
    wired.set_callback_delay(delay, order)
    # The round lasts longer than the delay (six waves of four sends), so reports come while
    # later sends of the round are still going out, at 1.5 s as well.
    wired.set_latency(max(0.02, delay / 3))
    referrals = []
    for n in range(24):
        phone = f"+2217714{n:05d}"
        if n % 3 == 0:
            wired.set_outcome(phone, "undelivered", 30003)
        referrals.append(make_referral(returnee=make_returnee(phones=[PhoneInput(phone)])))
    session.execute(Notice.__table__.update().values(state=NoticeState.CANCELLED))
    session.commit()
    notices = [_reminder(session, r, now) for r in referrals]
    settings = replace(runtime.settings, dispatch_concurrency=4)

    report = dispatch_due_notices(runtime.db, runtime.transport, settings, now=now)
    assert report.sent == 24
    assert wired.wait_for_callbacks(timeout=30)
    with runtime.db.transaction() as tx:  # what raced the recording of its message
        sweep_parked(tx, now=now)

    for n, (notice, referral) in enumerate(zip(notices, referrals, strict=True)):
        message = message_of(session, notice)
        failing = n % 3 == 0
        assert message.delivery_status == ("undelivered" if failing else "delivered")
        assert sorted(e.status for e in message.status_events) == sorted(
            ["queued", "sent", "undelivered" if failing else "delivered"]
        )
        assert own_point(session, referral).reachability == ("failing" if failing else "reachable")
    follow_ups = session.scalars(
        select(Notice).where(Notice.state == NoticeState.PLANNED, Notice.escalation_step == 1)
    ).all()
    assert sorted(f.returnee_id for f in follow_ups) == sorted(
        r.returnee_id for n, r in enumerate(referrals) if n % 3 == 0
    )
    assert parked(session) == 0
    assert all(c.status == 204 for c in wired.callbacks())


def _reminder(session: Session, referral: Referral, now: datetime) -> Notice:
    notice = plan_notice(
        session,
        kind=NoticeKind.APPOINTMENT_REMINDER,
        returnee=referral.returnee,
        referral=referral,
        due_at=now,
        now=now,
    )
    session.commit()
    return notice


def _counting(target: Any, answers: list[int]) -> Any:
    def post(url: str, form: dict[str, str], headers: dict[str, str]) -> Any:
        answer = target(url, form, headers)
        answers.append(answer.status)
        return answer

    return post


class _FixedSid:
    """The Twilio transport, reporting a given call sid (the one a report already named)."""

    slug = "twilio"

    def __init__(self, inner: TwilioTransport, sid: str) -> None:
        self.inner, self.sid = inner, sid

    def send(self, message: OutboundMessage) -> SendResult:
        result = self.inner.send(message)
        return SendResult(self.sid, result.status)
