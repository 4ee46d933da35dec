"""Asking the partners: after the appointment (or some days after a referral without one), a
reminder, then a flag for the caseworker; one message per referral or a daily digest."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from loop_helpers import (
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

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.loop.partner_questions import ask_partner_about, referrals_awaiting_partner
from smsgateway.models import Notice, Partner, Referral, ReviewItem
from smsgateway.programme import Programme, load_programme
from smsgateway.referrals import move_appointment
from smsgateway.runtime import Runtime


@pytest.fixture
def digest_programme() -> Programme:
    default = load_programme()
    return replace(default, partner_questions=replace(default.partner_questions, delivery="digest"))


def test_the_partner_is_asked_the_day_after_the_appointment_in_its_language_and_answers_1(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=2))
    referral.partner.point_persons[0].language = "en"
    referral.returnee.last_name = "Diop"
    session.commit()
    phone = point_phone(referral)

    travel(runtime, now, now + timedelta(days=3))

    (question,) = sent_to(session, phone, "partner_question")
    assert question.language == "en"
    assert question.created_at >= now + timedelta(days=3)  # appointment + 1 day
    assert referral.reference in question.body and "Person1 D." in question.body
    assert "Reply 1 enrolled, 2 did not come, 3 not eligible, 4 came" in question.body
    assert "vocational" not in question.body  # never the service

    result = reply(runtime, phone, "1", now + timedelta(days=3, hours=2))

    assert result.outcome == "applied"
    assert status_of(session, referral) == "enrolled"
    (task,) = tasks_of(session, referral, "partner_outcome")
    assert (task.state, task.resolution) == ("resolved", "status enrolled")
    assert session.scalars(select(ReviewItem)).all() == []


def test_a_referral_without_appointment_is_put_to_the_partner_after_a_week(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=None)
    phone = point_phone(referral)

    travel(runtime, now, now + timedelta(days=6, hours=23), step=timedelta(hours=6))
    assert sent_to(session, phone, "partner_question") == []
    travel(runtime, now + timedelta(days=7), now + timedelta(days=7, hours=2))

    (question,) = sent_to(session, phone, "partner_question")
    assert referral.reference in question.body
    # The returnee is asked too, the same day: "have you started?"
    (followup,) = sent_to(
        session, referral.returnee.contact_points[0].phone_e164, "referral_followup"
    )
    assert followup.created_at.date() == (now + timedelta(days=7)).date()


def test_no_answer_gets_a_reminder_then_the_flag_which_a_late_answer_clears(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=1))
    phone = point_phone(referral)

    travel(runtime, now, now + timedelta(days=4), step=timedelta(hours=2))
    asked = sent_to(session, phone, "partner_question")
    assert len(asked) == 2
    assert asked[1].body.startswith("Rappel.")  # the point person reads French by default
    assert standing_of(session, referral).flags == ()

    # Asked the day after the appointment, reminded two days later and again two days after
    # that; the returnee's silence was worked on meanwhile (asked again, then the partner once
    # more counts as done) and its flag waits for the partner's: both come three days later.
    travel(runtime, now + timedelta(days=4, hours=2), now + timedelta(days=8, hours=9))
    assert len(sent_to(session, phone, "partner_question")) == 3
    assert standing_of(session, referral).flags == ()
    travel(runtime, now + timedelta(days=8, hours=11), now + timedelta(days=10, hours=9))

    standing = standing_of(session, referral)
    assert standing.flags == ("awaiting_partner", "no_response")
    assert standing.is_settled and not standing.is_known_outcome
    assert len(sent_to(session, phone, "partner_question")) == 3  # then nothing more

    result = reply(runtime, phone, f"{referral.reference} absent", now + timedelta(days=11))

    assert result.outcome == "applied"
    assert status_of(session, referral) == "no_show"
    standing = standing_of(session, referral)
    assert standing.flags == () and standing.is_known_outcome


def test_came_without_a_decision_asks_again_a_week_later(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=1))
    phone = point_phone(referral)
    travel(runtime, now, now + timedelta(days=2, hours=2))

    reply(runtime, phone, "4", now + timedelta(days=2, hours=3))

    assert status_of(session, referral) == "attended"
    (decision,) = [t for t in tasks_of(session, referral) if t.rule == "partner_decision"]
    assert decision.due_at == decision.anchor_at + timedelta(days=7)
    travel(runtime, now + timedelta(days=9, hours=3), now + timedelta(days=9, hours=5))
    assert len(sent_to(session, phone, "partner_question")) == 2
    reply(runtime, phone, "INSCRIT", now + timedelta(days=9, hours=6))
    assert status_of(session, referral) == "enrolled"


def test_reporting_the_status_a_referral_has_is_already_recorded_not_refused(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    phone = point_phone(referral)
    reply(runtime, phone, f"ENROLLED {referral.reference}", now)

    again = reply(runtime, phone, f"{referral.reference} inscrit", now + timedelta(hours=1))

    assert again.outcome == "applied"
    (ack_id,) = again.notice_ids
    ack = session.get(Notice, ack_id)
    assert ack is not None
    assert ack.payload["results"] == [
        {"reference": referral.reference, "outcome": "already_recorded", "reason": ""}
    ]
    assert session.scalars(select(ReviewItem).filter_by(message_id=again.message_id)).all() == []
    dispatch_due_notices(
        runtime.db, runtime.transport, runtime.settings, now=now + timedelta(hours=1)
    )
    (_, answer) = sent_to(session, phone, "ack_partner_results")
    assert answer.body == f"{referral.reference} : déjà enregistré."


def test_a_partners_no_show_after_a_returnees_decline_is_recorded(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(hours=10))
    tick(runtime, now + timedelta(hours=9))  # the reminder
    reply(runtime, referral.returnee.contact_points[0].phone_e164, "2", now + timedelta(hours=9))
    assert status_of(session, referral) == "declined"

    result = reply(
        runtime, point_phone(referral), f"NOSHOW {referral.reference}", now + timedelta(days=1)
    )

    assert result.outcome == "applied"
    assert status_of(session, referral) == "no_show"


def test_a_digest_lists_the_day_s_referrals_numbered_and_reads_numbered_answers(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
    digest_programme: Programme,
) -> None:
    partner = make_partner()
    first, second, third = (
        make_referral(partner=partner, appointment_at=now + timedelta(hours=h)) for h in (2, 3, 4)
    )
    phone = point_phone(first)

    travel(runtime, now, now + timedelta(days=2, hours=3), programme=digest_programme)

    (digest,) = sent_to(session, phone, "partner_question")
    assert digest.created_at.hour == 9  # the digest's local time (Dakar is UTC+0)
    lines = digest.body.splitlines()
    assert lines[0] == "Orientations en attente de votre réponse :"
    assert [line.split()[:2] for line in lines[1:4]] == [
        ["1.", first.reference],
        ["2.", second.reference],
        ["3.", third.reference],
    ]
    assert "1 INSCRIT, 2 ABSENT" in digest.body and "VENU" in digest.body

    result = reply(runtime, phone, "1 inscrit, 2 absent\n3 4", now + timedelta(days=2, hours=5))

    assert result.outcome == "applied"
    assert [status_of(session, r) for r in (first, second, third)] == [
        "enrolled",
        "no_show",
        "attended",
    ]


def test_a_bare_answer_to_a_digest_asks_for_the_reference_without_a_review_item(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
    digest_programme: Programme,
) -> None:
    partner = make_partner()
    first, second = (
        make_referral(partner=partner, appointment_at=now + timedelta(hours=h)) for h in (2, 3)
    )
    travel(runtime, now, now + timedelta(days=2, hours=3), programme=digest_programme)

    result = reply(runtime, point_phone(first), "1", now + timedelta(days=2, hours=5))

    # The partner is asked for the reference; nothing waits in the review queue.
    assert result.outcome == "which_referral"
    assert session.scalars(select(ReviewItem)).all() == []
    ack = session.get(Notice, result.notice_ids[0])
    assert ack is not None
    assert ack.payload["results"] == [
        {"reference": "?", "outcome": "refused", "reason": "which_referral"}
    ]
    assert [status_of(session, r) for r in (first, second)] == ["referred", "referred"]


def test_a_digest_drops_referrals_answered_before_it_goes(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
    digest_programme: Programme,
) -> None:
    partner = make_partner()
    first, second = (
        make_referral(partner=partner, appointment_at=now + timedelta(hours=h)) for h in (2, 3)
    )
    phone = point_phone(first)
    with runtime.db.transaction() as tx:
        for referral in (first, second):
            found = tx.get(Referral, referral.id)
            assert found is not None
            ask_partner_about(tx, found, now=now, programme=digest_programme)
    reply(runtime, phone, f"ENROLLED {first.reference}", now + timedelta(hours=1))

    travel(
        runtime,
        now + timedelta(hours=2),
        now + timedelta(days=1, hours=2),
        programme=digest_programme,
    )

    (digest, *_) = sent_to(session, phone, "partner_question")
    assert first.reference not in digest.body and second.reference in digest.body


def test_the_partner_page_lists_what_is_asked_and_says_already_recorded(
    runtime: Runtime,
    session: Session,
    client_as: Callable[..., FlaskClient],
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=1))
    client = client_as("partner", partner_id=referral.partner_id)
    assert 'id="asked"' not in client.get("/partner/").get_data(as_text=True)
    travel(runtime, now, now + timedelta(days=2, hours=1))
    runtime.clock = lambda: now + timedelta(days=2, hours=2)

    home = client.get("/partner/").get_data(as_text=True)
    assert 'id="asked"' in home and referral.reference in home
    page = client.get(f"/partner/referrals/{referral.reference}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    form = {"csrf_token": token.group(1), "outcome": "enrolled", "note": ""}

    client.post(f"/partner/referrals/{referral.reference}/outcome", data=form)
    again = client.post(
        f"/partner/referrals/{referral.reference}/outcome", data=form, follow_redirects=True
    )

    assert status_of(session, referral) == "enrolled"
    assert "Already recorded." in again.get_data(as_text=True)
    assert 'id="asked"' not in client.get("/partner/").get_data(as_text=True)
    with runtime.db.sessions() as check:
        assert (
            referrals_awaiting_partner(check, referral.partner_id, programme=runtime.programme)
            == []
        )


def test_the_stalled_policy_does_not_ask_a_partner_just_asked_but_a_new_appointment_does(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=1))
    phone = point_phone(referral)
    travel(runtime, now, now + timedelta(days=10), step=timedelta(hours=3))
    # Asked after the appointment and reminded twice; the stalled policy's own "ask the
    # partner" step found it done.
    assert len(sent_to(session, phone, "partner_question")) == 3
    assert {t.flag for t in tasks_of(session, referral)} == {"awaiting_partner", "no_response"}

    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        move_appointment(
            tx, found, now + timedelta(days=12), now=now + timedelta(days=10), actor="cw"
        )
    travel(runtime, now + timedelta(days=10), now + timedelta(days=13, hours=3))

    assert len(sent_to(session, phone, "partner_question")) == 4


def test_a_bare_answer_after_two_questions_sent_together_is_not_guessed(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partner = make_partner()
    first, second = (
        make_referral(partner=partner, appointment_at=now + timedelta(hours=h)) for h in (2, 3)
    )
    phone = point_phone(first)
    travel(runtime, now, now + timedelta(days=1, hours=4))
    assert len(sent_to(session, phone, "partner_question")) == 2

    bare = reply(runtime, phone, "1", now + timedelta(days=1, hours=5))

    assert bare.outcome == "which_referral"
    assert session.scalars(select(ReviewItem)).all() == []
    assert [status_of(session, r) for r in (first, second)] == ["referred", "referred"]
    by_reference = reply(runtime, phone, f"{first.reference} 2", now + timedelta(days=1, hours=6))
    assert by_reference.outcome == "applied"
    assert status_of(session, first) == "no_show"
    # Now only one question is waiting: a bare answer is its answer.
    reply(runtime, phone, "1", now + timedelta(days=1, hours=7))
    assert status_of(session, second) == "enrolled"


def test_a_rule_without_a_flag_asks_then_lapses_without_alerting_anyone(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    default = load_programme()
    rules = tuple(
        replace(rule, flag="") if rule.name == "partner_outcome" else rule for rule in default.tasks
    )
    asking_only = replace(default, tasks=rules)
    referral = make_referral(appointment_at=now + timedelta(days=1))

    travel(runtime, now, now + timedelta(days=9, hours=9), programme=asking_only)

    assert len(sent_to(session, point_phone(referral), "partner_question")) == 3
    (task,) = tasks_of(session, referral, "partner_outcome")
    assert (task.state, task.resolution, task.flag) == ("resolved", "lapsed", "")
    # The person's silence has its own rule and flag by now; the partner's silence has none.
    assert standing_of(session, referral).flags == ("no_response",)


def test_a_late_bare_answer_is_not_given_to_a_later_question_about_another_referral(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partner = make_partner()
    first = make_referral(partner=partner, appointment_at=now + timedelta(hours=2))
    second = make_referral(partner=partner, appointment_at=now + timedelta(days=1, hours=6))
    phone = point_phone(first)
    travel(runtime, now, now + timedelta(days=2, hours=7))
    asked = sent_to(session, phone, "partner_question")
    assert len(asked) == 2 and asked[1].created_at - asked[0].created_at > timedelta(days=1)

    late = reply(runtime, phone, "1", now + timedelta(days=2, hours=8))  # meant for the first

    assert late.outcome == "which_referral"
    assert [status_of(session, r) for r in (first, second)] == ["referred", "referred"]
