"""Status changes through the one function: events written, refusals change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.models import Message, Notice, Partner, Referral, ReferralEvent, Returnee
from smsgateway.notices import NoticeState
from smsgateway.referrals import (
    Source,
    Status,
    TransitionRefused,
    change_status,
    record_creation,
)


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


def _events(referral: Referral) -> list[tuple[str | None, str]]:
    return [(event.old_status, event.new_status) for event in referral.events]


def test_loaded_events_hold_every_change_in_the_same_transaction(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """The event is written through Core whoever changes the status: a `referral.events` read
    before the change is never stale after it, flushed or not, committed or not."""
    referral = make_referral()
    assert _events(referral) == [(None, "referred")]  # loaded
    change_status(session, referral, Status.CONFIRMED, source=Source.CASEWORKER, now=now)
    assert _events(referral) == [(None, "referred"), ("referred", "confirmed")]
    change_status(session, referral, Status.ATTENDED, source=Source.PARTNER_PAGE, now=now)
    assert _events(referral) == [
        (None, "referred"),
        ("referred", "confirmed"),
        ("confirmed", "attended"),
    ]
    assert [event.referral is referral for event in referral.events] == [True] * 3
    session.commit()
    session.expire_all()
    assert _events(referral)[-1] == ("confirmed", "attended")
    assert session.scalar(select(func.count()).select_from(ReferralEvent)) == 3


def test_events_not_loaded_are_read_with_the_change(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    session.expire(referral)  # as a referral read in a new transaction: events not loaded
    change_status(session, referral, Status.DECLINED, source=Source.CASEWORKER, now=now)
    assert _events(referral) == [(None, "referred"), ("referred", "declined")]


def test_a_referral_not_stored_yet_gets_its_events_in_the_order_they_were_made(
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
) -> None:
    """A referral (and its first event, an ORM object) still pending is flushed before the
    change's event is inserted: ids follow the order of the changes, the link is there."""
    referral = Referral(
        returnee=make_returnee(),
        partner=make_partner(),
        service_category="vocational_training",
        status=Status.REFERRED,
        created_by="cw",
        created_at=now,
        updated_at=now,
        status_changed_at=now,
    )
    session.add(referral)
    record_creation(session, referral, now=now, actor="cw")
    change_status(session, referral, Status.CONFIRMED, source=Source.CASEWORKER, now=now)
    assert referral.id is not None
    assert _events(referral) == [(None, "referred"), ("referred", "confirmed")]
    session.commit()
    ids = session.scalars(
        select(ReferralEvent.id).filter_by(referral_id=referral.id).order_by(ReferralEvent.id)
    ).all()
    statuses = session.scalars(
        select(ReferralEvent.new_status)
        .filter_by(referral_id=referral.id)
        .order_by(ReferralEvent.id)
    ).all()
    assert len(ids) == 2 and statuses == ["referred", "confirmed"]


def test_the_event_links_a_message_stored_in_the_same_flush(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    message = Message(
        direction="in",
        channel="sms",
        phone_e164="+221770000001",
        provider="local",
        body="1",
        delivery_status="received",
        created_at=now,
        updated_at=now,
    )
    session.add(message)  # not flushed: no id yet
    change_status(
        session, referral, Status.CONFIRMED, source=Source.RETURNEE_REPLY, now=now, message=message
    )
    assert message.id is not None
    assert referral.events[-1].message_id == message.id


def test_a_status_change_is_written_at_once_with_its_version_and_leaves_nothing_to_flush(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """`change_status` writes the referral's row through Core (`update_now`), counting its
    version as a flush would; the object holds what was written and is not dirty."""
    referral = make_referral()
    version = referral.version
    change_status(session, referral, Status.CONFIRMED, source=Source.CASEWORKER, now=now)
    assert referral.version == version + 1
    assert not session.is_modified(referral)
    row = session.execute(
        select(Referral.status, Referral.version, Referral.furthest_stage).where(
            Referral.id == referral.id
        )
    ).one()
    assert tuple(row) == ("confirmed", version + 1, 1)
    # A later change through the ORM still counts from there.
    referral.needs_reorientation = True
    session.commit()
    session.expire_all()
    assert (referral.status, referral.version) == ("confirmed", version + 2)


def test_a_change_before_the_status_in_the_same_transaction_is_kept(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    referral.appointment_place = "Guédiawaye"  # pending for the flush
    change_status(session, referral, Status.DECLINED, source=Source.CASEWORKER, now=now)
    session.commit()
    session.expire_all()
    assert (referral.status, referral.appointment_place) == ("declined", "Guédiawaye")
