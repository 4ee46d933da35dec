"""One open question per person, and fewer false confirmations from shared phones and "ok"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from loop_helpers import phone_of, reply, sent_to, status_of
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import Message, Notice, Referral, Returnee, ReviewItem
from smsgateway.notices import NoticeKind, plan_notice
from smsgateway.programme import load_programme
from smsgateway.questions import HELD
from smsgateway.replies import apply
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime


def ask(runtime: Runtime, referral: Referral, kind: NoticeKind, at: datetime) -> int:
    """Plan a question about `referral` due at `at`; its notice id."""
    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        notice = plan_notice(
            tx,
            kind=kind,
            returnee=found.returnee,
            referral=found,
            due_at=at,
            expires_at=at + timedelta(days=14),
            now=at,
        )
        tx.flush()
        return notice.id


def dispatch(runtime: Runtime, at: datetime) -> None:
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=at)


def notice(session: Session, notice_id: int) -> Notice:
    session.expire_all()
    found = session.get(Notice, notice_id)
    assert found is not None
    return found


@pytest.fixture
def replies_rules(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Changes the shipped programme's `[replies]` fields for the test: `replies_rules(...)`."""

    def change(**fields: object) -> None:
        default = load_programme()
        changed = replace(default, replies=replace(default.replies, **fields))
        monkeypatch.setattr(apply, "current_programme", lambda: changed)

    return change


@pytest.fixture
def two_referrals(
    now: datetime, make_returnee: Callable[..., Returnee], make_referral: Callable[..., Referral]
) -> tuple[Referral, Referral]:
    """One returnee, two referrals, with no notice of their own due in the tests' hours."""
    returnee = make_returnee()
    return (
        make_referral(returnee=returnee, appointment_at=None, now=now - timedelta(days=60)),
        make_referral(returnee=returnee, appointment_at=None, now=now - timedelta(days=60)),
    )


def test_two_questions_due_together_go_one_after_the_other(
    runtime: Runtime, session: Session, now: datetime, two_referrals: tuple[Referral, Referral]
) -> None:
    first, second = two_referrals
    a = ask(runtime, first, NoticeKind.REFERRAL_FOLLOWUP, now)
    b = ask(runtime, second, NoticeKind.REFERRAL_FOLLOWUP, now)

    dispatch(runtime, now)

    assert notice(session, a).state == "sent"
    held = notice(session, b)
    assert (held.state, held.last_error) == ("planned", HELD)
    assert held.due_at == now + timedelta(hours=24)
    (only,) = sent_to(session, phone_of(first), "referral_followup")
    assert first.reference in only.body  # each question names its referral

    result = reply(runtime, phone_of(first), "1", now + timedelta(hours=2))

    assert result.outcome == "applied" and status_of(session, first) == "enrolled"
    assert status_of(session, second) == "referred"
    released = notice(session, b)
    assert released.due_at == now + timedelta(hours=2, minutes=2)
    dispatch(runtime, released.due_at)
    assert notice(session, b).state == "sent"


def test_a_held_question_goes_after_the_wait_even_without_an_answer(
    runtime: Runtime, session: Session, now: datetime, two_referrals: tuple[Referral, Referral]
) -> None:
    first, second = two_referrals
    ask(runtime, first, NoticeKind.REFERRAL_FOLLOWUP, now)
    b = ask(runtime, second, NoticeKind.REFERRAL_FOLLOWUP, now)
    dispatch(runtime, now)

    dispatch(runtime, now + timedelta(hours=24))

    assert notice(session, b).state == "sent"


def test_a_reminder_left_too_little_time_by_waiting_waits_a_shorter_while(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    """The reminder the day before cannot wait 24 hours for the earlier question's answer: it
    waits until three hours after that one went, then goes as the person's last question (a
    bare "1" answers it)."""
    returnee = make_returnee()
    earlier = make_referral(returnee=returnee, appointment_at=None, now=now - timedelta(days=60))
    soon = make_referral(returnee=returnee, appointment_at=now + timedelta(hours=28))
    ask(runtime, earlier, NoticeKind.REFERRAL_FOLLOWUP, now + timedelta(hours=3))
    dispatch(runtime, now + timedelta(hours=3))

    dispatch(runtime, now + timedelta(hours=4))  # the reminder, 24 hours before

    assert sent_to(session, phone_of(soon), "appointment_reminder") == []
    (held,) = session.scalars(
        select(Notice).filter_by(referral_id=soon.id, kind="appointment_reminder")
    ).all()
    assert (held.state, held.last_error) == ("planned", HELD)
    assert held.due_at == now + timedelta(hours=6)

    dispatch(runtime, now + timedelta(hours=6))

    (reminder,) = sent_to(session, phone_of(soon), "appointment_reminder")
    assert soon.reference in reminder.body
    result = reply(runtime, phone_of(soon), "1", now + timedelta(hours=8))
    assert result.outcome == "applied"
    assert (status_of(session, soon), status_of(session, earlier)) == ("confirmed", "referred")


def test_an_answer_releases_the_reminder_that_waits_a_shorter_while(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    returnee = make_returnee()
    earlier = make_referral(returnee=returnee, appointment_at=None, now=now - timedelta(days=60))
    soon = make_referral(returnee=returnee, appointment_at=now + timedelta(hours=28))
    ask(runtime, earlier, NoticeKind.REFERRAL_FOLLOWUP, now + timedelta(hours=3))
    dispatch(runtime, now + timedelta(hours=3))
    dispatch(runtime, now + timedelta(hours=4))

    reply(runtime, phone_of(earlier), "1", now + timedelta(hours=5))
    dispatch(runtime, now + timedelta(hours=5, minutes=2))

    assert status_of(session, earlier) == "enrolled"
    (reminder,) = sent_to(session, phone_of(soon), "appointment_reminder")
    assert soon.reference in reminder.body


def test_due_together_the_question_that_cannot_wait_goes_and_the_other_waits(
    runtime: Runtime, session: Session, now: datetime, two_referrals: tuple[Referral, Referral]
) -> None:
    """Two questions at once, one of them (a reminder the day before) unable to wait: it goes
    alone, so a bare "1" answers it; the other waits its turn (not both at once, ambiguous)."""
    first, second = two_referrals
    can_wait = ask(runtime, first, NoticeKind.REFERRAL_FOLLOWUP, now)
    with runtime.db.transaction() as tx:
        found = tx.get(Referral, second.id)
        assert found is not None
        planned = plan_notice(
            tx,
            kind=NoticeKind.REFERRAL_FOLLOWUP,
            returnee=found.returnee,
            referral=found,
            due_at=now,
            expires_at=now + timedelta(hours=20),  # less than the 24-hour wait left
            now=now,
        )
        tx.flush()
        urgent = planned.id

    dispatch(runtime, now)

    assert notice(session, urgent).state == "sent"
    held = notice(session, can_wait)
    assert (held.state, held.last_error) == ("planned", HELD)


def test_a_bare_digit_answers_the_question_last_received_and_a_reference_an_earlier_one(
    runtime: Runtime, session: Session, now: datetime, two_referrals: tuple[Referral, Referral]
) -> None:
    first, second = two_referrals
    ask(runtime, first, NoticeKind.REFERRAL_FOLLOWUP, now)
    dispatch(runtime, now)
    ask(runtime, second, NoticeKind.REFERRAL_FOLLOWUP, now + timedelta(hours=25))
    dispatch(runtime, now + timedelta(hours=25))

    reply(runtime, phone_of(first), "2", now + timedelta(hours=26))

    assert (status_of(session, first), status_of(session, second)) == ("referred", "not_started")

    late = reply(runtime, phone_of(first), f"{first.reference} 1", now + timedelta(hours=27))

    assert late.outcome == "applied"
    assert status_of(session, first) == "enrolled"


def second_answered_with_1(
    runtime: Runtime, first: Referral, second: Referral, now: datetime
) -> None:
    """Both referrals asked "did you start?" a day apart; "1" answers the second, the last
    question the number received."""
    ask(runtime, first, NoticeKind.REFERRAL_FOLLOWUP, now)
    dispatch(runtime, now)
    ask(runtime, second, NoticeKind.REFERRAL_FOLLOWUP, now + timedelta(hours=25))
    dispatch(runtime, now + timedelta(hours=25))
    reply(runtime, phone_of(first), "1", now + timedelta(hours=26))


def test_a_bare_answer_after_the_last_question_was_answered_is_queued_not_guessed(
    runtime: Runtime, session: Session, now: datetime, two_referrals: tuple[Referral, Referral]
) -> None:
    first, second = two_referrals
    second_answered_with_1(runtime, first, second, now)
    assert status_of(session, second) == "enrolled"

    again = reply(runtime, phone_of(first), "2", now + timedelta(hours=27))

    assert again.outcome == "review"
    item = session.scalar(select(ReviewItem).filter_by(message_id=again.message_id))
    assert item is not None and item.reason == "late_reply" and item.referral_id == first.id
    assert status_of(session, first) == "referred"


def test_the_same_answer_again_after_the_question_was_answered_is_no_review_item(
    runtime: Runtime, session: Session, now: datetime, two_referrals: tuple[Referral, Referral]
) -> None:
    first, second = two_referrals
    second_answered_with_1(runtime, first, second, now)
    assert status_of(session, second) == "enrolled"

    again = reply(runtime, phone_of(first), "1 !", now + timedelta(hours=27))

    assert again.outcome == "repeated"
    assert session.scalars(select(ReviewItem)).all() == []
    kept = session.get(Message, again.message_id)
    assert kept is not None and (kept.referral_id, kept.intent) == (second.id, "attended_yes")
    assert [session.get(Notice, n).kind for n in again.notice_ids] == ["ack_received"]  # type: ignore[union-attr]
    assert (status_of(session, first), status_of(session, second)) == ("referred", "enrolled")


def test_a_thanks_after_the_answer_is_a_receipt_even_with_an_older_question_open(
    runtime: Runtime, session: Session, now: datetime, two_referrals: tuple[Referral, Referral]
) -> None:
    first, second = two_referrals
    second_answered_with_1(runtime, first, second, now)

    thanks = reply(runtime, phone_of(first), "ok merci", now + timedelta(hours=27))

    assert thanks.outcome == "received"
    assert session.scalars(select(ReviewItem)).all() == []
    assert status_of(session, first) == "referred"


# -- shared phones and "ok" ----------------------------------------------------------------------


@pytest.mark.parametrize("shared", ["marked", "two_returnees", "proxy"])
def test_an_ok_on_a_shared_phone_confirms_nothing_and_asks_for_the_digit(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
    shared: str,
) -> None:
    phone = "+221771234400"
    if shared == "marked":
        returnee = make_returnee(phones=[PhoneInput(phone, is_shared=True)])
    elif shared == "two_returnees":
        returnee = make_returnee(phones=[PhoneInput(phone)])
        make_returnee(phones=[PhoneInput(phone)])
    else:
        returnee = make_returnee(phones=[PhoneInput(phone, is_proxy=True, relation="brother")])
    referral = make_referral(returnee=returnee, appointment_at=now + timedelta(hours=10))
    dispatch(runtime, now + timedelta(hours=9))
    (reminder,) = sent_to(session, phone, "appointment_reminder")
    name = returnee.first_name
    assert name in reminder.body  # the question names the person it is for

    result = reply(runtime, phone, "ok", now + timedelta(hours=9, minutes=5))

    assert result.outcome == "needs_confirmation"
    assert status_of(session, referral) == "referred"
    (ack_id,) = result.notice_ids
    assert notice(session, ack_id).kind == "ack_needs_confirmation"
    dispatch(runtime, now + timedelta(hours=9, minutes=5))
    (answer,) = sent_to(session, phone, "ack_needs_confirmation")
    assert f"rendez-vous de {name}" in answer.body and "1" in answer.body

    reply(runtime, phone, "1", now + timedelta(hours=9, minutes=8))

    assert status_of(session, referral) == "confirmed"


def test_a_question_to_a_proxy_says_whom_it_is_for(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    returnee = make_returnee(phones=[PhoneInput("+221771234401", is_proxy=True)])
    make_referral(returnee=returnee, appointment_at=now + timedelta(hours=10))
    dispatch(runtime, now + timedelta(hours=9))

    (reminder,) = sent_to(session, "+221771234401", "appointment_reminder")
    assert reminder.body.startswith(f"Message pour {returnee.first_name}.")


@pytest.mark.parametrize("text", ["oui", "1", "je viendrai"])
def test_a_real_answer_from_a_shared_phone_still_confirms(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
    text: str,
) -> None:
    returnee = make_returnee(phones=[PhoneInput("+221771234402", is_shared=True)])
    referral = make_referral(returnee=returnee, appointment_at=now + timedelta(hours=10))
    dispatch(runtime, now + timedelta(hours=9))

    reply(runtime, "+221771234402", text, now + timedelta(hours=9, minutes=5))

    assert status_of(session, referral) == "confirmed"


def test_an_ok_on_the_returnees_own_phone_asks_for_the_digit_by_default(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    dispatch(runtime, now + timedelta(hours=9))

    result = reply(runtime, phone_of(referral), "ok", now + timedelta(hours=9, minutes=5))

    assert result.outcome == "needs_confirmation"
    assert status_of(session, referral) == "referred"
    assert session.scalars(select(ReviewItem)).all() == []
    reply(runtime, phone_of(referral), "1", now + timedelta(hours=9, minutes=9))
    assert status_of(session, referral) == "confirmed"


def test_an_ok_on_the_returnees_own_phone_confirms_when_the_programme_says_so(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    replies_rules: Callable[..., None],
) -> None:
    replies_rules(ok_confirms="own_phone")
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    dispatch(runtime, now + timedelta(hours=9))

    reply(runtime, phone_of(referral), "ok", now + timedelta(hours=9, minutes=5))

    assert status_of(session, referral) == "confirmed"


@pytest.mark.parametrize("text", ["ok merci", "Merci", "d'accord"])
def test_a_thanks_with_no_open_question_is_acknowledged_without_a_review_item(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    text: str,
) -> None:
    returnee = make_returnee()

    result = reply(runtime, returnee.contact_points[0].phone_e164, text, now)

    assert result.outcome == "received"
    assert session.scalars(select(ReviewItem)).all() == []


def test_a_question_for_the_caseworker_with_no_open_question_is_reviewed(
    runtime: Runtime, session: Session, now: datetime, make_returnee: Callable[..., Returnee]
) -> None:
    returnee = make_returnee()

    reply(runtime, returnee.contact_points[0].phone_e164, "ok mais quand?", now)

    assert [item.reason for item in session.scalars(select(ReviewItem))] == ["no_open_question"]


def test_a_message_about_the_messages_with_no_open_question_is_told_how_to_stop_once_a_day(
    runtime: Runtime, session: Session, now: datetime, make_returnee: Callable[..., Returnee]
) -> None:
    """Perhaps an opt-out nobody understood: told how to stop (not only that it arrived), and
    the review item says why; a second such message the same day is not answered again."""
    phone = make_returnee().contact_points[0].phone_e164

    first = reply(
        runtime,
        phone,
        "vos messages arrivent sur le téléphone de mon mari, il n'est pas content",
        now,
    )
    second = reply(runtime, phone, "vos sms arrivent trop tôt le matin", now + timedelta(hours=1))

    session.expire_all()
    assert [session.get(Notice, n).kind for n in first.notice_ids] == ["ack_unclear_stop"]  # type: ignore[union-attr]
    assert second.notice_ids == []
    reasons = [item.reason for item in session.scalars(select(ReviewItem))]
    assert reasons == ["unclear_about_the_messages", "unclear_about_the_messages"]
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    (told,) = sent_to(session, phone, "ack_unclear_stop")
    assert told.body == (
        "Désolé, nous n'avons pas compris votre réponse. Pour arreter tous les messages, "
        "répondez STOP. Un conseiller lira aussi votre message."
    )


def test_an_ok_to_did_you_go_asks_again_and_is_no_review_item(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now - timedelta(days=1))
    question = ask(runtime, referral, NoticeKind.ATTENDANCE_CHECK, now)
    dispatch(runtime, now)

    result = reply(runtime, phone_of(referral), "ok", now + timedelta(minutes=5))

    assert [session.get(Notice, n).kind for n in result.notice_ids] == ["ack_unclear"]  # type: ignore[union-attr]
    assert session.scalars(select(ReviewItem)).all() == []
    assert notice(session, question).answered_at is None
    assert status_of(session, referral) == "referred"


def test_a_programme_that_reviews_declines_puts_them_in_the_review_queue(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    replies_rules: Callable[..., None],
) -> None:
    replies_rules(review=frozenset({"decline", "unclear"}))
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    dispatch(runtime, now + timedelta(hours=9))

    reply(runtime, phone_of(referral), "2", now + timedelta(hours=9, minutes=5))

    assert status_of(session, referral) == "declined"
    assert [item.reason for item in session.scalars(select(ReviewItem))] == ["decline"]


def test_a_programme_that_reviews_no_unclear_answer_still_sees_one_about_the_messages(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    replies_rules: Callable[..., None],
) -> None:
    """Perhaps an opt-out nobody understood, and its sender is told a caseworker will read it."""
    replies_rules(review=frozenset())
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    dispatch(runtime, now + timedelta(hours=9))
    at = now + timedelta(hours=9, minutes=5)

    reply(runtime, phone_of(referral), "peut-être", at)
    told = reply(runtime, phone_of(referral), "trop de sms pour moi", at)

    assert [item.reason for item in session.scalars(select(ReviewItem))] == [
        "unclear_about_the_messages"
    ]
    assert [session.get(Notice, n).kind for n in told.notice_ids] == ["ack_unclear_stop"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("is_shared", "expected"), [(True, "no_show"), (False, "enrolled")], ids=["shared", "own"]
)
def test_a_yes_from_a_shared_phone_does_not_overturn_a_recorded_no_show(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
    is_shared: bool,
    expected: str,
) -> None:
    """A relative answering "1" to "did you start?" on a family phone must not turn the
    partner's "did not come" into "enrolled"; from the person's own number it is their word."""
    from smsgateway.referrals import Source, Status, change_status

    phone = "+221771234403"
    returnee = make_returnee(phones=[PhoneInput(phone, is_shared=is_shared)])
    referral = make_referral(returnee=returnee, appointment_at=None, now=now - timedelta(days=60))
    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        change_status(tx, found, Status.NO_SHOW, source=Source.PARTNER_SMS, now=now)
    question = ask(runtime, referral, NoticeKind.REFERRAL_FOLLOWUP, now)
    dispatch(runtime, now)
    assert notice(session, question).state == "sent"

    result = reply(runtime, phone, "1", now + timedelta(minutes=5))

    assert status_of(session, referral) == expected
    reasons = [item.reason for item in session.scalars(select(ReviewItem))]
    assert ("contradicts_record" in reasons) is is_shared
    assert (result.outcome == "review") is is_shared
    assert notice(session, question).answered_at is not None
