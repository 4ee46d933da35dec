"""STOP per number: that number stops on every channel and sender; the others keep receiving."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from delivery_helpers import PUBLIC, SENDER, dispatch, only_reminder, reminder
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.fakes import FakeTwilio
from smsgateway.models import ContactPoint, Message, Notice, Referral, ReviewItem, Suppression
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime

OWN = "+221771700001"
SECOND = "+221771700002"
PROXY = "+221771700003"
INBOUND_URL = f"{PUBLIC}/webhooks/twilio/messages"


@pytest.fixture
def referral(make_referral: Any, make_returnee: Any) -> Referral:
    phones = [PhoneInput(OWN), PhoneInput(SECOND), PhoneInput(PROXY, is_proxy=True)]
    created: Referral = make_referral(returnee=make_returnee(phones=phones))
    return created


def point(session: Session, phone: str) -> ContactPoint:
    session.expire_all()
    found = session.scalar(select(ContactPoint).filter_by(phone_e164=phone))
    assert found is not None
    return found


def acks(session: Session, kind: NoticeKind) -> list[Notice]:
    session.expire_all()
    return list(session.scalars(select(Notice).filter_by(kind=kind)))


def to_number(
    session: Session, referral: Referral, phone: str, now: datetime, channel: str = "sms"
) -> Notice:
    notice = reminder(session, referral, now, channel=channel)
    notice.contact_point = point(session, phone)
    session.commit()
    return notice


def test_stop_from_one_number_stops_it_everywhere_and_the_other_numbers_keep_receiving(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    planned_to_own = only_reminder(session, referral, now + timedelta(days=1))

    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, "STOP")

    assert point(session, OWN).reachability == "opted_out"
    assert point(session, SECOND).reachability != "opted_out"
    assert session.scalar(select(Suppression).filter_by(phone_e164=OWN)) is not None
    assert session.get(Notice, planned_to_own.id).state == NoticeState.CANCELLED  # type: ignore[union-attr]
    (told,) = session.scalars(select(ReviewItem).filter_by(reason="opted_out")).all()
    assert told.returnee_id == referral.returnee_id and told.message_id is not None

    sent_before = len(wired.sent_messages()) + len(wired.calls())
    for channel in ("sms", "whatsapp", "voice"):
        to_number(session, referral, OWN, now, channel)
    kept = to_number(session, referral, SECOND, now)
    dispatch(runtime, now)

    after = [m.to for m in wired.sent_messages()] + [c.to for c in wired.calls()]
    # Only the answer to STOP went to the stopped number; the other number got its notice.
    assert sorted(after[sent_before:]) == sorted([OWN, SECOND])
    session.expire_all()
    kinds_to_own = session.scalars(
        select(Message.kind).filter_by(phone_e164=OWN, direction="out").order_by(Message.id)
    ).all()
    assert kinds_to_own == ["ack_opted_out"]
    assert session.get(Notice, kept.id).state == NoticeState.SENT  # type: ignore[union-attr]


def test_stop_from_a_proxy_stops_the_proxy_only(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    wired.fire_inbound_message(INBOUND_URL, PROXY, SENDER, "STOP")

    assert point(session, PROXY).reachability == "opted_out"
    assert point(session, OWN).reachability != "opted_out"
    notice = only_reminder(session, referral, now)
    dispatch(runtime, now)
    session.expire_all()
    assert session.get(Notice, notice.id).state == NoticeState.SENT  # type: ignore[union-attr]


def test_start_restores_that_number_and_a_delivery_never_undoes_a_stop(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, "STOP")
    dispatch(runtime, now)  # the answer to STOP goes out and is delivered
    wired.fire_message_status(wired.sent_messages()[-1].sid, "delivered")
    assert point(session, OWN).reachability == "opted_out"

    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, "START")

    assert point(session, OWN).reachability == "reachable"
    assert session.scalar(select(Suppression).filter_by(phone_e164=OWN)) is None
    assert len(acks(session, NoticeKind.ACK_OPTED_IN)) == 1


@pytest.mark.parametrize("keyword", ["STOP", "AIDE", "START"])
def test_with_advanced_opt_out_the_provider_answers_the_keywords_and_the_service_does_not(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    referral: Referral,
    keyword: str,
) -> None:
    runtime.settings = replace(runtime.settings, twilio_advanced_opt_out=True)

    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, keyword)

    session.expire_all()
    answers = session.scalars(select(Notice).where(Notice.kind.like("ack_%"))).all()
    assert answers == []
    if keyword == "STOP":
        assert point(session, OWN).reachability == "opted_out"  # still recorded


def test_without_advanced_opt_out_the_service_answers_stop(
    wired: FakeTwilio, session: Session, referral: Referral
) -> None:
    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, "STOP")

    assert len(acks(session, NoticeKind.ACK_OPTED_OUT)) == 1
