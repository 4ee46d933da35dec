"""Escalation per person: one sequence at a time, one proxy request per step, an explicit flag."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from delivery_helpers import (
    PUBLIC,
    SENDER,
    dispatch,
    message_of,
    only_reminder,
    own_point,
    reminder,
)
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from smsgateway.delivery.outcomes import programme_policy
from smsgateway.escalation import DEFAULT_POLICY, flag_unanswered, open_escalation
from smsgateway.fakes import FakeTwilio
from smsgateway.models import Escalation, Notice, Referral, Returnee
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.reachability import (
    clear_unreachable,
    count_flagged_unreachable,
    flagged_unreachable_returnees,
    is_flagged_unreachable,
    request_proxy_contact,
)
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime

OWN = "+221771600001"
PROXY = "+221771600002"
INBOUND_URL = f"{PUBLIC}/webhooks/twilio/messages"


@pytest.fixture
def referral(make_referral: Any, make_returnee: Any) -> Referral:
    returnee = make_returnee(phones=[PhoneInput(OWN), PhoneInput(PROXY, is_proxy=True)])
    created: Referral = make_referral(returnee=returnee)
    return created


def planned(session: Session, **filters: Any) -> list[Notice]:
    session.expire_all()
    return list(
        session.scalars(
            select(Notice).filter_by(state=NoticeState.PLANNED, **filters).order_by(Notice.id)
        )
    )


def fail_last(fake: FakeTwilio, code: int = 30003) -> None:
    fake.fire_message_status(fake.sent_messages()[-1].sid, "undelivered", code)


def returnee_of(session: Session, referral: Referral) -> Returnee:
    session.expire_all()
    returnee = session.get(Returnee, referral.returnee_id)
    assert returnee is not None
    return returnee


def run_to_the_later_retry(
    fake: FakeTwilio, runtime: Runtime, session: Session, referral: Referral, now: datetime
) -> Notice:
    """SMS undelivered → retry undelivered → call not answered → the same SMS planned two days
    later (returned)."""
    only_reminder(session, referral, now)
    dispatch(runtime, now)
    fail_last(fake)
    (retry,) = planned(session)
    dispatch(runtime, retry.due_at)
    fail_last(fake)
    (call,) = planned(session, channel="voice")
    dispatch(runtime, call.due_at)
    fake.fire_call_status(fake.calls()[-1].sid, "no-answer")
    (later,) = planned(session, channel="sms")
    assert later.kind == NoticeKind.APPOINTMENT_REMINDER
    assert later.due_at == call.due_at + timedelta(hours=48)
    return later


def run_to_the_proxy_step(
    fake: FakeTwilio, runtime: Runtime, session: Session, referral: Referral, now: datetime
) -> tuple[Notice, datetime]:
    """The later retry undelivered too → the proxy request."""
    later = run_to_the_later_retry(fake, runtime, session, referral, now)
    dispatch(runtime, later.due_at)
    fail_last(fake)
    (proxy_request,) = planned(session, kind=NoticeKind.PROXY_CONTACT_REQUEST)
    return proxy_request, proxy_request.due_at


def test_two_failed_notices_of_one_person_make_one_sequence_and_the_held_one_goes_again(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    first = only_reminder(session, referral, now)
    second = reminder(session, referral, now)
    dispatch(runtime, now)
    for notice in (first, second):  # the first notice's report comes first
        wired.fire_message_status(
            message_of(session, notice).provider_id or "", "undelivered", 30003
        )

    (retry,) = planned(session)  # one step for the person, not one per notice
    assert retry.escalation_step == 1 and retry.due_at > now
    escalation = open_escalation(session, referral.returnee_id)
    assert escalation is not None and escalation.step_notice_id == retry.id
    assert escalation.held_notice_ids == [second.id]

    dispatch(runtime, retry.due_at)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "delivered")

    (again,) = planned(session)  # the held notice goes out again once the person is reached
    assert (again.kind, again.payload, again.channel) == (second.kind, second.payload, "sms")
    assert first.id != again.id and open_escalation(session, referral.returnee_id) is None


def test_repeated_and_late_reports_make_exactly_one_proxy_request(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    _, at = run_to_the_proxy_step(wired, runtime, session, referral, now)
    call_sid = wired.calls()[-1].sid
    first_sms = wired.sent_messages()[0].sid

    wired.fire_call_status(call_sid, "no-answer")  # repeated
    wired.fire_call_status(call_sid, "busy")  # contradicting, late
    wired.fire_message_status(first_sms, "failed", 30008)  # late report of the first SMS
    dispatch(runtime, at)

    session.expire_all()
    requests = session.scalar(
        select(func.count()).where(Notice.kind == NoticeKind.PROXY_CONTACT_REQUEST)
    )
    assert requests == 1
    assert [m.to for m in wired.sent_messages()].count(PROXY) == 1


def test_after_the_proxy_step_without_an_answer_the_flag_is_set_and_a_delivery_keeps_it(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    _, at = run_to_the_proxy_step(wired, runtime, session, referral, now)
    dispatch(runtime, at)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "delivered")  # the proxy got it
    window = DEFAULT_POLICY.proxy_answer_window

    with runtime.db.transaction() as tx:
        assert flag_unanswered(tx, now=at + window - timedelta(minutes=1)) == 0
    assert not is_flagged_unreachable(returnee_of(session, referral))
    with runtime.db.transaction() as tx:
        assert flag_unanswered(tx, now=at + window) == 1

    returnee = returnee_of(session, referral)
    assert is_flagged_unreachable(returnee)
    assert returnee.unreachable_reason == "no_answer_after_proxy"
    assert own_point(session, referral).reachability == "unreachable"
    assert [r.id for r in flagged_unreachable_returnees(session)] == [returnee.id]
    assert count_flagged_unreachable(session) == 1

    later = at + window + timedelta(days=1)
    only_reminder(session, referral, later)
    dispatch(runtime, later)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "delivered")

    assert own_point(session, referral).reachability == "reachable"  # the phone is on...
    assert is_flagged_unreachable(returnee_of(session, referral))  # ...not the person


def test_while_flagged_a_failure_starts_no_new_sequence_and_asks_no_proxy(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    _, at = run_to_the_proxy_step(wired, runtime, session, referral, now)
    dispatch(runtime, at)
    fail_last(wired)  # the proxy request itself is not delivered: the last retry, then the flag
    (last,) = planned(session)
    assert (last.contact_point.phone_e164, last.due_at) == (OWN, at + timedelta(days=3))  # type: ignore[union-attr]
    dispatch(runtime, last.due_at)
    fail_last(wired)
    assert returnee_of(session, referral).unreachable_reason == "escalation_exhausted"
    at = last.due_at

    later = at + timedelta(days=1)
    only_reminder(session, referral, later)
    dispatch(runtime, later)
    fail_last(wired)

    assert planned(session) == []
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Escalation)) == 1


def test_the_person_answering_from_their_own_number_clears_the_flag(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    _, at = run_to_the_proxy_step(wired, runtime, session, referral, now)
    with runtime.db.transaction() as tx:
        flag_unanswered(tx, now=at + DEFAULT_POLICY.proxy_answer_window)
    assert is_flagged_unreachable(returnee_of(session, referral))

    wired.fire_inbound_message(INBOUND_URL, PROXY, SENDER, "il est parti")
    assert is_flagged_unreachable(returnee_of(session, referral))  # a proxy is not the person

    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, "bonjour")

    assert not is_flagged_unreachable(returnee_of(session, referral))
    session.expire_all()
    (escalation,) = session.scalars(select(Escalation)).all()
    assert (escalation.state, escalation.reason, escalation.closed_by) == (
        "cleared",
        "answered",
        "system",
    )


def test_the_person_answering_during_the_proxy_wait_ends_the_sequence_without_a_flag(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    proxy_request, at = run_to_the_proxy_step(wired, runtime, session, referral, now)

    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, "bonjour")  # before the request went

    session.expire_all()
    assert session.get(Notice, proxy_request.id).state == NoticeState.CANCELLED  # type: ignore[union-attr]
    with runtime.db.transaction() as tx:
        assert flag_unanswered(tx, now=at + timedelta(days=30)) == 0
    assert not is_flagged_unreachable(returnee_of(session, referral))
    assert open_escalation(session, referral.returnee_id) is None


def test_a_caseworker_clears_the_flag(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    _, at = run_to_the_proxy_step(wired, runtime, session, referral, now)
    with runtime.db.transaction() as tx:
        flag_unanswered(tx, now=at + DEFAULT_POLICY.proxy_answer_window)

    with runtime.db.transaction() as tx:
        returnee = tx.get(Returnee, referral.returnee_id)
        assert returnee is not None
        assert clear_unreachable(tx, returnee, now=at, actor="caseworker@example.org")

    assert count_flagged_unreachable(session) == 0
    session.expire_all()
    (escalation,) = session.scalars(select(Escalation)).all()
    assert (escalation.state, escalation.closed_by) == ("cleared", "caseworker@example.org")


@pytest.mark.parametrize("code", [21211, 21217])
def test_an_invalid_number_refused_on_the_api_call_reaches_reachability_and_the_proxy(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    referral: Referral,
    code: int,
) -> None:
    wired.reject_number(OWN, code)
    only_reminder(session, referral, now, channel="voice" if code == 21217 else "sms")
    dispatch(runtime, now)

    assert own_point(session, referral).reachability == "invalid"
    (proxy_request,) = planned(session)
    assert proxy_request.kind == NoticeKind.PROXY_CONTACT_REQUEST
    dispatch(runtime, now)
    fail_last(wired)  # the proxy's number fails too: nobody left to try

    returnee = returnee_of(session, referral)
    assert is_flagged_unreachable(returnee)
    assert own_point(session, referral).reachability == "invalid"  # stays what it is


def test_without_a_proxy_the_flag_follows_the_failed_call(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    only_reminder(session, referral, now, channel="voice")
    dispatch(runtime, now)
    wired.fire_call_status(wired.calls()[-1].sid, "no-answer")
    (again,) = planned(session)  # retry the call later
    dispatch(runtime, again.due_at)

    wired.fire_call_status(wired.calls()[-1].sid, "no-answer")
    (later,) = planned(session)  # two days later, as the person prefers to receive it
    assert (later.channel, later.escalation_step) == ("sms", 3)
    assert not is_flagged_unreachable(returnee_of(session, referral))
    dispatch(runtime, later.due_at)
    fail_last(wired)
    # No proxy to ask: the last retry comes when a proxy's answer would have been due (the
    # failure is reported at the app's clock, `now`).
    (last,) = planned(session)
    assert (last.channel, last.due_at) == ("sms", now + timedelta(days=3))
    assert not is_flagged_unreachable(returnee_of(session, referral))
    dispatch(runtime, last.due_at)
    fail_last(wired)

    assert planned(session) == []
    assert returnee_of(session, referral).unreachable_reason == "escalation_exhausted"


def test_the_unreachable_command_lists_flagged_returnees(
    app: Any, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    from smsgateway.cli.twilio import twilio_cli
    from smsgateway.reachability import flag_unreachable

    with runtime.db.transaction() as tx:
        returnee = tx.get(Returnee, referral.returnee_id)
        assert returnee is not None
        flag_unreachable(tx, returnee, reason="no_answer_after_proxy", now=now)

    result = app.test_cli_runner().invoke(twilio_cli, ["unreachable"])

    assert result.exit_code == 0
    assert f"{referral.returnee.case_reference}\tflagged\tno_answer_after_proxy" in result.output
    assert "1 returnee(s) flagged unreachable" in result.output


def test_the_loop_s_standing_shows_the_flag_until_it_is_cleared(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    from smsgateway.loop.standing import referral_standing

    _, at = run_to_the_proxy_step(wired, runtime, session, referral, now)
    assert "unreachable" not in referral_standing(session, referral).flags  # still waiting
    with runtime.db.transaction() as tx:
        flag_unanswered(tx, now=at + DEFAULT_POLICY.proxy_answer_window)
    session.expire_all()
    assert "unreachable" in referral_standing(session, referral).flags

    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, "bonjour")

    session.expire_all()
    assert "unreachable" not in referral_standing(session, referral).flags


def test_a_phone_back_on_within_two_days_is_reached_by_the_later_retry_without_a_flag(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    """Phones are often off for a day or two: the same notice again two days after the call
    reaches the person, and no caseworker is bothered (no proxy request, no flag)."""
    later = run_to_the_later_retry(wired, runtime, session, referral, now)

    dispatch(runtime, later.due_at)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "delivered")

    assert planned(session, kind=NoticeKind.PROXY_CONTACT_REQUEST) == []
    assert open_escalation(session, referral.returnee_id) is None
    assert not is_flagged_unreachable(returnee_of(session, referral))
    session.expire_all()
    (escalation,) = session.scalars(select(Escalation)).all()
    assert (escalation.state, escalation.reason) == ("reached", "delivered")


def test_the_later_retry_is_skipped_when_the_notice_would_be_out_of_date_by_then(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    notice = only_reminder(session, referral, now)
    notice.expires_at = now + timedelta(days=1)  # the appointment is tomorrow
    session.commit()
    dispatch(runtime, now)
    fail_last(wired)
    (retry,) = planned(session)
    dispatch(runtime, retry.due_at)
    fail_last(wired)
    (call,) = planned(session, channel="voice")
    dispatch(runtime, call.due_at)

    wired.fire_call_status(wired.calls()[-1].sid, "no-answer")

    (proxy_request,) = planned(session)  # straight to the proxy: a reminder after it is useless
    assert proxy_request.kind == NoticeKind.PROXY_CONTACT_REQUEST


def test_a_step_notice_settled_without_sending_ends_the_sequence_and_frees_what_it_held(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    """The retry of a reminder is out of date when its turn comes: the sequence cannot wait on it
    for ever (every later failure of the person would be held and never sent again)."""
    first = only_reminder(session, referral, now)
    second = reminder(session, referral, now)
    dispatch(runtime, now)
    for notice in (first, second):
        wired.fire_message_status(
            message_of(session, notice).provider_id or "", "undelivered", 30003
        )
    (retry,) = planned(session)
    retry.expires_at = retry.due_at - timedelta(minutes=1)  # the appointment came first
    session.commit()

    dispatch(runtime, retry.due_at)

    session.expire_all()
    assert session.get(Notice, retry.id).state == NoticeState.EXPIRED  # type: ignore[union-attr]
    assert open_escalation(session, referral.returnee_id) is None
    (escalation,) = session.scalars(select(Escalation)).all()
    assert (escalation.state, escalation.reason) == ("lapsed", "step notice expired")
    (again,) = planned(session)  # the held notice goes out again
    assert (again.kind, again.payload) == (second.kind, second.payload)
    assert not is_flagged_unreachable(returnee_of(session, referral))


def test_a_phone_off_for_most_of_a_week_is_reached_by_the_last_retry_without_a_flag(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    """Nobody answered the proxy's request within its window: before the flag, the notice goes
    once more to the person's own number; delivered, the phone is back and nobody is bothered."""
    proxy_request, at = run_to_the_proxy_step(wired, runtime, session, referral, now)
    dispatch(runtime, at)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "delivered")  # the proxy got it
    end = at + timedelta(days=3)
    policy = programme_policy()

    with runtime.db.transaction() as tx:
        assert flag_unanswered(tx, now=end, policy=policy) == 0
    (last,) = planned(session)
    assert (last.kind, last.due_at) == (NoticeKind.APPOINTMENT_REMINDER, end)
    assert last.contact_point.phone_e164 == OWN  # type: ignore[union-attr]
    with runtime.db.transaction() as tx:  # the sweep again: one last retry, not two
        assert flag_unanswered(tx, now=end + timedelta(minutes=10), policy=policy) == 0
    assert len(planned(session)) == 1

    dispatch(runtime, end)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "delivered")

    assert not is_flagged_unreachable(returnee_of(session, referral))
    assert open_escalation(session, referral.returnee_id) is None
    assert proxy_request.payload["escalated_notice_id"] != last.id


def test_the_last_retry_failing_too_sets_the_flag(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    _, at = run_to_the_proxy_step(wired, runtime, session, referral, now)
    dispatch(runtime, at)
    end = at + timedelta(days=3)
    with runtime.db.transaction() as tx:
        flag_unanswered(tx, now=end, policy=programme_policy())
    dispatch(runtime, end)
    fail_last(wired)

    assert is_flagged_unreachable(returnee_of(session, referral))
    assert planned(session) == []


def test_no_last_retry_when_the_notice_would_be_out_of_date(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    _, at = run_to_the_proxy_step(wired, runtime, session, referral, now)
    dispatch(runtime, at)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "delivered")
    session.execute(update(Notice).values(expires_at=at + timedelta(days=3, hours=2)))
    session.commit()
    with runtime.db.transaction() as tx:
        assert flag_unanswered(tx, now=at + timedelta(days=3), policy=programme_policy()) == 1
    assert is_flagged_unreachable(returnee_of(session, referral))
    assert planned(session) == []


def test_a_reminder_out_of_date_before_the_later_retry_is_no_verdict_on_the_person(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    """Two failures a few hours apart of a reminder for tomorrow: the later steps cannot run
    (the reminder would be out of date), so the sequence lapses without the unreachable flag;
    the person's next notice that fails starts a new one."""
    referral = make_referral()  # no proxy
    notice = only_reminder(session, referral, now)
    notice.expires_at = now + timedelta(days=1)
    session.commit()
    dispatch(runtime, now)
    fail_last(wired)
    (retry,) = planned(session)
    dispatch(runtime, retry.due_at)
    fail_last(wired)
    for call in planned(session, channel="voice"):
        dispatch(runtime, call.due_at)
        wired.fire_call_status(wired.calls()[-1].sid, "no-answer")

    assert planned(session) == []
    assert not is_flagged_unreachable(returnee_of(session, referral))
    session.expire_all()
    (escalation,) = session.scalars(select(Escalation)).all()
    assert (escalation.state, escalation.reason) == ("lapsed", "notice out of date")


def test_a_number_refused_as_invalid_is_flagged_however_short_the_notice(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()  # no proxy
    notice = only_reminder(session, referral, now)
    notice.expires_at = now + timedelta(days=1)
    session.commit()
    dispatch(runtime, now)
    fail_last(wired, 21211)
    for _ in range(3):
        for follow in planned(session):
            dispatch(runtime, follow.due_at)
            if follow.channel == "voice":
                wired.fire_call_status(wired.calls()[-1].sid, "no-answer")
            else:
                fail_last(wired, 21211)

    assert is_flagged_unreachable(returnee_of(session, referral))


def test_a_step_refused_as_unsubscribed_ends_the_sequence_and_start_lets_a_new_one_begin(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    later = run_to_the_later_retry(wired, runtime, session, referral, now)
    dispatch(runtime, later.due_at)
    fail_last(wired, 21610)  # the carrier says the person unsubscribed

    session.expire_all()
    (escalation,) = session.scalars(
        select(Escalation).filter_by(returnee_id=referral.returnee_id)
    ).all()
    assert (escalation.state, escalation.reason) == ("unreachable", "opted_out")
    returnee = returnee_of(session, referral)
    assert returnee.unreachable_reason == "opted_out"
    assert planned(session) == []
    with runtime.db.transaction() as tx:
        # Nobody asks a relative about a person who unsubscribed: not the loop's `ask_proxy`.
        stopped = tx.get(Returnee, referral.returnee_id)
        assert stopped is not None
        assert request_proxy_contact(tx, stopped, now=later.due_at) is None
    assert PROXY not in [m.to for m in wired.sent_messages()]

    # START lifts the flag and ends the sequence with it; the next failure starts a new one
    # instead of being held by the old.
    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, "START")
    session.expire_all()
    assert not is_flagged_unreachable(returnee_of(session, referral))
    assert session.get(Escalation, escalation.id).state == "cleared"  # type: ignore[union-attr]
    again = reminder(session, referral, later.due_at + timedelta(days=1))
    dispatch(runtime, again.due_at)  # the reminder, and the answer to START
    session.expire_all()
    wired.fire_message_status(message_of(session, again).provider_id or "", "undelivered", 30003)
    session.expire_all()
    assert open_escalation(session, referral.returnee_id) is not None
    (retry,) = planned(session)
    assert retry.kind == again.kind and retry.channel == "sms"


def test_stop_from_the_last_own_number_ends_the_sequence_and_asks_no_proxy(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, referral: Referral
) -> None:
    proxy_request, at = run_to_the_proxy_step(wired, runtime, session, referral, now)

    # The phone comes back and the person says STOP before the proxy request went.
    wired.fire_inbound_message(INBOUND_URL, OWN, SENDER, "STOP")
    dispatch(runtime, at + timedelta(minutes=5))

    session.expire_all()
    assert session.get(Notice, proxy_request.id).state == NoticeState.CANCELLED  # type: ignore[union-attr]
    assert PROXY not in [m.to for m in wired.sent_messages()]
    assert open_escalation(session, referral.returnee_id) is None
    returnee = returnee_of(session, referral)
    assert (returnee.unreachable_reason, is_flagged_unreachable(returnee)) == ("opted_out", True)
    with runtime.db.transaction() as tx:
        assert flag_unanswered(tx, now=at + timedelta(days=30)) == 0
        # The loop's `ask_proxy` step asks no relative about a person who said STOP.
        stopped = tx.get(Returnee, referral.returnee_id)
        assert stopped is not None
        assert request_proxy_contact(tx, stopped, now=at + timedelta(days=3)) is None
    assert planned(session, kind=NoticeKind.PROXY_CONTACT_REQUEST) == []


def test_a_step_refused_as_unsubscribed_is_no_verdict_on_a_person_with_another_number(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
    make_returnee: Any,
) -> None:
    returnee = make_returnee(phones=[PhoneInput(OWN), PhoneInput("+221771600003")])
    referral = make_referral(returnee=returnee)
    only_reminder(session, referral, now)
    dispatch(runtime, now)
    fail_last(wired)
    (retry,) = planned(session)
    dispatch(runtime, retry.due_at)
    fail_last(wired, 21610)

    session.expire_all()
    (escalation,) = session.scalars(
        select(Escalation).filter_by(returnee_id=referral.returnee_id)
    ).all()
    assert (escalation.state, escalation.reason) == ("lapsed", "number opted out")
    assert not is_flagged_unreachable(returnee_of(session, referral))
    assert open_escalation(session, referral.returnee_id) is None
