"""Silence becomes a state: the stalled policy, rebooking tasks, and no dead ends."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from flask.testing import FlaskClient, FlaskCliRunner
from loop_helpers import (
    notices_of,
    phone_of,
    point_phone,
    reply,
    sent_to,
    standing_of,
    status_of,
    tasks_of,
    tick,
    travel,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.cli.loop import loop_cli
from smsgateway.loop.standing import caseworker_tasks, flagged_referrals, reach_report
from smsgateway.models import Notice, Partner, Referral, Returnee, ReviewItem
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.programme import TaskStep, load_programme
from smsgateway.referrals import move_appointment
from smsgateway.replies.apply import apply_review_item
from smsgateway.replies.intents import Intent
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime


def test_an_unanswered_question_stalls_then_asks_again_the_partner_the_proxy_then_flags(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    returnee = make_returnee(
        language="en",
        phones=[PhoneInput("+221771230001"), PhoneInput("+221771230002", is_proxy=True)],
    )
    referral = make_referral(returnee=returnee, appointment_at=now + timedelta(days=10))
    reminder_at = now + timedelta(days=9)  # the single reminder, 24 hours before

    travel(runtime, now, reminder_at + timedelta(days=2, hours=23), step=timedelta(hours=6))
    assert [t.rule for t in tasks_of(session, referral, "stalled")] == ["stalled"]
    assert len(sent_to(session, "+221771230001", "appointment_reminder")) == 1

    # Three days after the unanswered reminder: asked again, by voice (English has a voice).
    tick(runtime, reminder_at + timedelta(days=3))
    (again,) = [
        n for n in notices_of(session, referral, "attendance_check") if n.channel == "voice"
    ]
    assert again.state == NoticeState.SENT
    # The partner is asked before anyone close to the person is: no request to the proxy while
    # the partner may still answer (the partner's own question counts as the stalled step's).
    travel(runtime, reminder_at + timedelta(days=3, hours=1), reminder_at + timedelta(days=7))
    assert sent_to(session, point_phone(referral), "partner_question")
    assert sent_to(session, "+221771230002", "proxy_contact_request") == []
    # Three days after that step, still no answer: a discreet request to the proxy.
    travel(runtime, reminder_at + timedelta(days=7, hours=1), reminder_at + timedelta(days=8))
    (proxy,) = sent_to(session, "+221771230002", "proxy_contact_request")
    assert "vocational" not in proxy.body
    assert standing_of(session, referral).is_stalled
    travel(runtime, reminder_at + timedelta(days=8, hours=1), reminder_at + timedelta(days=11))

    standing = standing_of(session, referral)
    assert "no_response" in standing.flags
    assert standing.is_settled and not standing.is_known_outcome
    assert referral.id in [r.id for r in flagged_referrals(session, "no_response")]
    assert sent_to(session, point_phone(referral), "partner_question")

    # The returnee answers at last, too late for any question: a caseworker applies it, and
    # the flag goes.
    late = reply(
        runtime, "+221771230001", f"{referral.reference} 1", reminder_at + timedelta(days=11)
    )
    assert late.outcome == "review"
    item = session.scalar(select(ReviewItem).filter_by(message_id=late.message_id))
    assert item is not None and item.reason == "late_reply"
    with runtime.db.transaction() as tx:
        apply_review_item(
            tx, item.id, Intent.ATTENDED_YES, now=reminder_at + timedelta(days=11), actor="cw"
        )
    standing = standing_of(session, referral)
    assert "no_response" not in standing.flags and standing.status == "attended"


def test_an_answer_resolves_the_stalled_task_at_once(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=10))
    reminder_at = now + timedelta(days=9)
    travel(runtime, reminder_at, reminder_at + timedelta(days=3, hours=1))
    (stalled,) = tasks_of(session, referral, "stalled")
    assert stalled.step == 1  # asked again

    reply(runtime, phone_of(referral), "1", reminder_at + timedelta(days=3, hours=2))

    (stalled,) = tasks_of(session, referral, "stalled")
    assert stalled.state == "resolved"
    assert stalled.resolved_at == reminder_at + timedelta(days=3, hours=2)


def test_a_step_that_cannot_run_passes_to_the_next_at_once(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    programme = load_programme()
    (stalled,) = [rule for rule in programme.tasks if rule.name == "stalled"]
    only_proxy = replace(stalled, steps=(TaskStep("ask_proxy", timedelta(days=2)),))
    programme = replace(programme, tasks=(only_proxy,))
    referral = make_referral(appointment_at=now + timedelta(days=10))  # no proxy number
    reminder_at = now + timedelta(days=9)
    travel(runtime, reminder_at, reminder_at + timedelta(days=3), programme=programme)

    (task,) = tasks_of(session, referral, "stalled")
    assert (task.state, task.flag) == ("flagged", "no_response")
    assert task.flagged_at == reminder_at + timedelta(days=3)


def test_a_request_for_another_date_is_a_rebooking_task_that_moving_the_appointment_closes(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    tick(runtime, now + timedelta(hours=9))

    result = reply(runtime, phone_of(referral), "3", now + timedelta(hours=9, minutes=5))

    assert status_of(session, referral) == "reschedule_requested"
    (task,) = tasks_of(session, referral, "rebooking")
    assert (task.state, task.message_id) == ("open", result.message_id)
    assert task.due_at == now + timedelta(hours=9, minutes=5)
    # The partner is asked for a new date first, reminded a day later and again the day after;
    # the caseworker's turn comes a day after that.
    assert caseworker_tasks(session, programme=runtime.programme) == []
    tick(runtime, now + timedelta(hours=9, minutes=10))
    (request,) = notices_of(session, referral, "partner_date_request")
    assert request.state == "sent"
    assert caseworker_tasks(session, programme=runtime.programme) == []
    tick(runtime, now + timedelta(days=1, hours=9, minutes=10))
    assert len(notices_of(session, referral, "partner_date_request")) == 2
    assert caseworker_tasks(session, programme=runtime.programme) == []
    tick(runtime, now + timedelta(days=2, hours=9, minutes=10))
    assert len(notices_of(session, referral, "partner_date_request")) == 3
    assert caseworker_tasks(session, programme=runtime.programme) == []
    tick(runtime, now + timedelta(days=3, hours=9, minutes=10))
    session.expire_all()
    assert [t.id for t in caseworker_tasks(session, programme=runtime.programme)] == [task.id]
    assert session.scalars(select(ReviewItem)).all() == []  # one item for the caseworker, not two
    # No "did you go?" for an appointment the returnee asked to move.
    assert all(n.state == "cancelled" for n in notices_of(session, referral, "attendance_check"))

    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        move_appointment(
            tx, found, now + timedelta(days=5), now=now + timedelta(days=2), actor="cw"
        )

    (task,) = tasks_of(session, referral, "rebooking")
    assert (task.state, task.resolution) == ("resolved", "status referred")
    assert caseworker_tasks(session, programme=runtime.programme) == []


def test_an_unhandled_rebooking_task_escalates_to_a_flag(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    tick(runtime, now + timedelta(hours=9))
    reply(runtime, phone_of(referral), "3", now + timedelta(hours=9, minutes=5))

    # The partner's day, its two reminders' days, then the caseworker's three: flagged after six.
    travel(runtime, now + timedelta(hours=10), now + timedelta(days=5, hours=10))
    assert standing_of(session, referral).flags == ()
    travel(runtime, now + timedelta(days=5, hours=11), now + timedelta(days=6, hours=10))

    assert standing_of(session, referral).flags == ("awaiting_rebooking",)
    assert [r.id for r in flagged_referrals(session, "awaiting_rebooking")] == [referral.id]


def test_moving_the_appointment_replans_the_partner_question(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=2))
    (before,) = tasks_of(session, referral, "partner_outcome")
    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        move_appointment(tx, found, now + timedelta(days=6), now=now, actor="cw")

    old, new = tasks_of(session, referral, "partner_outcome")
    assert (old.id, old.state, old.resolution) == (before.id, "cancelled", "anchor moved")
    assert (new.state, new.due_at) == ("open", now + timedelta(days=7))


def test_no_attendance_question_after_a_decline_even_one_planned_later(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    tick(runtime, now + timedelta(hours=9))
    reply(runtime, phone_of(referral), "2", now + timedelta(hours=9, minutes=5))
    assert all(n.state == "cancelled" for n in notices_of(session, referral, "attendance_check"))
    with runtime.db.transaction() as tx:  # e.g. an escalation's copy planned afterwards
        found = tx.get(Referral, referral.id)
        assert found is not None
        late = plan_notice(
            tx,
            kind=NoticeKind.ATTENDANCE_CHECK,
            returnee=found.returnee,
            referral=found,
            due_at=now + timedelta(days=1),
            now=now + timedelta(hours=10),
        )
    tick(runtime, now + timedelta(days=1, hours=1))

    session.expire_all()
    sent = session.get(Notice, late.id)
    assert sent is not None and (sent.state, sent.last_error) == (
        "cancelled",
        "no longer worth asking",
    )
    assert sent_to(session, phone_of(referral), "attendance_check") == []


def test_a_followup_no_records_that_the_person_has_not_started(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=None)
    (followup, *_) = notices_of(session, referral, "referral_followup")
    tick(runtime, followup.due_at)

    reply(
        runtime,
        phone_of(referral),
        "non, je n'ai pas commencé",
        followup.due_at + timedelta(minutes=3),
    )

    assert status_of(session, referral) == "not_started"
    standing = standing_of(session, referral)
    assert standing.is_known_outcome


def test_every_referral_ends_its_first_30_days_with_an_outcome_or_a_flag_when_nobody_answers(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    """Nobody answers anything: every referral is still flagged by day 30, whatever its shape."""
    silent_partner = make_partner()
    no_point_person = make_partner(point_persons=[])
    with_proxy = make_returnee(
        phones=[PhoneInput("+221771239001"), PhoneInput("+221771239002", is_proxy=True)]
    )
    referrals = [
        make_referral(partner=silent_partner),
        make_referral(partner=silent_partner, appointment_at=None),
        make_referral(partner=silent_partner, appointment_at=now + timedelta(days=24)),
        make_referral(partner=no_point_person, appointment_at=now + timedelta(days=3)),
        make_referral(partner=no_point_person, appointment_at=None),
        make_referral(partner=silent_partner, returnee=with_proxy),
    ]

    travel(runtime, now, now + timedelta(days=30), step=timedelta(hours=4))

    with runtime.db.sessions() as check:
        report = reach_report(check, now=now + timedelta(days=30))
        assert report.referrals == len(referrals)
        assert report.silent_references == []
        assert report.reach == 1.0
        assert set(report.by_flag) <= {"no_response", "awaiting_partner"}


def test_the_console_shows_the_standing_and_moving_the_appointment_closes_the_rebooking(
    runtime: Runtime,
    session: Session,
    caseworker_client: FlaskClient,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    client = caseworker_client
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    tick(runtime, now + timedelta(hours=9))
    reply(runtime, phone_of(referral), "3", now + timedelta(hours=9, minutes=5))
    travel(runtime, now + timedelta(hours=10), now + timedelta(days=6, hours=10))
    runtime.clock = lambda: now + timedelta(days=6, hours=11)

    front = client.get("/referrals").get_data(as_text=True)
    assert 'id="rebookings"' in front and "overdue" in front and referral.reference in front
    page = client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert 'data-flag="awaiting_rebooking"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None

    moved = client.post(
        f"/referrals/{referral.reference}/appointment",
        data={"csrf_token": token.group(1), "appointment_at": "2026-12-10T10:00"},
    )

    assert moved.status_code == 303
    assert status_of(session, referral) == "referred"
    assert standing_of(session, referral).flags == ()
    (task,) = tasks_of(session, referral, "rebooking")
    assert (task.state, task.resolution) == ("resolved", "status referred")
    event = session.get(Referral, referral.id).events[-1]  # type: ignore[union-attr]  # exists
    assert (event.note, event.actor) == ("appointment moved", client.user.username)  # type: ignore[attr-defined]  # set by client_as
    assert "No appointment to move." in client.get("/referrals").get_data(as_text=True)


def test_the_loop_commands_sweep_once_and_report_reach(
    runtime: Runtime,
    session: Session,
    runner: FlaskCliRunner,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    answered = make_referral(appointment_at=now + timedelta(days=1))
    silent = make_referral(appointment_at=now + timedelta(days=1), partner=answered.partner)
    reply(runtime, point_phone(answered), f"{answered.reference} inscrit", now)
    runtime.clock = lambda: now + timedelta(days=2, hours=1)

    swept = runner.invoke(loop_cli, ["sweep"])

    assert swept.exit_code == 0, swept.output
    assert swept.output.startswith("started=0 steps=1 ")  # the partner is asked about one
    assert len(sent_to(session, point_phone(silent), "partner_question")) == 0  # planned only
    assert [t.step for t in tasks_of(session, silent, "partner_outcome")] == [1]

    runtime.clock = lambda: now + timedelta(days=30)
    travel(
        runtime, now + timedelta(days=2, hours=1), now + timedelta(days=30), step=timedelta(hours=6)
    )
    reported = runner.invoke(loop_cli, ["report"])

    assert reported.exit_code == 0, reported.output
    figures = json.loads(reported.output.strip().splitlines()[-1])
    assert figures["referrals"] == 2 and figures["known_outcome"] == 1
    assert figures["flagged_only"] == 1 and figures["silent"] == 0 and figures["reach"] == 1.0
    assert figures["by_flag"]["awaiting_partner"] == 1


def test_the_managers_overview_counts_reach_and_flags(
    runtime: Runtime,
    manager_client: FlaskClient,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    make_referral(appointment_at=now + timedelta(days=1))
    make_referral(appointment_at=None)
    travel(runtime, now, now + timedelta(days=31), step=timedelta(hours=6))
    runtime.clock = lambda: now + timedelta(days=31)

    page = manager_client.get("/manager/loop").get_data(as_text=True)

    assert "100.0 % of the 2 referrals at least 30 days old" in page
    assert 'id="flag-counts"' in page and "awaiting_partner" in page


def test_the_referral_page_says_under_way_only_once_someone_was_asked(
    runtime: Runtime,
    session: Session,
    caseworker_client: FlaskClient,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=2))
    runtime.clock = lambda: now
    (task,) = tasks_of(session, referral, "partner_outcome")
    assert (task.state, task.step) == ("open", 0)  # due the day after the appointment

    fresh = caseworker_client.get(f"/referrals/{referral.reference}").get_data(as_text=True)

    assert "under way" not in fresh

    asked_at = now + timedelta(days=3, hours=1)
    tick(runtime, asked_at)
    runtime.clock = lambda: asked_at
    asked = caseworker_client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "under way: asking the partner what became of it" in asked


def test_the_response_flag_waits_while_the_partner_is_still_being_asked(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """The stalled task has asked the person again, the partner and the proxy before the
    partner's third question has had its wait: the referral reaches a caseworker once, with both
    flags, when every way to an answer was tried (the held flag follows at the next sweep)."""
    appointment = now + timedelta(days=10)
    referral = make_referral(appointment_at=appointment)
    travel(runtime, now, appointment + timedelta(days=7, hours=12), step=timedelta(hours=6))

    (outcome,) = tasks_of(session, referral, "partner_outcome")
    (stalled,) = tasks_of(session, referral, "stalled")
    assert outcome.step == 3 and outcome.state == "open"  # the partner's three questions
    assert (stalled.state, stalled.flag) == ("open", "no_response")  # held, not shown
    assert standing_of(session, referral).flags == ()
    assert flagged_referrals(session) == []

    travel(runtime, appointment + timedelta(days=8), appointment + timedelta(days=10))
    (outcome,) = tasks_of(session, referral, "partner_outcome")
    (stalled,) = tasks_of(session, referral, "stalled")
    assert (outcome.state, stalled.state) == ("flagged", "flagged")
    assert abs(outcome.flagged_at - stalled.flagged_at) <= timedelta(hours=1)
    assert standing_of(session, referral).flags == ("awaiting_partner", "no_response")


def test_a_late_appointment_is_flagged_with_the_partners_last_question_by_day_29(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """The partner's three questions need eight days after the appointment; an appointment on
    day 24 leaves five: the waits end on day 29 at the latest, and the question sent then comes
    with the flag (the partner's answer would still clear it)."""
    referral = make_referral(appointment_at=now + timedelta(days=24))
    travel(runtime, now, now + timedelta(days=29, hours=6), step=timedelta(hours=2))

    (outcome,) = tasks_of(session, referral, "partner_outcome")
    assert (outcome.state, outcome.step, outcome.flag) == ("flagged", 3, "awaiting_partner")
    day_29 = referral.created_at + timedelta(days=29)
    assert day_29 <= outcome.flagged_at <= day_29 + timedelta(hours=2)
    asked = sent_to(session, point_phone(referral), "partner_question")
    assert len(asked) == 3
    assert abs(asked[-1].created_at - outcome.flagged_at) <= timedelta(hours=1)


def test_after_its_first_30_days_a_referral_gets_the_partners_full_waits(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """The day-29 limit is the first month's promise: an appointment on day 40 gets its three
    questions with their full waits, and the flag eight days after it."""
    appointment = now + timedelta(days=40)
    referral = make_referral(appointment_at=appointment)
    travel(runtime, now, appointment + timedelta(days=7, hours=12), step=timedelta(hours=6))
    (outcome,) = tasks_of(session, referral, "partner_outcome")
    assert (outcome.state, outcome.step) == ("open", 3)

    travel(runtime, appointment + timedelta(days=7, hours=12), appointment + timedelta(days=9))
    (outcome,) = tasks_of(session, referral, "partner_outcome")
    assert outcome.state == "flagged"
    assert outcome.flagged_at >= appointment + timedelta(days=8)


def test_an_answer_while_the_partner_flag_waits_means_no_flag_at_all(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    appointment = now + timedelta(days=10)
    referral = make_referral(appointment_at=appointment)
    travel(runtime, now, appointment + timedelta(days=7, hours=12), step=timedelta(hours=6))
    (stalled,) = tasks_of(session, referral, "stalled")
    assert (stalled.state, stalled.flag) == ("open", "no_response")

    late = appointment + timedelta(days=7, hours=18)
    reply(runtime, point_phone(referral), f"absent {referral.reference}", late)
    travel(runtime, late, appointment + timedelta(days=10), step=timedelta(hours=6))

    assert status_of(session, referral) == "no_show"
    tasks = tasks_of(session, referral)
    assert {task.rule: task.state for task in tasks if task.rule != "partner_decision"} == {
        "partner_outcome": "resolved",
        "stalled": "resolved",
    }
    assert all(task.flagged_at is None for task in tasks)
