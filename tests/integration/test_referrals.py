"""Status changes through the one function: events written, refusals change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.models import Notice, Referral, ReferralEvent
from smsgateway.notices import NoticeState
from smsgateway.referrals import Source, Status, TransitionRefused, change_status


def test_new_referral_gets_reference_first_event_and_a_reminder(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=3))
    assert referral.reference == f"R{1000 + referral.id}"
    assert [(e.old_status, e.new_status, e.source) for e in referral.events] == [
        (None, "referred", "caseworker")
    ]
    reminder = session.scalar(select(Notice).filter_by(referral_id=referral.id))
    assert reminder is not None
    assert reminder.kind == "appointment_reminder" and reminder.question == "appointment_reminder"
    assert reminder.due_at == now + timedelta(days=2)
    assert reminder.expires_at == referral.appointment_at


def test_allowed_change_writes_one_event(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    change_status(
        session, referral, Status.CONFIRMED, source=Source.CASEWORKER, now=now, actor="cw"
    )
    session.commit()
    assert referral.status == "confirmed"
    last = referral.events[-1]
    assert (last.old_status, last.new_status, last.actor) == ("referred", "confirmed", "cw")


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], Status.COMPLETED),
        ([Status.CANCELLED], Status.CONFIRMED),
        ([Status.ATTENDED], Status.CONFIRMED),
        ([Status.CONFIRMED], Status.CONFIRMED),
    ],
)
def test_refused_change_raises_and_changes_nothing(
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    path: list[Status],
    refused: Status,
) -> None:
    referral = make_referral()
    for status in path:
        change_status(session, referral, status, source=Source.CASEWORKER, now=now)
    session.commit()
    before = (referral.status, session.scalar(select(func.count()).select_from(ReferralEvent)))
    with pytest.raises(TransitionRefused, match=f"cannot go from {referral.status} to {refused}"):
        change_status(session, referral, refused, source=Source.CASEWORKER, now=now)
    session.commit()
    session.expire_all()
    after = (referral.status, session.scalar(select(func.count()).select_from(ReferralEvent)))
    assert after == before


def test_closing_a_referral_cancels_its_pending_notices(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=5))
    change_status(session, referral, Status.CANCELLED, source=Source.CASEWORKER, now=now)
    session.commit()
    states = session.scalars(select(Notice.state).filter_by(referral_id=referral.id)).all()
    assert states, "a referral with an appointment has planned notices"
    assert set(states) == {NoticeState.CANCELLED}
