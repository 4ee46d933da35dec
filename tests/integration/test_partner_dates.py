"""Rebooking through the partner: asked for a new date by SMS, it answers "R1234 19/12 10:00"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from loop_helpers import notices_of, phone_of, reply, tasks_of, tick
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.loop.standing import caseworker_tasks
from smsgateway.models import Message, Notice, Partner, Referral, ReferralEvent, ReviewItem
from smsgateway.runtime import Runtime


def fresh(session: Session, referral: Referral) -> Referral:
    session.expire_all()
    found = session.get(Referral, referral.id)
    assert found is not None
    return found


def asked_for_another_date(
    runtime: Runtime, referral: Referral, now: datetime
) -> tuple[str, datetime]:
    """The returnee replies 3 to the reminder; the sweep asks the partner. The partner's number
    and the time the request went."""
    tick(runtime, now + timedelta(hours=9))
    reply(runtime, phone_of(referral), "3", now + timedelta(hours=9, minutes=5))
    at = now + timedelta(hours=9, minutes=10)
    tick(runtime, at)
    return referral.partner.point_persons[0].phone_e164, at


def test_the_partner_is_asked_and_its_date_moves_the_appointment_without_a_caseworker(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    partner_phone, at = asked_for_another_date(runtime, referral, now)
    request = session.scalar(
        select(Message).filter_by(direction="out", kind="partner_date_request")
    )
    assert request is not None and request.phone_e164 == partner_phone
    assert referral.reference in request.body and "19/12" not in request.body

    result = reply(
        runtime, partner_phone, f"{referral.reference} 19/12 14h30", at + timedelta(hours=2)
    )

    assert result.outcome == "applied"
    moved = fresh(session, referral)
    # Read in the returnee's time zone (Dakar, UTC+0), this year or the next.
    assert moved.appointment_at is not None
    assert (moved.appointment_at.month, moved.appointment_at.day) == (12, 19)
    assert moved.appointment_at.astimezone(UTC).strftime("%H:%M") == "14:30"
    assert moved.status == "referred"
    (task,) = tasks_of(session, referral, "rebooking")
    assert (task.state, task.resolution) == ("resolved", "status referred")
    assert caseworker_tasks(session, programme=runtime.programme) == []
    event = session.scalars(
        select(ReferralEvent).filter_by(referral_id=referral.id).order_by(ReferralEvent.id.desc())
    ).first()
    assert event is not None
    assert (event.source, event.note, event.actor) == (
        "partner_sms",
        "appointment moved",
        referral.partner.point_persons[0].name,
    )
    assert session.scalars(select(ReviewItem)).all() == []
    # The returnee hears of the new date through the replanned reminders.
    assert any(n.state == "planned" for n in notices_of(session, referral, "appointment_reminder"))


def test_a_date_that_has_passed_or_another_partners_referral_is_refused_and_reviewed(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    partner_phone, at = asked_for_another_date(runtime, referral, now)
    yesterday = (at - timedelta(days=1)).strftime("%d/%m/%Y")

    late = reply(runtime, partner_phone, f"{referral.reference} {yesterday} 10:00", at)
    other = make_referral(partner=make_partner(), appointment_at=now + timedelta(days=3))
    foreign = reply(runtime, partner_phone, f"{other.reference} 20/12 10:00", at)

    assert [(late.outcome, foreign.outcome)] == [("review", "review")]
    assert fresh(session, referral).status == "reschedule_requested"
    assert fresh(session, other).appointment_at == now + timedelta(days=3)
    reasons = [
        n.payload["results"][0]["reason"]
        for n in notices_of_number(session, partner_phone, "ack_partner_results")
    ]
    assert reasons == ["date_in_the_past", "other_partner"]
    assert len(session.scalars(select(ReviewItem)).all()) == 2


def test_without_an_answer_the_partner_is_reminded_twice_then_the_caseworker_gets_the_task(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    partner_phone, at = asked_for_another_date(runtime, referral, now)
    assert caseworker_tasks(session, programme=runtime.programme) == []

    tick(runtime, at + timedelta(days=1))
    tick(runtime, at + timedelta(days=1, hours=1))  # a step runs once: one reminder

    first, again = notices_of_number(session, partner_phone, "partner_date_request")
    assert again.payload["reminder"] is True and first.payload.get("reminder") is not True
    request = session.scalars(
        select(Message).filter_by(direction="out", kind="partner_date_request").order_by(Message.id)
    ).all()[-1]
    assert request.body.startswith("Rappel.") and referral.reference in request.body
    assert caseworker_tasks(session, programme=runtime.programme) == []

    tick(runtime, at + timedelta(days=2))
    tick(runtime, at + timedelta(days=2, hours=1))

    *_, last = notices_of_number(session, partner_phone, "partner_date_request")
    assert last.payload["reminder"] is True
    assert len(notices_of_number(session, partner_phone, "partner_date_request")) == 3
    assert caseworker_tasks(session, programme=runtime.programme) == []

    tick(runtime, at + timedelta(days=3))

    session.expire_all()
    (task,) = caseworker_tasks(session, programme=runtime.programme)
    assert task.referral_id == referral.id
    assert len(notices_of_number(session, partner_phone, "partner_date_request")) == 3


def test_the_date_given_after_the_reminder_moves_the_appointment(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    partner_phone, at = asked_for_another_date(runtime, referral, now)
    tick(runtime, at + timedelta(days=1))

    result = reply(
        runtime, partner_phone, f"{referral.reference} 20/12 10h", at + timedelta(days=1, hours=3)
    )

    assert result.outcome == "applied"
    moved = fresh(session, referral)
    assert moved.appointment_at is not None and (moved.appointment_at.day, moved.status) == (
        20,
        "referred",
    )
    tick(runtime, at + timedelta(days=2))
    assert caseworker_tasks(session, programme=runtime.programme) == []


def test_a_bare_digit_to_a_date_request_records_nothing(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """The request is not an outcome question: a "1" does not mean enrolled."""
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    partner_phone, at = asked_for_another_date(runtime, referral, now)

    reply(runtime, partner_phone, "1", at + timedelta(hours=1))

    assert fresh(session, referral).status == "reschedule_requested"


def notices_of_number(session: Session, phone: str, kind: str) -> list[Notice]:
    session.expire_all()
    return list(
        session.scalars(
            select(Notice).filter_by(recipient_phone=phone, kind=kind).order_by(Notice.id)
        )
    )
