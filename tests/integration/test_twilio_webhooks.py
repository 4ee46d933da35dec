"""Twilio end to end: the real client against the local fake, its signed callbacks into the app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import flask
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.fakes import FakeTwilio, via_test_client
from smsgateway.models import ContactPoint, Message, MessageStatusEvent, Notice, Referral
from smsgateway.models.reachability import ReachabilityEvent, Suppression
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime

PUBLIC = "https://sms.example.org"
SENDER = "+15005550006"
TEMPLATE = "HX" + "7" * 32


@pytest.fixture
def app_overrides(
    tmp_path: Any, fake: FakeTwilio, request: pytest.FixtureRequest
) -> dict[str, Any]:
    database = {}
    if request.node.get_closest_marker("postgres"):
        database = {"database_url": request.getfixturevalue("pg_url")}
    return {
        **database,
        "instance_path": tmp_path / "instance",
        "env": "test",
        "scheduler": False,
        "transport": "twilio",
        "public_url": PUBLIC,
        "twilio_account_sid": fake.account_sid,
        "twilio_auth_token": fake.auth_token,
        "twilio_api_base": fake.url,
        "twilio_sms_from": SENDER,
        "twilio_whatsapp_from": SENDER,
        "twilio_voice_from": SENDER,
        "twilio_whatsapp_templates": (f"appointment_reminder:fr={TEMPLATE}",),
        "send_rate_per_second": 0.0,
    }


@pytest.fixture
def wired(fake: FakeTwilio, client: FlaskClient, runtime: Runtime, now: datetime) -> FakeTwilio:
    """The fake's callbacks go into the app; the app's clock is the test's."""
    fake.callback_target = via_test_client(client)
    runtime.clock = lambda: now
    return fake


def reminder(session: Session, referral: Referral, now: datetime, channel: str = "sms") -> Notice:
    """Only an appointment reminder is due: the referral's own notices are set aside."""
    session.execute(update(Notice).values(state=NoticeState.CANCELLED))
    notice = plan_notice(
        session,
        kind=NoticeKind.APPOINTMENT_REMINDER,
        returnee=referral.returnee,
        referral=referral,
        due_at=now,
        now=now,
        channel=channel,
    )
    session.commit()
    return notice


def dispatch(runtime: Runtime, now: datetime) -> None:
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)


def message_of(session: Session, notice: Notice) -> Message:
    session.expire_all()
    message = session.scalar(select(Message).filter_by(notice_id=notice.id, direction="out"))
    assert message is not None
    return message


def follow_ups(session: Session, notice: Notice) -> list[Notice]:
    session.expire_all()
    return list(
        session.scalars(
            select(Notice)
            .where(Notice.id > notice.id, Notice.state == NoticeState.PLANNED)
            .order_by(Notice.id)
        )
    )


def point_of(session: Session, referral: Referral) -> ContactPoint:
    session.expire_all()
    point = referral.returnee.own_contact_point()
    assert point is not None
    return point


# -- end to end --------------------------------------------------------------------------------


def test_delivered_sms_makes_the_contact_point_reachable(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = reminder(session, referral, now)
    dispatch(runtime, now)
    sid = wired.sent_messages()[-1].sid

    assert wired.fire_message_status(sid, "sent").status == 204
    assert wired.fire_message_status(sid, "delivered").status == 204

    message = message_of(session, notice)
    assert message.delivery_status == "delivered"
    assert [e.status for e in message.status_events] == ["queued", "sent", "delivered"]
    point = point_of(session, referral)
    assert point.reachability == "reachable"
    assert session.scalar(
        select(ReachabilityEvent).filter_by(contact_point_id=point.id, state="reachable")
    )


def test_undelivered_sms_escalates_to_a_french_voice_call_whose_key_press_confirms(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = reminder(session, referral, now)
    dispatch(runtime, now)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)

    assert point_of(session, referral).reachability == "failing"
    (retry,) = follow_ups(session, notice)
    assert (retry.channel, retry.escalation_step) == ("sms", 1)
    later = retry.due_at
    dispatch(runtime, later)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)

    (call_notice,) = follow_ups(session, retry)
    assert (call_notice.channel, call_notice.escalation_step) == ("voice", 2)
    dispatch(runtime, later)
    (call,) = wired.calls()
    assert call.form["MachineDetection"] == "Enable"
    assert call.form["Url"] == f"{PUBLIC}/webhooks/twilio/voice?notice=notice-{call_notice.id}"

    twiml = wired.fire_voice_request(None, call.sid)
    assert twiml.status == 200
    assert "<Gather" in twiml.text and 'numDigits="1"' in twiml.text
    assert 'language="fr-FR"' in twiml.text
    assert "Appuyez" in twiml.text or "appuyez" in twiml.text
    action = f"{PUBLIC}/webhooks/twilio/voice/gather?notice=notice-{call_notice.id}"
    assert action.replace("&", "&amp;") in twiml.text

    repeated = wired.fire_gather(action, call.sid, "1")
    assert repeated.status == 200
    assert "Vous avez appuyé sur 1" in repeated.text and 'language="fr-FR"' in repeated.text
    assert f"{action}&first=1".replace("&", "&amp;") in repeated.text
    session.expire_all()
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]

    answer = wired.fire_gather(f"{action}&first=1", call.sid, "1")
    assert answer.status == 200
    assert "<Say" in answer.text
    session.expire_all()
    assert session.get(Referral, referral.id).status == "confirmed"  # type: ignore[union-attr]
    ack = session.scalar(select(Notice).filter_by(kind=NoticeKind.ACK_CONFIRMED))
    assert ack is not None and ack.channel == "sms"
    assert point_of(session, referral).reachability == "reachable"


def test_a_repeated_key_press_is_applied_once(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = reminder(session, referral, now, channel="voice")
    dispatch(runtime, now)
    (call,) = wired.calls()
    action = f"{PUBLIC}/webhooks/twilio/voice/gather?notice=notice-{notice.id}&first=1"

    wired.fire_gather(action, call.sid, "1")
    wired.fire_gather(action, call.sid, "1")

    session.expire_all()
    inbound = session.scalar(select(func.count()).select_from(Message).filter_by(direction="in"))
    assert inbound == 1
    acks = session.scalar(
        select(func.count()).select_from(Notice).filter_by(kind=NoticeKind.ACK_CONFIRMED)
    )
    assert acks == 1


def test_answering_machine_hears_a_callback_request_and_is_called_again_later(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = reminder(session, referral, now, channel="voice")
    dispatch(runtime, now)
    (call,) = wired.calls()

    twiml = wired.fire_voice_request(None, call.sid, AnsweredBy="machine_end_beep")
    wired.fire_call_status(call.sid, "completed", "machine_end_beep")

    assert "<Gather" not in twiml.text and "<Hangup" in twiml.text
    (again,) = follow_ups(session, notice)
    assert again.channel == "voice" and again.due_at > now


def test_escalation_ends_with_a_discreet_proxy_request_a_last_retry_then_unreachable(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
    make_returnee: Any,
) -> None:
    returnee = make_returnee(
        phones=[PhoneInput("+221771300001"), PhoneInput("+221771300002", is_proxy=True)]
    )
    referral = make_referral(returnee=returnee)
    notice = reminder(session, referral, now, channel="voice")
    notice.escalation_step = 3  # the later retry, by a call (the policy's step before the proxy)
    session.commit()
    dispatch(runtime, now)
    wired.fire_call_status(wired.calls()[-1].sid, "no-answer")

    (proxy_notice,) = follow_ups(session, notice)
    assert proxy_notice.kind == NoticeKind.PROXY_CONTACT_REQUEST
    assert proxy_notice.contact_point is not None and proxy_notice.contact_point.is_proxy
    dispatch(runtime, now)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)

    # The proxy's number failed: the programme's last retry (`last_retry`) sends the person's
    # own notice once more when the proxy's window would have ended, before any flag.
    (last,) = follow_ups(session, proxy_notice)
    assert last.contact_point is not None and not last.contact_point.is_proxy
    assert last.kind == NoticeKind.APPOINTMENT_REMINDER and last.due_at > now
    assert returnee.own_contact_point().reachability != "unreachable"
    later = last.due_at
    runtime.clock = lambda: later
    dispatch(runtime, later)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)

    session.expire_all()
    assert follow_ups(session, last) == []
    assert returnee.own_contact_point().reachability == "unreachable"


def test_unsubscribed_error_suppresses_the_number_on_every_channel(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = reminder(session, referral, now)
    dispatch(runtime, now)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "failed", 21610)
    phone = point_of(session, referral).phone_e164

    assert session.scalar(select(Suppression).filter_by(phone_e164=phone)) is not None
    assert follow_ups(session, notice) == []
    later = reminder(session, referral, now, channel="whatsapp")
    session.execute(update(Notice).where(Notice.id == later.id).values(state=NoticeState.PLANNED))
    session.commit()
    sent_before = len(wired.sent_messages())
    dispatch(runtime, now)
    assert len(wired.sent_messages()) == sent_before


def test_whatsapp_not_on_whatsapp_falls_back_to_sms(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = reminder(session, referral, now, channel="whatsapp")
    dispatch(runtime, now)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "failed", 63003)

    (fallback,) = follow_ups(session, notice)
    assert fallback.channel == "sms" and fallback.due_at == now


# -- WhatsApp session window -------------------------------------------------------------------


def test_whatsapp_outside_the_session_window_sends_the_template(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    reminder(session, referral, now, channel="whatsapp")
    dispatch(runtime, now)

    form = wired.sent_messages()[-1].form
    assert form["ContentSid"] == TEMPLATE and "ContentVariables" in form
    assert "Body" not in form
    assert form["To"].startswith("whatsapp:")


def test_whatsapp_inside_the_session_window_sends_free_text(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    phone = point_of(session, referral).phone_e164
    wired.fire_inbound_message(
        f"{PUBLIC}/webhooks/twilio/messages", f"whatsapp:{phone}", f"whatsapp:{SENDER}", "Bonjour"
    )
    reminder(session, referral, now + timedelta(hours=1), channel="whatsapp")
    dispatch(runtime, now + timedelta(hours=1))

    form = wired.sent_messages()[-1].form
    assert "ContentSid" not in form and form["Body"]


# -- inbound, status replay and order ----------------------------------------------------------


def test_inbound_sms_is_stored_once_and_answered_with_empty_twiml(
    wired: FakeTwilio, session: Session, make_referral: Any
) -> None:
    phone = point_of(session, make_referral()).phone_e164
    url = f"{PUBLIC}/webhooks/twilio/messages"

    first = wired.fire_inbound_message(url, phone, SENDER, "STOP", MessageSid="SM" + "a" * 32)
    wired.fire_inbound_message(url, phone, SENDER, "STOP", MessageSid="SM" + "a" * 32)

    assert first.status == 200 and "<Response" in first.text
    count = session.scalar(select(func.count()).select_from(Message).filter_by(direction="in"))
    assert count == 1
    assert session.scalar(select(Suppression).filter_by(phone_e164=phone)) is not None


@pytest.mark.postgres
def test_the_same_message_delivered_twice_at_once_is_stored_once_and_both_get_200(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    """Twilio may retry while the first delivery is still being handled."""
    phone = point_of(session, make_referral()).phone_e164
    sid = "SM" + "b" * 32
    first_stored = threading.Event()

    def first_delivery() -> None:
        with runtime.db.transaction() as tx:
            inbound = InboundMessage(phone, "hello", provider="twilio", provider_id=sid)
            receive_message(tx, inbound, now=now, settings=runtime.settings)
            first_stored.set()
            time.sleep(1.0)  # the second delivery arrives while this one is uncommitted

    worker = threading.Thread(target=first_delivery)
    worker.start()
    assert first_stored.wait(10)
    url = f"{PUBLIC}/webhooks/twilio/messages"
    second = wired.fire_inbound_message(url, phone, SENDER, "hello", MessageSid=sid)
    worker.join(10)

    assert second.status == 200 and "<Response" in second.text
    session.expire_all()
    stored = session.scalar(select(func.count()).select_from(Message).filter_by(provider_id=sid))
    assert stored == 1


def test_replayed_and_late_statuses_never_move_a_message_backwards(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    notice = reminder(session, make_referral(), now)
    dispatch(runtime, now)
    sid = wired.sent_messages()[-1].sid

    wired.fire_message_status(sid, "delivered")
    wired.fire_message_status(sid, "delivered")
    wired.fire_message_status(sid, "sent")  # late

    message = message_of(session, notice)
    assert message.delivery_status == "delivered"
    statuses = [e.status for e in message.status_events]
    assert statuses.count("delivered") == 1
    assert statuses == ["queued", "delivered", "sent"]


# -- signatures --------------------------------------------------------------------------------


def snapshot(session: Session) -> tuple[int, int]:
    session.expire_all()
    messages = session.scalar(select(func.count()).select_from(Message))
    events = session.scalar(select(func.count()).select_from(MessageStatusEvent))
    return int(messages or 0), int(events or 0)


def inbound_form(fake: FakeTwilio, phone: str) -> dict[str, Any]:
    return {
        "AccountSid": fake.account_sid,
        "From": phone,
        "To": SENDER,
        "Body": "1",
        "MessageSid": "SM" + "b" * 32,
    }


def test_signed_request_is_accepted(fake: FakeTwilio, client: FlaskClient) -> None:
    url = f"{PUBLIC}/webhooks/twilio/messages"
    form, headers = fake.signed_form(url, inbound_form(fake, "+221771234567"))

    assert client.post(url, data=form, headers=headers).status_code == 200


@pytest.mark.parametrize("header", ["tampered", "missing", "not ascii"])
def test_missing_or_invalid_signature_gets_403_and_changes_nothing(
    fake: FakeTwilio, client: FlaskClient, session: Session, header: str
) -> None:
    url = f"{PUBLIC}/webhooks/twilio/messages"
    form, headers = fake.signed_form(url, inbound_form(fake, "+221771234567"))
    if header == "missing":
        del headers["X-Twilio-Signature"]
    elif header == "not ascii":
        headers["X-Twilio-Signature"] = "é" * 28
    else:
        form["Body"] = "2"
    before = snapshot(session)

    assert client.post(url, data=form, headers=headers).status_code == 403
    assert snapshot(session) == before


def test_a_signature_made_with_the_default_port_in_the_url_is_accepted(
    fake: FakeTwilio, client: FlaskClient
) -> None:
    # Twilio has signed the same URL with and without its port; the library checks both.
    url = f"{PUBLIC}/webhooks/twilio/messages"
    with_port = url.replace(PUBLIC, f"{PUBLIC}:443")
    form, headers = fake.signed_form(with_port, inbound_form(fake, "+221771234567"))

    assert client.post(url, data=form, headers=headers).status_code == 200


def test_a_webhook_neither_reads_nor_sets_the_console_cookie(
    fake: FakeTwilio, client: FlaskClient, app: Flask
) -> None:
    sessions = app.session_interface
    with app.test_request_context("/webhooks/twilio/messages", method="POST"):
        assert sessions.is_null_session(flask.session._get_current_object())
    with app.test_request_context("/login"):
        assert not sessions.is_null_session(flask.session._get_current_object())
    url = f"{PUBLIC}/webhooks/twilio/messages"
    form, headers = fake.signed_form(url, inbound_form(fake, "+221771234567"))
    client.set_cookie("smsgateway_session", "not-a-signed-session", domain="localhost")

    response = client.post(url, data=form, headers=headers)

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_signature_covers_the_query_string(
    wired: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
) -> None:
    notice = reminder(session, make_referral(), now, channel="voice")
    dispatch(runtime, now)
    (call,) = wired.calls()
    signed_for = f"{PUBLIC}/webhooks/twilio/voice?notice=notice-{notice.id}"
    form, headers = wired.signed_form(
        signed_for, {"AccountSid": wired.account_sid, "CallSid": call.sid, "To": call.form["To"]}
    )

    assert client.post(signed_for, data=form, headers=headers).status_code == 200
    other = f"{PUBLIC}/webhooks/twilio/voice?notice=notice-{notice.id + 1}"
    assert client.post(other, data=form, headers=headers).status_code == 403


def test_behind_a_tls_proxy_the_public_https_url_is_verified(
    fake: FakeTwilio, client: FlaskClient, session: Session
) -> None:
    # The proxy forwards plain http to an internal address; Twilio signed the public https URL.
    internal = "http://10.0.0.5:8000/webhooks/twilio/messages"
    form, headers = fake.signed_form(
        f"{PUBLIC}/webhooks/twilio/messages", inbound_form(fake, "+221771234568")
    )
    assert client.post(internal, data=form, headers=headers).status_code == 200

    before = snapshot(session)
    form, headers = fake.signed_form(
        internal, {**inbound_form(fake, "+2217712"), "MessageSid": "SMx"}
    )
    assert client.post(internal, data=form, headers=headers).status_code == 403
    assert snapshot(session) == before


def test_unreachable_contact_points_are_listed_for_managers(
    app: Flask, session: Session, make_returnee: Callable[..., Any]
) -> None:
    from smsgateway.cli.twilio import twilio_cli

    listed, fine = make_returnee(), make_returnee()
    listed.own_contact_point().reachability = "unreachable"
    session.commit()

    result = app.test_cli_runner().invoke(twilio_cli, ["unreachable"])

    assert result.exit_code == 0
    assert listed.case_reference in result.output
    assert fine.case_reference not in result.output


def test_call_answered_by_a_person_counts_once_as_delivered(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    notice = reminder(session, referral, now, channel="voice")
    dispatch(runtime, now)
    (call,) = wired.calls()

    wired.fire_call_status(call.sid, "completed", "human")
    wired.fire_call_status(call.sid, "completed", "human")

    message = message_of(session, notice)
    assert message.delivery_status == "delivered"
    assert [e.status for e in message.status_events].count("completed") == 1
    assert point_of(session, referral).reachability == "reachable"
    assert follow_ups(session, notice) == []


def test_a_reply_makes_a_failing_contact_point_reachable_again(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    reminder(session, referral, now)
    dispatch(runtime, now)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)
    phone = point_of(session, referral).phone_e164
    assert point_of(session, referral).reachability == "failing"

    wired.fire_inbound_message(f"{PUBLIC}/webhooks/twilio/messages", phone, SENDER, "1")

    assert point_of(session, referral).reachability == "reachable"
