"""Replies written back: status change + event + acknowledgement, review items, and context."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import (
    Message,
    Notice,
    Referral,
    ReferralEvent,
    Returnee,
    ReviewItem,
    Suppression,
)
from smsgateway.referrals import Source, Status, TransitionRefused, change_status
from smsgateway.replies.apply import apply_review_item
from smsgateway.replies.inbound import InboundMessage, InboundResult, receive_message
from smsgateway.replies.intents import Intent
from smsgateway.returnees import PhoneInput, set_consent
from smsgateway.runtime import Runtime

QUESTION_KINDS = {
    "appointment_reminder": "appointment_reminder",
    "attendance_check": "attendance_check",
    "followup": "referral_followup",
}


def send_due(runtime: Runtime, at: datetime) -> None:
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=at)


def ask(runtime: Runtime, session: Session, referral: Referral, question: str) -> datetime:
    """Send the first notice of this question's kind for `referral`; returns when it went out."""
    notice = session.scalars(
        select(Notice)
        .filter_by(referral_id=referral.id, kind=QUESTION_KINDS[question])
        .order_by(Notice.due_at)
    ).first()
    assert notice is not None, f"the referral has no {question} planned"
    send_due(runtime, notice.due_at)
    session.refresh(notice)
    assert notice.state == "sent"
    assert notice.sent_at is not None
    return notice.sent_at


def reply(runtime: Runtime, phone: str, text: str, at: datetime, **kw: str) -> InboundResult:
    with runtime.db.transaction() as tx:
        return receive_message(
            tx, InboundMessage(phone, text, **kw), now=at, settings=runtime.settings
        )


def phone_of(returnee: Returnee) -> str:
    return returnee.contact_points[0].phone_e164


def reviews_of(session: Session, message_id: int) -> list[str]:
    items = session.scalars(select(ReviewItem).filter_by(message_id=message_id))
    return sorted(item.reason for item in items)


def acks_after(session: Session, returnee_id: int, notice_ids: list[int]) -> list[Notice]:
    return [
        n
        for n in (session.get(Notice, i) for i in notice_ids)
        if n and n.returnee_id == returnee_id
    ]


TwoQuestions = tuple[Returnee, Referral, Referral, datetime]

#: A relative's number: the sister of `with_a_sister`'s returnee.
SISTER = "+221770009999"


def with_a_sister(make_returnee: Callable[..., Returnee]) -> Returnee:
    """A returnee with a number of their own and their sister's (a proxy) beside it."""
    return make_returnee(
        phones=[PhoneInput("+221770001111"), PhoneInput(SISTER, is_proxy=True, relation="sister")]
    )


@pytest.fixture
def two_questions(
    runtime: Runtime,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> TwoQuestions:
    """A returnee whose two referrals' reminders went out together: two questions open at the
    moment returned."""
    returnee = make_returnee()
    first = make_referral(returnee=returnee, appointment_at=now + timedelta(hours=10))
    second = make_referral(returnee=returnee, appointment_at=now + timedelta(hours=11))
    at = now + timedelta(hours=9)
    send_due(runtime, at)
    return returnee, first, second, at


@pytest.mark.parametrize(
    ("question", "text", "intent", "status", "ack", "reviews"),
    [
        ("appointment_reminder", "1", "confirm", "confirmed", "ack_confirmed", []),
        # Declines reach the review queue only when the programme's [replies] review says so.
        ("appointment_reminder", "2", "decline", "declined", "ack_declined", []),
        # A request for another date is on the caseworker's list as a rebooking task
        # (tests/integration/test_loop_tasks.py), not also in the review queue.
        ("appointment_reminder", "3", "reschedule", "reschedule_requested", "ack_reschedule", []),
        ("attendance_check", "1", "attended_yes", "attended", "ack_attended_yes", []),
        ("attendance_check", "2", "attended_no", "no_show", "ack_attended_no", []),
        ("followup", "1", "attended_yes", "enrolled", "ack_attended_yes", []),
        # A "no" marks the referral not_started and "needs re-orientation"; the review queue
        # gets it only when the programme's [replies] review names "reorientation".
        ("followup", "2", "attended_no", "not_started", "ack_attended_no", []),
        ("appointment_reminder", "peut-être", "unclear", "referred", "ack_unclear", ["unclear"]),
        # Unclear, but about the messages: perhaps an opt-out nobody understood.
        (
            "appointment_reminder",
            "vos messages arrivent sur le téléphone de mon mari, il n'est pas content",
            "unclear",
            "referred",
            "ack_unclear_stop",
            ["unclear_about_the_messages"],
        ),
        # A confirmation that asks a practical question: recorded, and the question goes to a
        # caseworker to answer.
        (
            "appointment_reminder",
            "Je viendrai. Le bureau est où exactement ?",
            "confirm",
            "confirmed",
            "ack_confirmed",
            ["question_beside_answer"],
        ),
        ("appointment_reminder", "Je viendrai, merci", "confirm", "confirmed", "ack_confirmed", []),
    ],
)
def test_each_answer_records_status_event_acknowledgement_and_review(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    question: str,
    text: str,
    intent: str,
    status: str,
    ack: str,
    reviews: list[str],
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    at = ask(runtime, session, referral, question) + timedelta(minutes=5)

    result = reply(runtime, phone_of(referral.returnee), text, at)

    session.expire_all()
    stored = session.get(Message, result.message_id)
    assert stored is not None and stored.body == text and stored.intent == intent
    assert stored.referral_id == referral.id
    refreshed = session.get(Referral, referral.id)
    assert refreshed is not None and refreshed.status == status
    linked = session.scalars(select(ReferralEvent).filter_by(message_id=stored.id)).all()
    if status == "referred":
        assert linked == []
    else:
        assert [(e.referral_id, e.new_status, e.source) for e in linked] == [
            (referral.id, status, "returnee_reply")
        ]
    assert refreshed.needs_reorientation is (question == "followup" and text == "2")
    assert reviews_of(session, stored.id) == reviews
    (acknowledgement,) = acks_after(session, referral.returnee_id, result.notice_ids)
    assert acknowledgement.kind == ack and acknowledgement.language == "fr"
    send_due(runtime, at)
    sent = session.scalar(select(Message).filter_by(direction="out", kind=ack))
    assert sent is not None and sent.language == "fr" and sent.body


def test_an_unclear_reply_about_the_messages_is_told_how_to_stop_and_stop_then_stops(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    at = ask(runtime, session, referral, "appointment_reminder") + timedelta(minutes=5)
    phone = phone_of(referral.returnee)

    text = "vos messages arrivent sur le téléphone de mon mari, il n'est pas content"
    result = reply(runtime, phone, text, at)

    session.expire_all()
    (acknowledgement,) = acks_after(session, referral.returnee_id, result.notice_ids)
    assert acknowledgement.kind == "ack_unclear_stop"
    send_due(runtime, at)
    sent = session.scalar(select(Message).filter_by(direction="out", kind="ack_unclear_stop"))
    assert sent is not None and sent.language == "fr"
    assert "ou STOP pour arreter tous les messages" in sent.body  # GSM-7: "arreter"
    assert reviews_of(session, result.message_id) == ["unclear_about_the_messages"]

    reply(runtime, phone, "STOP", at + timedelta(minutes=10))

    session.expire_all()
    assert session.scalar(select(Suppression).filter_by(phone_e164=phone)) is not None


def test_an_opt_out_read_by_likeness_stops_and_a_caseworker_checks_it(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """Rule 7b: an opt-out in words no rule knows stops the number like STOP, and a caseworker
    sees that it was read by likeness, to check it was meant."""
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    at = ask(runtime, session, referral, "appointment_reminder") + timedelta(minutes=5)
    phone = phone_of(referral.returnee)

    result = reply(runtime, phone, "ces sms c'est trop, ce téléphone est à mon mari", at)

    session.expire_all()
    assert session.scalar(select(Suppression).filter_by(phone_e164=phone)) is not None
    assert session.get(Message, result.message_id).intent == "opt_out"  # type: ignore[union-attr]  # stored above
    assert reviews_of(session, result.message_id) == ["opt_out_by_likeness"]
    (acknowledgement,) = acks_after(session, referral.returnee_id, result.notice_ids)
    assert acknowledgement.kind == "ack_opted_out"  # told how to start again


def test_a_caseworker_who_finds_a_likeness_stop_was_not_meant_starts_the_number_again(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """The stop was the service's reading, not the person's STOP: applying the item as "wants
    the messages" lifts it, and the returnee is told the messages start again."""
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    at = ask(runtime, session, referral, "appointment_reminder") + timedelta(minutes=5)
    phone = phone_of(referral.returnee)
    result = reply(runtime, phone, "ces sms c'est trop, ce téléphone est à mon mari", at)
    item = session.scalar(select(ReviewItem).filter_by(message_id=result.message_id))
    assert item is not None and item.reason == "opt_out_by_likeness"

    with runtime.db.transaction() as tx:
        applied = apply_review_item(
            tx,
            item.id,
            Intent.OPT_IN,
            now=at + timedelta(hours=1),
            actor="cw",
            referral_id=referral.id,
        )

    session.expire_all()
    assert session.scalar(select(Suppression).filter_by(phone_e164=phone)) is None
    assert referral.returnee.contact_points[0].reachability != "opted_out"
    (ack,) = acks_after(session, referral.returnee_id, applied.notice_ids)
    assert ack.kind == "ack_opted_in"


def test_stop_stops_the_number_is_acknowledged_and_start_restores(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=3))
    phone = phone_of(referral.returnee)

    stopped = reply(runtime, phone, "STOP", now)

    session.expire_all()
    assert session.scalar(select(Suppression).filter_by(phone_e164=phone)) is not None
    assert referral.returnee.contact_points[0].reachability == "opted_out"
    pending = session.scalars(
        select(Notice).filter_by(referral_id=referral.id, state="planned")
    ).all()
    assert pending == []
    # The caseworker is told once: the person, whose only number stopped, is on the Unreachable
    # list (no review item besides).
    assert reviews_of(session, stopped.message_id) == []
    assert referral.returnee.unreachable_reason == "opted_out"
    assert referral.returnee.unreachable_flagged_at is not None
    send_due(runtime, now)
    answers = session.scalars(select(Message).filter_by(direction="out")).all()
    assert [m.kind for m in answers] == ["ack_opted_out"]
    assert session.get(Message, stopped.message_id).intent == "opt_out"  # type: ignore[union-attr]  # stored above

    reply(runtime, phone, "ok merci", now + timedelta(minutes=30))
    session.expire_all()
    # A message from the stopped number is no way to reach the person: the flag stays.
    assert referral.returnee.unreachable_reason == "opted_out"

    started = reply(runtime, phone, "START", now + timedelta(hours=1))

    session.expire_all()
    assert session.scalar(select(Suppression).filter_by(phone_e164=phone)) is None
    assert referral.returnee.contact_points[0].reachability == "reachable"
    assert referral.returnee.unreachable_flagged_at is None  # START clears the flag
    (ack,) = acks_after(session, referral.returnee_id, started.notice_ids)
    assert ack.kind == "ack_opted_in"


def test_an_opt_in_from_a_number_that_never_stopped_reaches_a_caseworker(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """ "Send it again" reads as an opt-in; with nothing stopped it asks for something else."""
    referral = make_referral(appointment_at=now + timedelta(days=3))
    phone = phone_of(referral.returnee)

    result = reply(runtime, phone, "j'ai supprimé votre message par erreur, renvoyez-le svp", now)

    session.expire_all()
    assert session.get(Message, result.message_id).intent == "opt_in"  # type: ignore[union-attr]  # stored above
    assert reviews_of(session, result.message_id) == ["opt_in_nothing_stopped"]
    (ack,) = acks_after(session, referral.returnee_id, result.notice_ids)
    assert ack.kind == "ack_received"


def test_help_is_answered_whatever_the_question(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    at = ask(runtime, session, referral, "appointment_reminder")

    result = reply(runtime, phone_of(referral.returnee), "HELP", at)

    session.expire_all()
    (ack,) = acks_after(session, referral.returnee_id, result.notice_ids)
    assert ack.kind == "ack_help"
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]  # made above


def test_reply_from_a_proxy_counts_for_the_returnee_it_was_sent_about(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    returnee = make_returnee(phones=[PhoneInput("+221770009999", is_proxy=True, relation="sister")])
    referral = make_referral(returnee=returnee, appointment_at=now + timedelta(hours=10))
    at = ask(runtime, session, referral, "appointment_reminder")

    result = reply(runtime, "+221770009999", "oui", at)

    session.expire_all()
    assert session.get(Referral, referral.id).status == "confirmed"  # type: ignore[union-attr]  # made above
    stored = session.get(Message, result.message_id)
    assert stored is not None and stored.returnee_id == returnee.id


def test_several_open_questions_ask_which_and_a_reference_code_picks_one(
    runtime: Runtime, session: Session, two_questions: TwoQuestions
) -> None:
    returnee, first, second, at = two_questions
    phone = phone_of(returnee)

    bare = reply(runtime, phone, "1", at + timedelta(minutes=5))

    session.expire_all()
    assert bare.outcome == "ask_which"
    assert reviews_of(session, bare.message_id) == ["several_open_questions"]
    (question,) = acks_after(session, returnee.id, bare.notice_ids)
    assert question.kind == "ack_which_referral"
    assert sorted(question.payload["referral_ids"]) == sorted([first.id, second.id])
    assert {session.get(Referral, r.id).status for r in (first, second)} == {"referred"}  # type: ignore[union-attr]  # made above
    send_due(runtime, at + timedelta(minutes=5))
    listing = session.scalar(select(Message).filter_by(direction="out", kind="ack_which_referral"))
    assert (
        listing is not None
        and f"{first.reference}" in listing.body
        and f"{second.reference}" in listing.body
    )

    coded = reply(runtime, phone, f"1 {second.reference}", at + timedelta(minutes=6))

    session.expire_all()
    assert coded.outcome == "applied"
    assert session.get(Referral, second.id).status == "confirmed"  # type: ignore[union-attr]  # made above
    assert session.get(Referral, first.id).status == "referred"  # type: ignore[union-attr]  # made above


def test_several_open_questions_and_a_reply_about_the_messages_is_told_how_to_stop(
    runtime: Runtime, session: Session, two_questions: TwoQuestions
) -> None:
    """It answers neither question: asking which referral it answers would not help someone who
    may want the messages to stop."""
    returnee, first, second, at = two_questions

    result = reply(runtime, phone_of(returnee), "trop de sms pour moi", at)

    session.expire_all()
    assert reviews_of(session, result.message_id) == ["unclear_about_the_messages"]
    (told,) = acks_after(session, returnee.id, result.notice_ids)
    assert told.kind == "ack_unclear_stop" and told.referral_id is None
    assert session.get(Message, result.message_id).intent == "unclear"  # type: ignore[union-attr]  # stored above
    assert {session.get(Referral, r.id).status for r in (first, second)} == {"referred"}  # type: ignore[union-attr]  # made above
    send_due(runtime, at + timedelta(minutes=1))
    sent = session.scalar(select(Message).filter_by(direction="out", kind="ack_unclear_stop"))
    assert sent is not None and "répondez STOP" in sent.body


def test_on_a_shared_phone_the_person_with_the_questions_is_told_how_to_stop_every_time(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    """The phone's other person (registered first, English) is not the one asked; and a number
    told how to stop the day before is told again while questions are open."""
    shared = "+221770001111"
    make_returnee(language="en", phones=[PhoneInput(shared, is_shared=True)])
    asked = make_returnee(phones=[PhoneInput(shared, is_shared=True)])
    for hours in (10, 11):
        make_referral(returnee=asked, appointment_at=now + timedelta(hours=hours))
    at = now + timedelta(hours=9)
    before = reply(runtime, shared, "vos sms arrivent trop tôt le matin", now)  # nothing open yet
    send_due(runtime, at)

    result = reply(runtime, shared, "trop de sms pour moi", at)

    session.expire_all()
    assert [session.get(Notice, n).kind for n in before.notice_ids] == ["ack_unclear_stop"]  # type: ignore[union-attr]
    (told,) = acks_after(session, asked.id, result.notice_ids)
    assert told.kind == "ack_unclear_stop" and told.language == "fr"
    assert session.get(Message, result.message_id).returnee_id == asked.id  # type: ignore[union-attr]  # stored above


def test_late_reply_is_stored_shown_for_review_and_a_caseworker_can_apply_it(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    sent_at = ask(runtime, session, referral, "appointment_reminder")
    late = sent_at + timedelta(hours=runtime.settings.reply_window_hours, minutes=1)

    result = reply(runtime, phone_of(referral.returnee), "1", late)

    session.expire_all()
    assert result.outcome == "review"
    item = session.scalar(select(ReviewItem).filter_by(message_id=result.message_id))
    assert item is not None and item.reason == "late_reply" and item.referral_id == referral.id
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]  # made above

    with runtime.db.transaction() as tx:
        applied = apply_review_item(
            tx, item.id, Intent.CONFIRM, now=late, actor="caseworker@example.org"
        )

    session.expire_all()
    refreshed = session.get(Referral, referral.id)
    assert refreshed is not None and refreshed.status == "confirmed"
    event = refreshed.events[-1]
    assert (event.source, event.actor, event.message_id) == (
        "caseworker",
        "caseworker@example.org",
        result.message_id,
    )
    resolved = session.get(ReviewItem, item.id)
    assert resolved is not None and resolved.resolved_at is not None
    (ack,) = acks_after(session, referral.returnee_id, applied.notice_ids)
    assert ack.kind == "ack_confirmed" and ack.referral_id == referral.id


def test_a_late_unclear_reply_about_the_messages_is_told_how_to_stop(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """Anyone who once left a reminder unanswered has a late question: a message about the
    messages from them is flagged and answered as from anyone else."""
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    sent_at = ask(runtime, session, referral, "appointment_reminder")
    late = sent_at + timedelta(hours=runtime.settings.reply_window_hours, minutes=1)

    result = reply(runtime, phone_of(referral.returnee), "trop de sms pour moi", late)

    session.expire_all()
    item = session.scalar(select(ReviewItem).filter_by(message_id=result.message_id))
    assert item is not None and item.referral_id == referral.id
    assert item.reason == "unclear_about_the_messages"
    (ack,) = acks_after(session, referral.returnee_id, result.notice_ids)
    assert ack.kind == "ack_unclear_stop"


def test_an_opt_out_a_caseworker_applies_is_lifted_by_start(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """A request to stop that only a caseworker understood ends like a STOP: the person is told
    how to start again, is on the Unreachable list, and START from their number restarts it."""
    referral = make_referral(appointment_at=now + timedelta(days=3))
    phone = phone_of(referral.returnee)
    sent_at = ask(runtime, session, referral, "appointment_reminder")
    asked = reply(runtime, phone, "trop de sms pour moi", sent_at)
    item = session.scalar(select(ReviewItem).filter_by(message_id=asked.message_id))
    assert item is not None

    with runtime.db.transaction() as tx:
        applied = apply_review_item(tx, item.id, Intent.OPT_OUT, now=sent_at, actor="cw")

    session.expire_all()
    returnee = session.get(Returnee, referral.returnee_id)
    assert returnee is not None
    assert all(consent.is_opted_out for consent in returnee.consents)
    assert returnee.unreachable_reason == "opted_out"
    (ack,) = acks_after(session, returnee.id, applied.notice_ids)
    assert ack.kind == "ack_opted_out"
    send_due(runtime, sent_at)
    session.refresh(ack)
    assert ack.state == "sent"
    assert (
        session.scalars(select(Notice).filter_by(referral_id=referral.id, state="planned")).all()
        == []
    )

    started = reply(runtime, phone, "START", sent_at + timedelta(hours=2))

    session.expire_all()
    assert not any(consent.is_opted_out for consent in returnee.consents)
    assert returnee.unreachable_flagged_at is None
    (ack,) = acks_after(session, returnee.id, started.notice_ids)
    assert ack.kind == "ack_opted_in"


def consent_set_by_a_caseworker(
    runtime: Runtime, returnee: Returnee, *, opted_out: bool, now: datetime
) -> None:
    """A caseworker records the person's opt-out (or their consent again) on the returnee page."""
    with runtime.db.transaction() as tx:
        found = tx.get(Returnee, returnee.id)
        assert found is not None
        set_consent(tx, found, is_opted_out=opted_out, now=now, actor="cw")


def test_start_from_a_proxy_does_not_lift_the_returnees_own_opt_out(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    """The person opted out; their sister's START is no opt-in of theirs: a caseworker sees it."""
    returnee = with_a_sister(make_returnee)
    make_referral(returnee=returnee, appointment_at=now + timedelta(days=3))
    consent_set_by_a_caseworker(runtime, returnee, opted_out=True, now=now)

    result = reply(runtime, SISTER, "START", now)

    session.expire_all()
    assert reviews_of(session, result.message_id) == ["opt_in_nothing_stopped"]
    assert all(consent.is_opted_out for consent in session.get(Returnee, returnee.id).consents)  # type: ignore[union-attr]  # made above


def test_start_from_a_shared_phone_does_not_lift_another_persons_opt_out(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
) -> None:
    """Awa and Binta share a phone; Binta asked a caseworker to stop her messages. A START
    from the phone may be Awa's: it lifts nothing of Binta's, and a caseworker sees it."""
    shared = "+221770005555"
    make_returnee(phones=[PhoneInput(shared, is_shared=True)])
    binta = make_returnee(phones=[PhoneInput(shared, is_shared=True)])
    consent_set_by_a_caseworker(runtime, binta, opted_out=True, now=now)

    result = reply(runtime, shared, "START", now)

    session.expire_all()
    assert reviews_of(session, result.message_id) == ["opt_in_nothing_stopped"]
    binta_now = session.get(Returnee, binta.id)
    assert binta_now is not None and all(c.is_opted_out for c in binta_now.consents)
    assert binta_now.unreachable_reason == "opted_out"


def test_consent_recorded_again_does_not_lift_a_relatives_stop(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
) -> None:
    """The sister sent STOP from her own phone: the person's consent is theirs to give again,
    the sister's number stays stopped until she writes START."""
    returnee = with_a_sister(make_returnee)
    reply(runtime, SISTER, "STOP", now)
    consent_set_by_a_caseworker(runtime, returnee, opted_out=False, now=now)

    session.expire_all()
    assert session.scalar(select(Suppression).filter_by(phone_e164=SISTER)) is not None


def test_an_opt_out_applied_on_a_relatives_message_is_not_answered_to_the_relative(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    """The sister writes that the messages are too much for him: the person's messages stop,
    and the sister is not told to reply START, which would not start them again."""
    returnee = with_a_sister(make_returnee)
    referral = make_referral(returnee=returnee, appointment_at=now + timedelta(days=3))
    asked = reply(runtime, SISTER, "ces sms c'est trop pour lui", now)
    item = session.scalar(select(ReviewItem).filter_by(message_id=asked.message_id))
    assert item is not None

    with runtime.db.transaction() as tx:
        applied = apply_review_item(
            tx, item.id, Intent.OPT_OUT, now=now, actor="cw", referral_id=referral.id
        )

    session.expire_all()
    assert all(c.is_opted_out for c in session.get(Returnee, returnee.id).consents)  # type: ignore[union-attr]  # made above
    assert applied.notice_ids == []


def test_caseworker_picks_the_referral_of_a_message_that_asked_which(
    runtime: Runtime, session: Session, two_questions: TwoQuestions
) -> None:
    returnee, first, second, at = two_questions
    bare = reply(runtime, phone_of(returnee), "2", at)
    item = session.scalar(select(ReviewItem).filter_by(message_id=bare.message_id))
    assert item is not None and item.referral_id is None

    with runtime.db.transaction() as tx:
        apply_review_item(
            tx, item.id, Intent.DECLINE, now=at, actor="cw@example.org", referral_id=first.id
        )

    session.expire_all()
    assert session.get(Referral, first.id).status == "declined"  # type: ignore[union-attr]  # made above
    assert session.get(Referral, second.id).status == "referred"  # type: ignore[union-attr]  # made above
    assert session.get(ReviewItem, item.id).resolved_by == "cw@example.org"  # type: ignore[union-attr]  # read above


def test_a_refused_transition_leaves_the_review_item_open(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    result = reply(runtime, phone_of(referral.returnee), "1", now)
    item = session.scalar(select(ReviewItem).filter_by(message_id=result.message_id))
    assert item is not None and item.reason == "no_open_question"
    change_status(session, referral, Status.CANCELLED, source=Source.CASEWORKER, now=now)
    session.commit()

    with pytest.raises(TransitionRefused), runtime.db.transaction() as tx:
        apply_review_item(tx, item.id, Intent.CONFIRM, now=now, actor="cw", referral_id=referral.id)

    session.expire_all()
    assert session.get(ReviewItem, item.id).resolved_at is None  # type: ignore[union-attr]  # read above
    assert session.get(Referral, referral.id).status == "cancelled"  # type: ignore[union-attr]  # made above
