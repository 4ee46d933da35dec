"""Provider errors, from the API call or from a status callback, follow the documented table."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from delivery_helpers import dispatch, message_of, only_reminder, own_point, planned_after
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.delivery.errors import Action, error_of
from smsgateway.fakes import FakeTwilio
from smsgateway.models import Notice, Referral, Returnee, ReviewItem, Suppression
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime

OWN = "+221771500001"
PROXY = "+221771500002"

#: What each action of the table looks like as the next notice: (kind, channel, contact point).
NEXT_FOR = {
    Action.ESCALATE: (NoticeKind.APPOINTMENT_REMINDER, "sms", OWN),  # retry the same, later
    Action.VOICE: (NoticeKind.APPOINTMENT_REMINDER, "voice", OWN),
    Action.PROXY: (NoticeKind.PROXY_CONTACT_REQUEST, "sms", PROXY),
    Action.SUPPRESS: None,
}


@pytest.fixture
def referral(make_referral: Any, make_returnee: Any) -> Referral:
    returnee = make_returnee(phones=[PhoneInput(OWN), PhoneInput(PROXY, is_proxy=True)])
    created: Referral = make_referral(returnee=returnee)
    return created


def fail_first_notice(
    fake: FakeTwilio,
    runtime: Runtime,
    session: Session,
    referral: Referral,
    now: datetime,
    *,
    code: int,
    path: str,
    channel: str,
) -> Notice:
    """Send a reminder that fails with `code`, refused on the API call or reported later."""
    notice = only_reminder(session, referral, now, channel=channel)
    if path == "api":
        fake.reject_number(OWN, code)
        dispatch(runtime, now)
        assert message_of(session, notice).delivery_status == "failed"  # recorded as refused
        session.expire_all()
        assert session.get(Notice, notice.id).state == NoticeState.FAILED  # type: ignore[union-attr]
    else:
        dispatch(runtime, now)
        if channel == "voice":
            raise AssertionError("call results carry no error code")
        fake.fire_message_status(fake.sent_messages()[-1].sid, "undelivered", code)
    return notice


@pytest.mark.parametrize("path", ["api", "callback"])
@pytest.mark.parametrize(
    ("code", "channel"),
    [
        (21610, "sms"),
        (21211, "sms"),
        (21614, "sms"),
        (30003, "sms"),
        (30006, "sms"),
        (30008, "sms"),
        (21217, "sms"),
    ],
)
def test_an_error_sets_the_contact_point_and_the_next_step_the_table_documents(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    referral: Referral,
    code: int,
    channel: str,
    path: str,
) -> None:
    entry = error_of(code)

    notice = fail_first_notice(
        wired, runtime, session, referral, now, code=code, path=path, channel=channel
    )

    assert own_point(session, referral).reachability == entry.state
    expected = NEXT_FOR[entry.action]
    follow = planned_after(session, notice)
    if expected is None:
        assert follow == []
    else:
        (next_notice,) = follow
        assert next_notice.contact_point is not None
        kind, next_channel, phone = expected
        assert (next_notice.kind, next_notice.channel, next_notice.contact_point.phone_e164) == (
            kind,
            next_channel,
            phone,
        )
        later = entry.action is Action.ESCALATE
        assert (next_notice.due_at > now) is later  # a retry waits; a jump goes now
    is_suppressed = session.scalar(select(Suppression).filter_by(phone_e164=OWN)) is not None
    assert is_suppressed is (entry.action is Action.SUPPRESS)


def test_unsubscribed_tells_the_caseworker_once_and_stops_every_channel(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    fail_first_notice(wired, runtime, session, referral, now, code=21610, path="api", channel="sms")
    sent_before = len(wired.sent_messages()) + len(wired.calls())
    for channel in ("sms", "whatsapp", "voice"):
        notice = only_reminder(session, referral, now, channel=channel)
        dispatch(runtime, now)
        session.expire_all()
        assert session.get(Notice, notice.id).last_error == "suppressed"  # type: ignore[union-attr]

    assert len(wired.sent_messages()) + len(wired.calls()) == sent_before
    # Told once: the person's only own number stopped, so they are on the Unreachable list.
    assert session.scalars(select(ReviewItem).filter_by(reason="opted_out")).all() == []
    session.expire_all()
    returnee = session.get(Returnee, referral.returnee_id)
    assert returnee is not None and returnee.unreachable_reason == "opted_out"


def test_30005_is_not_a_wrong_number_the_first_time_but_is_when_repeated(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    notice = fail_first_notice(
        wired, runtime, session, referral, now, code=30005, path="callback", channel="sms"
    )
    assert own_point(session, referral).reachability == "failing"
    (retry,) = planned_after(session, notice)
    assert (retry.kind, retry.channel, retry.due_at > now) == (notice.kind, "sms", True)

    dispatch(runtime, retry.due_at)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30005)

    assert own_point(session, referral).reachability == "invalid"
    (proxy_request,) = planned_after(session, retry)
    assert proxy_request.kind == NoticeKind.PROXY_CONTACT_REQUEST
    assert proxy_request.contact_point is not None
    assert proxy_request.contact_point.phone_e164 == PROXY


def test_a_delivery_between_two_30005_starts_the_count_again(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    first = only_reminder(session, referral, now)
    dispatch(runtime, now)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30005)
    (retry,) = planned_after(session, first)
    dispatch(runtime, retry.due_at)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "delivered")
    later = retry.due_at + timedelta(days=1)
    only_reminder(session, referral, later)
    dispatch(runtime, later)

    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30005)

    assert own_point(session, referral).reachability == "failing"


def test_provider_trouble_retries_the_same_notice_and_leaves_the_number_alone(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    notice = only_reminder(session, referral, now)
    wired.fail_next(1, 503)

    dispatch(runtime, now)

    session.expire_all()
    again = session.get(Notice, notice.id)
    assert again is not None and again.state == NoticeState.PLANNED and again.attempts == 1
    assert own_point(session, referral).reachability == "unknown"
    assert planned_after(session, notice) == []
