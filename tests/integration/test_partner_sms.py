"""Partners by SMS: commands from point persons' numbers, applied only to their own referrals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import Message, Notice, Partner, Referral, ReferralEvent, ReviewItem
from smsgateway.replies.inbound import InboundMessage, InboundResult, receive_message
from smsgateway.runtime import Runtime


def send(runtime: Runtime, phone: str, text: str, at: datetime) -> InboundResult:
    with runtime.db.transaction() as tx:
        return receive_message(tx, InboundMessage(phone, text), now=at, settings=runtime.settings)


def point_phone(partner: Partner) -> str:
    return partner.point_persons[0].phone_e164


def status_of(session: Session, referral: Referral) -> str:
    session.expire_all()
    found = session.get(Referral, referral.id)
    assert found is not None
    return found.status


def results_of(session: Session, result: InboundResult) -> list[dict[str, str]]:
    (notice_id,) = result.notice_ids
    notice = session.get(Notice, notice_id)
    assert notice is not None and notice.kind == "ack_partner_results"
    results: list[dict[str, str]] = notice.payload["results"]
    return results


def test_several_references_are_recorded_with_events_and_the_partner_is_answered(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partner = make_partner()
    first, second = make_referral(partner=partner), make_referral(partner=partner)

    result = send(
        runtime, point_phone(partner), f"ENROLLED {first.reference} {second.reference}", now
    )

    assert result.outcome == "applied"
    assert (status_of(session, first), status_of(session, second)) == ("enrolled", "enrolled")
    events = session.scalars(select(ReferralEvent).filter_by(message_id=result.message_id)).all()
    assert sorted((e.referral_id, e.source, e.actor) for e in events) == [
        (first.id, "partner_sms", partner.point_persons[0].name),
        (second.id, "partner_sms", partner.point_persons[0].name),
    ]
    assert results_of(session, result) == [
        {"reference": first.reference, "outcome": "recorded", "reason": ""},
        {"reference": second.reference, "outcome": "recorded", "reason": ""},
    ]
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    answer = session.scalar(select(Message).filter_by(direction="out", kind="ack_partner_results"))
    assert answer is not None and answer.phone_e164 == point_phone(partner)
    assert f"{first.reference}" in answer.body and f"{second.reference}" in answer.body


def test_ineligible_records_the_reason_and_marks_the_referral_for_re_orientation(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partner = make_partner()
    referral = make_referral(partner=partner)

    result = send(
        runtime, point_phone(partner), f"NON ELIGIBLE {referral.reference} trop loin", now
    )

    assert status_of(session, referral) == "ineligible"
    event = session.scalar(select(ReferralEvent).filter_by(message_id=result.message_id))
    assert event is not None and event.note == "trop loin"
    session.expire_all()
    found = session.get(Referral, referral.id)
    assert found is not None and found.needs_reorientation
    # The review queue gets it only when the programme's [replies] review names "reorientation".
    assert session.scalar(select(ReviewItem).filter_by(message_id=result.message_id)) is None


def test_refusals_name_the_reason_and_change_nothing(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partner, other = make_partner(), make_partner()
    closed = make_referral(partner=partner)
    foreign = make_referral(partner=other)
    send(runtime, point_phone(partner), f"INELIGIBLE {closed.reference}", now)
    later = now + timedelta(minutes=1)

    result = send(
        runtime,
        point_phone(partner),
        f"ENROLLED {closed.reference} {foreign.reference} R99999",
        later,
    )

    assert result.outcome == "review"
    assert results_of(session, result) == [
        {"reference": closed.reference, "outcome": "refused", "reason": "transition_not_allowed"},
        {
            "reference": foreign.reference,
            "outcome": "refused",
            "reason": "other_partner",
        },
        {"reference": "R99999", "outcome": "refused", "reason": "unknown_reference"},
    ]
    assert (status_of(session, closed), status_of(session, foreign)) == ("ineligible", "referred")
    assert (
        session.scalars(select(ReferralEvent).filter_by(message_id=result.message_id)).all() == []
    )
    item = session.scalar(select(ReviewItem).filter_by(message_id=result.message_id))
    assert item is not None and item.reason == "partner_message"


def test_mixed_commands_record_what_is_allowed_and_refuse_the_rest(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partner, other = make_partner(), make_partner()
    mine, theirs = make_referral(partner=partner), make_referral(partner=other)

    result = send(
        runtime, point_phone(partner), f"NOSHOW {mine.reference}\nDROPPED {theirs.reference}", now
    )

    assert result.outcome == "applied"
    assert [r["outcome"] for r in results_of(session, result)] == ["recorded", "refused"]
    assert (status_of(session, mine), status_of(session, theirs)) == ("no_show", "referred")


def test_commands_from_an_unregistered_number_apply_nothing(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()

    result = send(runtime, "+221775550123", f"ENROLLED {referral.reference}", now)

    assert result.outcome == "unknown_sender"
    assert status_of(session, referral) == "referred"
    item = session.scalar(select(ReviewItem).filter_by(message_id=result.message_id))
    assert item is not None and item.reason == "unknown_sender"


def test_a_point_person_message_without_commands_is_queued_not_dropped(
    runtime: Runtime, session: Session, now: datetime, make_partner: Callable[..., Partner]
) -> None:
    partner = make_partner()

    result = send(runtime, point_phone(partner), "Bonjour, qui dois-je appeler ?", now)

    assert (result.outcome, result.notice_ids) == ("review", [])
    item = session.scalar(select(ReviewItem).filter_by(message_id=result.message_id))
    assert item is not None and item.reason == "partner_message"
