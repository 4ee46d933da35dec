"""A send whose fate is unknown: the provider is asked first; what stays unknown is a review item.

These tests run on the real clock: the fake dates what it accepts as Twilio does, by its own
clock, and the sweep compares those dates with the claim's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.delivery.reports import StatusReport, record_status_report
from smsgateway.dispatch import (
    SweepReport,
    dispatch_due_notices,
    mark_notices_sent,
    resend_notices,
    resolve_expired_leases,
)
from smsgateway.dispatch.settle import ASK_AGAIN_FOR, SETTLE_AFTER
from smsgateway.errors import InvalidInput
from smsgateway.fakes import FakeTwilio
from smsgateway.models import Message, Notice, Referral, ReviewItem
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.runtime import Runtime
from smsgateway.transports.base import OutboundMessage, SendResult
from smsgateway.transports.twilio import TwilioTransport


class LostAnswers:
    """Twilio, whose answers are lost on the way back (a read timeout) for some sends.

    `reached[n]` says whether the n-th send reached Twilio before its answer was lost.
    """

    slug = "twilio"

    def __init__(self, inner: TwilioTransport, reached: list[bool]) -> None:
        self.inner, self.reached = inner, list(reached)

    def send(self, message: OutboundMessage) -> SendResult:
        if self.reached.pop(0):
            self.inner.send(message)
        raise requests.ReadTimeout("the answer never came")


@pytest.fixture
def real_now(runtime: Runtime) -> datetime:
    moment = datetime.now(UTC)
    runtime.clock = lambda: moment
    return moment


@pytest.fixture
def referral(make_referral: Any, make_returnee: Any, session: Session) -> Referral:
    returnee = make_returnee()
    returnee.quiet_hours_start = returnee.quiet_hours_end = time(0)  # any hour of the day
    session.commit()
    created: Referral = make_referral(returnee=returnee)
    return created


def due(session: Session, referral: Referral, now: datetime, channel: str = "sms") -> Notice:
    notice = plan_notice(
        session,
        kind=NoticeKind.REFERRAL_CREATED,
        returnee=referral.returnee,
        referral=referral,
        due_at=now,
        now=now,
        channel=channel,
    )
    session.commit()
    return notice


def only(
    session: Session, referral: Referral, now: datetime, count: int = 1, **kw: Any
) -> list[Notice]:
    session.execute(Notice.__table__.update().values(state=NoticeState.CANCELLED))
    session.commit()
    return [due(session, referral, now, **kw) for _ in range(count)]


def lose_answers(
    runtime: Runtime, reached: list[bool], now: datetime, concurrency: int = 1
) -> None:
    settings = replace(runtime.settings, dispatch_concurrency=concurrency)
    transport = LostAnswers(TwilioTransport(settings), reached)
    report = dispatch_due_notices(runtime.db, transport, settings, now=now)
    assert report.unknown == len(reached)


def sweep(runtime: Runtime, at: datetime) -> SweepReport:
    return resolve_expired_leases(runtime.db, runtime.transport, runtime.settings, now=at)


def state(session: Session, notice: Notice) -> str:
    session.expire_all()
    fresh = session.get(Notice, notice.id)
    assert fresh is not None
    return fresh.state


def test_a_send_that_reached_twilio_is_found_recorded_and_its_parked_report_applied(
    fake: FakeTwilio, runtime: Runtime, session: Session, real_now: datetime, referral: Referral
) -> None:
    (notice,) = only(session, referral, real_now)
    lose_answers(runtime, [True], real_now)
    assert state(session, notice) == NoticeState.CLAIMED  # unknown: not review, not sent
    sid = fake.sent_messages()[-1].sid
    with runtime.db.transaction() as tx:  # its delivery report came meanwhile
        record_status_report(tx, StatusReport("twilio", sid, "delivered"), now=real_now)

    assert sweep(runtime, real_now + SETTLE_AFTER / 2).settled == 0  # too early to tell
    report = sweep(runtime, real_now + SETTLE_AFTER + timedelta(seconds=1))

    assert report.found == 1
    assert state(session, notice) == NoticeState.SENT
    message = session.scalar(select(Message).filter_by(notice_id=notice.id))
    assert message is not None and message.provider_id == sid
    assert message.delivery_status == "delivered"
    assert len(fake.sent_messages()) == 1


def test_a_send_that_never_reached_twilio_goes_out_again_once(
    fake: FakeTwilio, runtime: Runtime, session: Session, real_now: datetime, referral: Referral
) -> None:
    (notice,) = only(session, referral, real_now)
    lose_answers(runtime, [False], real_now)

    later = real_now + SETTLE_AFTER + timedelta(seconds=1)
    assert sweep(runtime, later).released == 1
    assert state(session, notice) == NoticeState.PLANNED
    assert (
        dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=later).sent == 1
    )
    assert len(fake.sent_messages()) == 1


def test_identical_texts_to_one_number_are_told_apart_by_count(
    fake: FakeTwilio, runtime: Runtime, session: Session, real_now: datetime, referral: Referral
) -> None:
    """Three identical notices, two reached Twilio: two are found, one goes out again."""
    notices = only(session, referral, real_now, count=3)
    lose_answers(runtime, [True, False, True], real_now)

    later = real_now + SETTLE_AFTER + timedelta(seconds=1)
    report = sweep(runtime, later)

    assert (report.found, report.released, report.review) == (2, 1, 0)
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=later)
    assert {state(session, n) for n in notices} == {NoticeState.SENT}
    recorded = set(session.scalars(select(Message.provider_id).where(Message.direction == "out")))
    assert recorded == {m.sid for m in fake.sent_messages()} and len(recorded) == 3


def test_a_call_is_found_by_count_and_an_ambiguous_one_goes_to_review(
    fake: FakeTwilio, runtime: Runtime, session: Session, real_now: datetime, referral: Referral
) -> None:
    (call,) = only(session, referral, real_now, channel="voice")
    lose_answers(runtime, [True], real_now)
    later = real_now + SETTLE_AFTER + timedelta(seconds=1)
    assert sweep(runtime, later).found == 1
    assert state(session, call) == NoticeState.SENT

    first, second = only(session, referral, later, count=2, channel="voice")
    lose_answers(runtime, [True, False], later)
    report = sweep(runtime, later + SETTLE_AFTER + timedelta(seconds=1))

    assert report.review == 2  # one call for two notices: which one cannot be told
    items = session.scalars(select(ReviewItem).filter_by(reason="delivery_unknown")).all()
    assert sorted(i.notice_id or 0 for i in items) == [first.id, second.id]


def test_when_twilio_cannot_be_asked_the_sweep_asks_again_then_shows_it_for_review(
    fake: FakeTwilio, runtime: Runtime, session: Session, real_now: datetime, referral: Referral
) -> None:
    (notice,) = only(session, referral, real_now)
    lose_answers(runtime, [True], real_now)
    later = real_now + SETTLE_AFTER + timedelta(seconds=1)

    fake.fail_next(1, 503)
    assert sweep(runtime, later).waiting == 1
    assert state(session, notice) == NoticeState.CLAIMED
    fake.fail_next(1, 503)
    assert sweep(runtime, later + ASK_AGAIN_FOR).review == 1

    assert state(session, notice) == NoticeState.REVIEW
    assert session.scalar(select(ReviewItem).filter_by(notice_id=notice.id)) is not None


@pytest.fixture
def in_review(
    fake: FakeTwilio, runtime: Runtime, session: Session, real_now: datetime, referral: Referral
) -> Callable[[int], list[ReviewItem]]:
    """`count` notices whose fate stayed unknown (two calls, one listed), as review items."""

    def make(count: int) -> list[ReviewItem]:
        only(session, referral, real_now, count=count, channel="voice")
        lose_answers(runtime, [True] + [False] * (count - 1), real_now)
        assert sweep(runtime, real_now + SETTLE_AFTER + timedelta(seconds=1)).review == count
        return list(session.scalars(select(ReviewItem).order_by(ReviewItem.id)))

    return make


def test_a_caseworker_resends_several_review_items_at_once(
    runtime: Runtime,
    session: Session,
    real_now: datetime,
    in_review: Callable[[int], list[ReviewItem]],
) -> None:
    items = in_review(2)
    with runtime.db.transaction() as tx:
        resent = resend_notices(tx, [i.id for i in items], now=real_now, actor="cw@example.org")

    assert resent == 2
    session.expire_all()
    for item in items:
        fresh = session.get(ReviewItem, item.id)
        assert fresh is not None and fresh.resolved_by == "cw@example.org"
        assert state(session, fresh.notice) == NoticeState.PLANNED  # type: ignore[arg-type]


def test_a_caseworker_marks_a_review_item_sent(
    runtime: Runtime,
    session: Session,
    real_now: datetime,
    in_review: Callable[[int], list[ReviewItem]],
) -> None:
    first, second = in_review(2)
    with runtime.db.transaction() as tx:
        mark_notices_sent(tx, [first.id], now=real_now, actor="cw@example.org")

    session.expire_all()
    assert state(session, first.notice) == NoticeState.SENT  # type: ignore[arg-type]
    assert state(session, second.notice) == NoticeState.REVIEW  # type: ignore[arg-type]
    with pytest.raises(InvalidInput), runtime.db.transaction() as tx:  # already resolved
        resend_notices(tx, [first.id, second.id], now=real_now, actor="cw@example.org")
    assert state(session, second.notice) == NoticeState.REVIEW  # type: ignore[arg-type]
