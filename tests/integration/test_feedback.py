"""Issue 20: the satisfaction question, its "why", the feedback keyword, complaints for managers
only, and the aggregates (a partner's hidden under 5 returnees)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from loop_helpers import phone_of, reply, sent_to
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.feedback.aggregates import partner_totals, rows_csv, satisfaction_rows
from smsgateway.feedback.items import add_note, close_item
from smsgateway.models import (
    FeedbackItem,
    Message,
    Notice,
    Partner,
    Referral,
    Returnee,
    ReviewItem,
    SatisfactionAnswer,
)
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.programme import load_programme
from smsgateway.referrals import Source, Status, change_status, close_referral
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime

PROGRAMME = load_programme()


def ask(runtime: Runtime, referral: Referral, at: datetime) -> int:
    """Send the satisfaction question about `referral` at `at`; its notice id."""
    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        notice = plan_notice(
            tx,
            kind=NoticeKind.SATISFACTION_QUESTION,
            returnee=found.returnee,
            referral=found,
            due_at=at,
            expires_at=at + timedelta(days=14),
            now=at,
        )
        tx.flush()
        notice_id = notice.id
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=at)
    return notice_id


def dispatch(runtime: Runtime, at: datetime) -> None:
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=at)


def satisfaction_notices(session: Session, referral: Referral, state: str) -> list[Notice]:
    session.expire_all()
    return list(
        session.scalars(
            select(Notice)
            .filter_by(referral_id=referral.id, kind="satisfaction_question", state=state)
            .order_by(Notice.due_at)
        )
    )


@pytest.fixture
def enrolled(
    now: datetime, make_referral: Callable[..., Referral], session: Session
) -> Callable[..., Referral]:
    """A referral made 60 days ago, no appointment, in `status` (enrolled by default)."""

    def make(**overrides: object) -> Referral:
        referral = make_referral(appointment_at=None, now=now - timedelta(days=60), **overrides)
        found = session.get(Referral, referral.id)
        assert found is not None
        change_status(session, found, Status.ENROLLED, source=Source.PARTNER_SMS, now=now)
        session.commit()
        return found

    return make


# Planning


def test_asked_a_month_after_the_enrolment_and_the_day_after_the_last_followup(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=None, programme=PROGRAMME)
    change_status(
        session, referral, Status.ENROLLED, source=Source.PARTNER_SMS, now=now, programme=PROGRAMME
    )
    session.commit()
    due = [n.due_at for n in satisfaction_notices(session, referral, NoticeState.PLANNED)]
    # Dakar is UTC all year; 10:00 local.
    assert due == [
        datetime(2027, 1, 1, 10, tzinfo=now.tzinfo),
        datetime(2027, 6, 2, 10, tzinfo=now.tzinfo),
    ]


def test_an_enrolment_close_to_the_last_followup_adds_no_second_question(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=None, programme=PROGRAMME)
    later = now + timedelta(days=160)  # a month after it is the last follow-up's question
    change_status(
        session,
        referral,
        Status.ENROLLED,
        source=Source.PARTNER_SMS,
        now=later,
        programme=PROGRAMME,
    )
    session.commit()
    assert len(satisfaction_notices(session, referral, NoticeState.PLANNED)) == 1


@pytest.mark.parametrize(
    ("status", "path", "planned"),
    [
        (Status.CANCELLED, [Status.ENROLLED], 2),
        (Status.DROPPED_OUT, [Status.ENROLLED], 2),
        (Status.INELIGIBLE, [], 1),
    ],
)
def test_cancelled_when_the_referral_closes_early(
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    status: Status,
    path: list[Status],
    planned: int,
) -> None:
    referral = make_referral(appointment_at=None, programme=PROGRAMME)
    for step in path:
        change_status(
            session, referral, step, source=Source.PARTNER_SMS, now=now, programme=PROGRAMME
        )
    assert len(satisfaction_notices(session, referral, NoticeState.PLANNED)) == planned
    if status is Status.CANCELLED:
        close_referral(session, referral, source=Source.CASEWORKER, now=now, actor="cw")
    else:
        change_status(session, referral, status, source=Source.PARTNER_SMS, now=now)
    session.commit()
    assert satisfaction_notices(session, referral, NoticeState.PLANNED) == []
    assert len(satisfaction_notices(session, referral, NoticeState.CANCELLED)) == planned


def test_a_completed_referral_is_still_asked(
    session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(appointment_at=None, programme=PROGRAMME)
    change_status(
        session, referral, Status.ENROLLED, source=Source.PARTNER_SMS, now=now, programme=PROGRAMME
    )
    change_status(session, referral, Status.COMPLETED, source=Source.PARTNER_SMS, now=now)
    session.commit()
    assert len(satisfaction_notices(session, referral, NoticeState.PLANNED)) == 2
    assert [
        n.kind
        for n in session.scalars(
            select(Notice).filter_by(referral_id=referral.id, state=NoticeState.PLANNED)
        )
    ] == ["satisfaction_question"] * 2


# Answers


def test_three_then_a_reason_opens_an_item_for_managers_and_tells_the_sender(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    referral = enrolled()
    phone = phone_of(referral)
    question = ask(runtime, referral, now)
    (sent,) = sent_to(session, phone, "satisfaction_question")
    assert referral.reference in sent.body and referral.partner.message_name in sent.body

    assert reply(runtime, phone, "3", now + timedelta(minutes=5)).outcome == "applied"
    dispatch(runtime, now + timedelta(minutes=5))
    (answer,) = session.scalars(select(SatisfactionAnswer)).all()
    assert (answer.notice_id, answer.answer, answer.is_proxy) == (question, "not_satisfied", False)
    assert len(sent_to(session, phone, "satisfaction_reason")) == 1

    text = "ils ne m'ont jamais rappelé"
    result = reply(runtime, phone, text, now + timedelta(minutes=9))
    dispatch(runtime, now + timedelta(minutes=9))
    (item,) = session.scalars(select(FeedbackItem)).all()
    assert (item.state, item.partner_id, item.satisfaction_answer_id) == (
        "open",
        referral.partner_id,
        answer.id,
    )
    assert item.message.body == text and item.message.intent == "reason"
    assert item.message.referral_id is None  # never on the referral's page
    assert sent_to(session, phone, "ack_feedback")
    assert result.outcome == "applied"

    with runtime.db.transaction() as tx:
        add_note(tx, item.id, "Called the centre", now=now + timedelta(days=1), actor="manager")
        close_item(
            tx,
            item.id,
            theme="never_contacted",
            note="They will call her this week",
            now=now + timedelta(days=2),
            actor="manager",
        )
    dispatch(runtime, now + timedelta(days=2))
    session.expire_all()
    closed = session.get(FeedbackItem, item.id)
    assert closed is not None and (closed.state, closed.theme, len(closed.notes)) == (
        "closed",
        "never_contacted",
        2,
    )
    (closing,) = sent_to(session, phone, "feedback_closed")
    assert "AVIS" in closing.body and text not in closing.body


def test_one_is_thanked_and_two_is_asked_why(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    yes, partly = enrolled(), enrolled()
    ask(runtime, yes, now)
    ask(runtime, partly, now)
    reply(runtime, phone_of(yes), "1", now + timedelta(minutes=1))
    reply(runtime, phone_of(partly), "en partie", now + timedelta(minutes=1))
    dispatch(runtime, now + timedelta(minutes=1))
    assert sent_to(session, phone_of(yes), "ack_satisfaction")
    assert not sent_to(session, phone_of(yes), "satisfaction_reason")
    assert sent_to(session, phone_of(partly), "satisfaction_reason")
    answers = {a.referral_id: a.answer for a in session.scalars(select(SatisfactionAnswer))}
    assert answers == {yes.id: "satisfied", partly.id: "partly_satisfied"}


def test_an_unclear_answer_goes_to_the_review_queue_and_the_question_stays_open(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    referral = enrolled()
    question = ask(runtime, referral, now)
    reply(runtime, phone_of(referral), "je sais pas", now + timedelta(minutes=1))
    session.expire_all()
    (item,) = session.scalars(select(ReviewItem).filter_by(reason="unclear")).all()
    assert item.referral_id == referral.id
    assert session.scalars(select(SatisfactionAnswer)).all() == []
    notice = session.get(Notice, question)
    assert notice is not None and notice.answered_at is None


def test_an_unclear_answer_about_the_messages_is_told_how_to_stop(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    referral = enrolled()
    ask(runtime, referral, now)
    reply(
        runtime,
        phone_of(referral),
        "vos sms arrivent trop tôt le matin",
        now + timedelta(minutes=1),
    )
    session.expire_all()
    (item,) = session.scalars(select(ReviewItem)).all()
    assert (item.reason, item.referral_id) == ("unclear_about_the_messages", referral.id)
    dispatch(runtime, now + timedelta(minutes=1))
    (told,) = sent_to(session, phone_of(referral), "ack_unclear_stop")
    assert "STOP" in told.body


def test_an_ok_to_why_opens_nothing_and_is_thanked(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    referral = enrolled()
    ask(runtime, referral, now)
    reply(runtime, phone_of(referral), "3", now + timedelta(minutes=1))
    dispatch(runtime, now + timedelta(minutes=1))
    reply(runtime, phone_of(referral), "d'accord", now + timedelta(minutes=2))
    dispatch(runtime, now + timedelta(minutes=2))
    assert session.scalars(select(FeedbackItem)).all() == []
    assert sent_to(session, phone_of(referral), "ack_satisfaction")


def test_a_proxys_answer_is_kept_but_not_counted_as_the_returnees(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    enrolled: Callable[..., Referral],
) -> None:
    returnee = make_returnee(phones=[PhoneInput("+221771999001", is_proxy=True, relation="sister")])
    referral = enrolled(returnee=returnee)
    ask(runtime, referral, now)
    reply(runtime, "+221771999001", "1", now + timedelta(minutes=1))
    (answer,) = session.scalars(select(SatisfactionAnswer)).all()
    assert answer.is_proxy
    (row,) = satisfaction_rows(session)
    assert (row.tally.asked, row.tally.answered, row.tally.proxy_answers) == (1, 0, 1)


# The feedback keyword


def test_feedback_keyword_with_words_opens_an_item_whatever_is_open(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    referral = enrolled()
    ask(runtime, referral, now)
    reply(runtime, phone_of(referral), "PLAINTE le centre demande de l'argent", now)
    dispatch(runtime, now)
    (item,) = session.scalars(select(FeedbackItem)).all()
    assert (item.source, item.partner_id, item.message.referral_id) == (
        "feedback_keyword",
        None,
        None,
    )
    assert sent_to(session, phone_of(referral), "ack_feedback")


def test_feedback_keyword_alone_asks_for_the_message(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    referral = enrolled()
    reply(runtime, phone_of(referral), "Avis", now)
    dispatch(runtime, now)  # "write your message" goes out
    assert session.scalars(select(FeedbackItem)).all() == []
    assert sent_to(session, phone_of(referral), "feedback_request")
    reply(
        runtime, phone_of(referral), "personne ne répond au téléphone", now + timedelta(minutes=3)
    )
    (item,) = session.scalars(select(FeedbackItem)).all()
    assert item.message.body == "personne ne répond au téléphone"


# Who sees what


def _complaint(runtime: Runtime, referral: Referral, now: datetime) -> FeedbackItem:
    ask(runtime, referral, now)
    reply(runtime, phone_of(referral), "3", now + timedelta(minutes=1))
    dispatch(runtime, now + timedelta(minutes=1))  # the "why?" goes out
    reply(runtime, phone_of(referral), "on m'a demandé de payer", now + timedelta(minutes=2))
    with runtime.db.sessions() as session:
        (item,) = session.scalars(select(FeedbackItem)).all()
        return item


def test_complaints_reach_only_managers(
    runtime: Runtime,
    now: datetime,
    enrolled: Callable[..., Referral],
    client_as: Callable[..., FlaskClient],
) -> None:
    referral = enrolled()
    item = _complaint(runtime, referral, now)
    manager = client_as("manager")
    assert "on m&#39;a demandé de payer" in manager.get("/manager/feedback").text
    assert manager.get(f"/manager/feedback/{item.id}").status_code == 200
    others = [
        client_as("caseworker"),
        client_as("admin"),
        client_as("partner", partner_id=referral.partner_id),
    ]
    for client in others:
        assert client.get("/manager/feedback").status_code == 403
        assert client.get(f"/manager/feedback/{item.id}").status_code == 403
    caseworker = others[0]
    for path in (
        f"/referrals/{referral.reference}",
        f"/returnees/{referral.returnee_id}",
        "/reviews",
        "/referrals",
        "/export/events.csv",
    ):
        answer = caseworker.get(path)
        assert answer.status_code == 200 and "payer" not in answer.text, path
    partner = others[2]
    for path in ("/partner/", f"/partner/referrals/{referral.reference}", "/partner/satisfaction"):
        answer = partner.get(path)
        assert answer.status_code == 200 and "payer" not in answer.text, path


def test_manager_closes_a_complaint_on_the_console(
    runtime: Runtime,
    session: Session,
    now: datetime,
    enrolled: Callable[..., Referral],
    client_as: Callable[..., FlaskClient],
    form_token: Callable[..., str],
) -> None:
    referral = enrolled()
    item = _complaint(runtime, referral, now)
    manager = client_as("manager")
    token = form_token(manager, f"/manager/feedback/{item.id}")
    response = manager.post(
        f"/manager/feedback/{item.id}/close",
        data={"csrf_token": token, "theme": "distance_or_cost", "note": "Refund arranged"},
    )
    assert response.status_code == 303
    session.expire_all()
    closed = session.get(FeedbackItem, item.id)
    assert closed is not None and closed.state == "closed"
    assert closed.closed_by_user_id == manager.user.id  # type: ignore[attr-defined]


def _answers(
    runtime: Runtime, now: datetime, partner: Partner, count: int, make: Callable[..., Referral]
) -> None:
    for n in range(count):
        referral = make(partner=partner)
        ask(runtime, referral, now + timedelta(minutes=n))
        reply(runtime, phone_of(referral), "1", now + timedelta(minutes=n, seconds=30))


def test_a_partner_sees_its_totals_only_from_five_returnees(
    runtime: Runtime,
    session: Session,
    now: datetime,
    enrolled: Callable[..., Referral],
    make_partner: Callable[..., Partner],
    client_as: Callable[..., FlaskClient],
) -> None:
    mine, other = make_partner(), make_partner()
    _answers(runtime, now, mine, 4, enrolled)
    _answers(runtime, now, other, 6, enrolled)
    assert partner_totals(session, mine.id, minimum=5) is None
    client = client_as("partner", partner_id=mine.id)
    page = client.get("/partner/satisfaction").text
    assert 'id="satisfaction-hidden"' in page and 'id="own-satisfaction"' not in page
    assert client.get("/manager/satisfaction").status_code == 403
    assert client.get("/manager/satisfaction.csv").status_code == 403

    _answers(runtime, now + timedelta(hours=1), mine, 1, enrolled)
    page = client.get("/partner/satisfaction").text
    assert 'id="own-satisfaction"' in page
    assert other.name not in page
    totals = partner_totals(session, mine.id, minimum=5)
    assert totals is not None and (totals.asked, totals.answered) == (5, 5)


def test_managers_see_partners_services_and_export_aggregates(
    runtime: Runtime,
    session: Session,
    now: datetime,
    enrolled: Callable[..., Referral],
    make_partner: Callable[..., Partner],
    manager_client: FlaskClient,
) -> None:
    small, large = make_partner(), make_partner()
    _answers(runtime, now, small, 2, enrolled)
    _answers(runtime, now, large, 5, enrolled)
    page = manager_client.get("/manager/satisfaction").text
    assert small.name in page and large.name in page and "vocational_training" in page
    csv = manager_client.get("/manager/satisfaction.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.text.splitlines()
    assert lines[0].startswith("partner,service,month,asked,answered,response_rate")
    assert f"{small.name},vocational_training,2026-12,2,2,1.00,,," in lines
    assert f"{large.name},vocational_training,2026-12,5,5,1.00,5,0,0" in lines
    assert rows_csv(satisfaction_rows(session), minimum=1).count("\n") == 3


def test_no_message_of_the_loop_carries_a_returnees_text_or_a_service(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    referral = enrolled(service_category="mental_health")
    _complaint(runtime, referral, now)
    dispatch(runtime, now + timedelta(minutes=3))
    out = session.scalars(
        select(Message).filter_by(direction="out", phone_e164=phone_of(referral))
    ).all()
    kinds = {m.kind for m in out}
    assert {"satisfaction_question", "satisfaction_reason", "ack_feedback"} <= kinds
    for message in out:
        assert "mental" not in message.body.lower() and "santé" not in message.body.lower()
        assert "payer" not in message.body
    assert referral.partner.name not in " ".join(m.body for m in out)


def test_only_console_users_of_the_right_role_reach_the_pages(
    client_as: Callable[..., FlaskClient], make_partner: Callable[..., Partner]
) -> None:
    partner = make_partner()
    caseworker = client_as("caseworker")
    assert caseworker.get("/manager/satisfaction").status_code == 403
    assert caseworker.get("/partner/satisfaction").status_code == 403
    assert client_as("admin").get("/manager/satisfaction").status_code == 200
    assert (
        client_as("partner", partner_id=partner.id).get("/partner/satisfaction").status_code == 200
    )


def test_why_goes_at_once_even_with_another_question_open_on_the_number(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        plan_notice(
            tx,
            kind=NoticeKind.APPOINTMENT_REMINDER,
            returnee=found.returnee,
            referral=found,
            due_at=now,
            expires_at=now + timedelta(days=2),
            now=now,
        )
    dispatch(runtime, now)
    ask(runtime, referral, now + timedelta(minutes=1))
    reply(runtime, phone_of(referral), "3", now + timedelta(minutes=2))
    dispatch(runtime, now + timedelta(minutes=2))
    assert sent_to(session, phone_of(referral), "satisfaction_reason")


def test_a_key_press_is_answered_with_why_by_sms(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    referral = enrolled()
    ask(runtime, referral, now)
    with runtime.db.transaction() as tx:
        inbound = InboundMessage(phone_of(referral), "3", channel="voice")
        receive_message(tx, inbound, now=now + timedelta(minutes=1), settings=runtime.settings)
    dispatch(runtime, now + timedelta(minutes=1))
    (why,) = sent_to(session, phone_of(referral), "satisfaction_reason")
    assert why.channel == "sms"
    (answer,) = session.scalars(select(SatisfactionAnswer)).all()
    assert answer.answer == "not_satisfied"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("ar", "شكوى المركز طلب مني فلوس", "مسؤولو البرنامج"),
        ("ha", "korafi babu mai amsawa", "Shugabannin shirin"),
        ("es", "QUEJA nadie contesta", "responsables del programa"),
    ],
)
def test_the_acknowledgement_is_in_the_senders_language(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    enrolled: Callable[..., Referral],
    language: str,
    text: str,
    expected: str,
) -> None:
    referral = enrolled(returnee=make_returnee(language=language))
    reply(runtime, phone_of(referral), text, now)
    dispatch(runtime, now)
    (ack,) = sent_to(session, phone_of(referral), "ack_feedback")
    assert expected in ack.body and ack.language == language


def test_a_late_answer_goes_to_review_but_not_on_the_referrals_page(
    runtime: Runtime, session: Session, now: datetime, enrolled: Callable[..., Referral]
) -> None:
    referral = enrolled()
    ask(runtime, referral, now)
    late = now + timedelta(days=5)  # after the reply window, before the question expires
    reply(runtime, phone_of(referral), "3 ils étaient impolis", late)
    session.expire_all()
    items = session.scalars(select(ReviewItem).filter_by(reason="late_reply")).all()
    assert [item.referral_id for item in items] == [referral.id]
    on_page = session.scalars(select(Message).filter_by(referral_id=referral.id, direction="in"))
    assert list(on_page) == []
