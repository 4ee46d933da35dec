"""'Wrong number': the number is not the returnee's. Nothing more goes to it, and the person is
looked for another way (their proxy, then the unreachable flag), with no review item to read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from loop_helpers import reply, sent_to, travel
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.delivery.outcomes import programme_policy
from smsgateway.escalation import flag_unanswered
from smsgateway.models import ContactPoint, Message, Notice, Referral, Returnee, ReviewItem
from smsgateway.models.reachability import Suppression
from smsgateway.notices import NoticeState
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime

OWN = "+221771800001"
PROXY = "+221771800002"
SECOND = "+221771800003"


def point(session: Session, phone: str) -> ContactPoint:
    session.expire_all()
    found = session.scalar(select(ContactPoint).filter_by(phone_e164=phone))
    assert found is not None
    return found


def returnee_of(session: Session, referral: Referral) -> Returnee:
    session.expire_all()
    found = session.get(Returnee, referral.returnee_id)
    assert found is not None
    return found


def reminded(
    runtime: Runtime,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
    phones: list[PhoneInput],
) -> tuple[Referral, datetime]:
    """A referral whose appointment reminder went to the first number; when it went."""
    referral = make_referral(
        returnee=make_returnee(phones=phones), appointment_at=now + timedelta(days=2)
    )
    at = now + timedelta(days=1, hours=1)
    travel(runtime, now, at, step=timedelta(hours=6))
    return referral, at


def test_a_wrong_number_stops_the_number_and_asks_the_proxy_without_a_review_item(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    phones = [PhoneInput(OWN), PhoneInput(PROXY, is_proxy=True)]
    referral, at = reminded(runtime, now, make_returnee, make_referral, phones)
    assert len(sent_to(session, OWN, "appointment_reminder")) == 1
    before = len(sent_to(session, OWN))

    result = reply(runtime, OWN, "Sorry, wrong number", at + timedelta(minutes=5))

    assert result.outcome == "applied"
    message = session.get(Message, result.message_id)
    assert message is not None and message.intent == "wrong_number"  # the message is kept
    assert session.scalars(select(ReviewItem)).all() == []
    assert point(session, OWN).reachability == "invalid"
    assert session.scalar(select(Suppression).filter_by(phone_e164=OWN)) is not None
    planned = session.scalars(
        select(Notice).filter_by(contact_point_id=point(session, OWN).id)
    ).all()
    assert all(n.state != NoticeState.PLANNED for n in planned)

    travel(runtime, at + timedelta(minutes=10), at + timedelta(days=2), step=timedelta(hours=6))
    # The proxy is asked, discreetly, once; the stranger hears nothing more, not even an answer.
    assert [m.kind for m in sent_to(session, PROXY)] == ["proxy_contact_request"]
    assert len(sent_to(session, OWN)) == before
    assert returnee_of(session, referral).unreachable_flagged_at is None

    with runtime.db.transaction() as tx:
        # Nobody answered through the proxy in its window (the scheduler's escalation job):
        # the person is flagged, one entry for a caseworker.
        assert flag_unanswered(tx, now=at + timedelta(days=4), policy=programme_policy()) == 1
    assert returnee_of(session, referral).unreachable_flagged_at is not None
    assert len(sent_to(session, OWN)) == before


def test_a_wrong_number_without_a_proxy_flags_the_person_at_once(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    referral, at = reminded(runtime, now, make_returnee, make_referral, [PhoneInput(OWN)])

    reply(runtime, OWN, "mauvais numéro", at + timedelta(minutes=5))

    assert returnee_of(session, referral).unreachable_flagged_at is not None
    assert session.scalars(select(ReviewItem)).all() == []


def test_a_wrong_number_on_one_of_two_own_numbers_leaves_the_other_to_reach_the_person(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    phones = [PhoneInput(OWN), PhoneInput(SECOND), PhoneInput(PROXY, is_proxy=True)]
    referral, at = reminded(runtime, now, make_returnee, make_referral, phones)

    reply(runtime, OWN, "I don't know this person", at + timedelta(minutes=5))
    travel(runtime, at + timedelta(minutes=10), at + timedelta(days=4), step=timedelta(hours=6))

    assert point(session, OWN).reachability == "invalid"
    assert point(session, SECOND).reachability != "invalid"
    assert sent_to(session, PROXY) == []
    assert returnee_of(session, referral).unreachable_flagged_at is None


def test_a_wrong_number_beside_an_answer_is_read_by_a_caseworker(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    """'yes wrong number' says two things: the number is not stopped, nothing is confirmed."""
    referral, at = reminded(runtime, now, make_returnee, make_referral, [PhoneInput(OWN)])

    reply(runtime, OWN, "yes wrong number", at + timedelta(minutes=5))

    session.expire_all()
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]
    assert point(session, OWN).reachability != "invalid"
    assert [item.reason for item in session.scalars(select(ReviewItem))] == ["unclear"]


def test_a_number_already_stopped_is_left_as_it_is_by_a_wrong_number_answer(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    phones = [PhoneInput(OWN), PhoneInput(PROXY, is_proxy=True)]
    referral, at = reminded(runtime, now, make_returnee, make_referral, phones)

    reply(runtime, OWN, "STOP", at + timedelta(minutes=5))
    reply(runtime, OWN, "wrong number", at + timedelta(minutes=30))
    reply(runtime, OWN, "wrong number", at + timedelta(minutes=40))
    travel(runtime, at + timedelta(hours=1), at + timedelta(days=2), step=timedelta(hours=6))

    # The STOP stands (only START lifts it), and nobody is asked after the person.
    assert point(session, OWN).reachability == "opted_out"
    (suppression,) = session.scalars(select(Suppression).filter_by(phone_e164=OWN)).all()
    assert suppression.reason != "wrong_number"
    assert sent_to(session, PROXY) == []
    assert returnee_of(session, referral).unreachable_reason == "opted_out"
