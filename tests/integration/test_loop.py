"""The whole loop on the embedded default, through the Flask test client and the simulator."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import Message, Notice, Partner, Referral, Returnee, ReviewItem
from smsgateway.runtime import Runtime


@pytest.fixture
def client(caseworker_client: FlaskClient) -> FlaskClient:
    """The console and the simulator need a login: these tests act as a caseworker."""
    return caseworker_client


def csrf(client: FlaskClient, path: str = "/referrals") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def add_referral_through_console(
    client: FlaskClient, returnee: Returnee, partner: Partner, when: str
) -> str:
    response = client.post(
        "/referrals",
        data={
            "csrf_token": csrf(client),
            "returnee_id": returnee.id,
            "partner_id": partner.id,
            "service_category": "vocational_training",
            "appointment_at": when,
            "appointment_place": "Pikine, Rue 10",
        },
    )
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[-1]


def reply_from_phone(client: FlaskClient, contact_id: int, text: str) -> None:
    token = csrf(client, f"/simulator/?contact={contact_id}")
    response = client.post(
        f"/simulator/{contact_id}/reply", data={"csrf_token": token, "body": text}
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("reply", "status", "ack_word"),
    [("1", "confirmed", "confirm"), ("2", "declined", "")],
)
def test_referral_reminder_reply_updates_status_with_event_and_acknowledgement(
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_partner: Callable[..., Partner],
    reply: str,
    status: str,
    ack_word: str,
) -> None:
    runtime.clock = lambda: now
    returnee = make_returnee(language="en", time_zone="Africa/Dakar")
    partner = make_partner()
    appointment = (now + timedelta(days=2)).strftime("%Y-%m-%dT10:00")  # Dakar is UTC+0
    reference = add_referral_through_console(client, returnee, partner, appointment)
    referral = session.scalar(select(Referral).filter_by(reference=reference))
    assert referral is not None
    reminder = session.scalars(
        select(Notice)
        .filter_by(referral_id=referral.id, kind="appointment_reminder")
        .order_by(Notice.due_at.desc())
    ).first()
    assert reminder is not None, "recording a referral with an appointment plans a reminder"

    runtime.clock = lambda: reminder.due_at
    report = dispatch_due_notices(
        runtime.db, runtime.transport, runtime.settings, now=runtime.clock()
    )
    assert report.sent >= 1
    point = returnee.contact_points[0]
    thread = client.get(f"/simulator/?contact={point.id}").get_data(as_text=True)
    assert reference in thread and "Reply 1" in thread

    reply_from_phone(client, point.id, reply)

    session.refresh(referral)
    assert referral.status == status
    last = referral.events[-1]
    assert (last.old_status, last.new_status, last.source) == ("referred", status, "returnee_reply")
    inbound = session.get(Message, last.message_id)
    assert inbound is not None and inbound.body == reply and inbound.direction == "in"
    outbound = session.scalars(
        select(Message).filter_by(direction="out", referral_id=referral.id).order_by(Message.id)
    ).all()
    kinds = [m.kind for m in outbound]  # notices of one round are sent concurrently
    assert "appointment_reminder" in kinds
    assert kinds[-1] == ("ack_confirmed" if reply == "1" else "ack_declined")
    assert outbound[-1].delivery_status == "delivered"
    assert ack_word in outbound[-1].body.lower()
    page = client.get(f"/referrals/{reference}").get_data(as_text=True)
    assert f'data-status="{status}" id="status"' in page


@pytest.mark.parametrize(
    ("text", "status"),
    [("yes", "confirmed"), ("oui", "confirmed"), ("non", "declined"), ("no", "declined")],
)
def test_words_answer_the_reminder_like_digits(
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    text: str,
    status: str,
) -> None:
    referral = make_referral(appointment_at=now + timedelta(days=2))
    reminder = session.scalars(
        select(Notice).filter_by(referral_id=referral.id, kind="appointment_reminder")
    ).first()
    assert reminder is not None
    sent_at = reminder.due_at
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=sent_at)
    from smsgateway.replies.inbound import InboundMessage, receive_message

    with runtime.db.transaction() as tx:
        phone = referral.returnee.contact_points[0].phone_e164
        receive_message(tx, InboundMessage(phone, text), now=sent_at, settings=runtime.settings)
    session.refresh(referral)
    assert referral.status == status


def test_reply_from_unknown_number_is_stored_answered_with_help_and_queued(
    client: FlaskClient, runtime: Runtime, session: Session, now: datetime
) -> None:
    from smsgateway.replies.inbound import InboundMessage, receive_message

    with runtime.db.transaction() as tx:
        result = receive_message(
            tx, InboundMessage("+221775550000", "hello?"), now=now, settings=runtime.settings
        )
    assert result.outcome == "unknown_sender"
    stored = session.get(Message, result.message_id)
    assert stored is not None and stored.body == "hello?" and stored.direction == "in"
    report = dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    assert report.sent == 1
    answer = session.scalar(select(Message).filter_by(direction="out"))
    assert answer is not None
    assert answer.phone_e164 == "+221775550000" and answer.kind == "ack_unknown_sender"
    assert 0 < len(answer.body) <= 160


def test_reply_with_no_open_question_is_stored_and_shown_for_review(
    client: FlaskClient,
    session: Session,
    make_returnee: Callable[..., Returnee],
) -> None:
    returnee = make_returnee()
    point = returnee.contact_points[0]
    reply_from_phone(client, point.id, "Bonjour, j'ai une question")
    stored = session.scalar(select(Message).filter_by(direction="in"))
    assert stored is not None and stored.returnee_id == returnee.id
    item = session.scalar(select(ReviewItem))
    assert item is not None and item.reason == "no_open_question"
    assert item.message_id == stored.id
    page = client.get("/referrals").get_data(as_text=True)
    assert "Bonjour, j&#39;ai une question" in page and "Wrote without being asked anything" in page


def test_form_without_csrf_token_is_refused_and_saves_nothing(
    client: FlaskClient,
    session: Session,
    make_returnee: Callable[..., Returnee],
    make_partner: Callable[..., Partner],
) -> None:
    returnee, partner = make_returnee(), make_partner()
    response = client.post(
        "/referrals",
        data={"returnee_id": returnee.id, "partner_id": partner.id, "service_category": "x"},
    )
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_console_names_the_field_when_the_appointment_is_malformed(
    client: FlaskClient,
    session: Session,
    make_returnee: Callable[..., Returnee],
    make_partner: Callable[..., Partner],
) -> None:
    returnee, partner = make_returnee(), make_partner()
    response = client.post(
        "/referrals",
        data={
            "csrf_token": csrf(client),
            "returnee_id": returnee.id,
            "partner_id": partner.id,
            "service_category": "vocational_training",
            "appointment_at": "next tuesday",
        },
        follow_redirects=True,
    )
    assert "Appointment: use the form YYYY-MM-DDTHH:MM" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Referral)) == 0
    assert session.scalar(select(func.count()).select_from(Notice)) == 0


def test_unreachable_page_lists_returnees_marked_unreachable_without_their_numbers(
    client: FlaskClient,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    from smsgateway.reachability import set_reachability

    reached, lost = make_referral(), make_referral()
    point = lost.returnee.contact_points[0]
    set_reachability(session, point, "unreachable", reason="escalation exhausted", now=now)
    session.commit()
    page = client.get("/unreachable").get_data(as_text=True)
    assert lost.returnee.case_reference in page and str(lost.reference) in page
    assert reached.returnee.case_reference not in page
    assert point.phone_e164 not in page


@pytest.mark.parametrize(
    ("after_appointment", "status", "review"),
    [
        (timedelta(minutes=-30), "declined", None),  # before it: the answer it asked for
        (timedelta(minutes=50), "declined", None),  # late on the way, or at the door
        (timedelta(hours=13), "referred", "late_reply"),  # the appointment is over
    ],
)
def test_an_answer_to_a_reminder_after_the_appointment_is_late_not_a_decline(
    runtime: Runtime,
    session: Session,
    make_referral: Callable[..., Referral],
    after_appointment: timedelta,
    status: str,
    review: str | None,
) -> None:
    from smsgateway.replies.inbound import InboundMessage, receive_message

    referral = make_referral()
    reminder = session.scalars(
        select(Notice).filter_by(referral_id=referral.id, kind="appointment_reminder")
    ).first()
    assert reminder is not None and referral.appointment_at is not None
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=reminder.due_at)
    at = referral.appointment_at + after_appointment
    assert at - reminder.due_at < timedelta(hours=runtime.settings.reply_window_hours)
    with runtime.db.transaction() as tx:
        phone = referral.returnee.contact_points[0].phone_e164
        receive_message(tx, InboundMessage(phone, "2"), now=at, settings=runtime.settings)
    session.refresh(referral)
    assert referral.status == status
    message = session.scalar(select(Message).filter_by(direction="in", body="2"))
    assert message is not None and message.intent == "decline"
    assert message.referral_id == referral.id
    item = session.scalar(select(ReviewItem).filter_by(message_id=message.id))
    assert (item.reason if item else None) == review


def test_caseworker_applies_a_late_reply_from_the_review_queue(
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    from smsgateway.replies.inbound import InboundMessage, receive_message

    referral = make_referral()
    reminder = session.scalars(
        select(Notice).filter_by(referral_id=referral.id, kind="appointment_reminder")
    ).first()
    assert reminder is not None
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=reminder.due_at)
    late = reminder.due_at + timedelta(days=10)
    with runtime.db.transaction() as tx:
        phone = referral.returnee.contact_points[0].phone_e164
        receive_message(tx, InboundMessage(phone, "1"), now=late, settings=runtime.settings)
    item = session.scalar(select(ReviewItem).filter_by(reason="late_reply"))
    assert item is not None
    runtime.clock = lambda: late

    response = client.post(
        f"/reviews/{item.id}/apply", data={"csrf_token": csrf(client), "intent": "confirm"}
    )

    assert response.status_code == 303
    session.refresh(referral)
    session.refresh(item)
    assert referral.status == "confirmed" and item.resolved_at is not None
    assert referral.events[-1].message_id == item.message_id
    caseworker = client.user  # type: ignore[attr-defined]
    assert (referral.events[-1].actor, referral.events[-1].actor_user_id) == (
        caseworker.username,
        caseworker.id,
    )
    assert (item.resolved_by, item.resolved_by_user_id) == (caseworker.username, caseworker.id)
