"""The Twilio transport with the real client against the local fake: requests, failures, retries."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException

from smsgateway.cli.twilio import twilio_cli
from smsgateway.config import Settings, load_settings
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.fakes import FakeTwilio
from smsgateway.models import Message, Notice, Referral
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.runtime import Runtime
from smsgateway.transports.base import OutboundMessage, PermanentFailure, TemporaryFailure
from smsgateway.transports.twilio import TwilioTransport

PUBLIC = "https://sms.example.org"
SENDER = "+15005550006"
SERVICE_SID = "MG" + "3" * 32


@pytest.fixture
def app_overrides(tmp_path: Any, fake: FakeTwilio) -> dict[str, Any]:
    return {
        "instance_path": tmp_path / "instance",
        "env": "test",
        "scheduler": False,
        "transport": "twilio",
        "public_url": PUBLIC,
        "twilio_account_sid": fake.account_sid,
        "twilio_auth_token": fake.auth_token,
        "twilio_api_base": fake.url,
        "twilio_sms_from": SENDER,
        "twilio_voice_from": SENDER,
        "send_rate_per_second": 0.0,
    }


def due_reminder(session: Session, referral: Referral, now: datetime) -> Notice:
    session.execute(update(Notice).values(state=NoticeState.CANCELLED))
    notice = plan_notice(
        session,
        kind=NoticeKind.APPOINTMENT_REMINDER,
        returnee=referral.returnee,
        referral=referral,
        due_at=now,
        now=now,
    )
    session.commit()
    return notice


def outbound(channel: str = "sms", to: str = "+221771234567") -> OutboundMessage:
    return OutboundMessage(
        to=to,
        channel=channel,
        body="Bonjour",
        kind="appointment_reminder",
        language="fr",
        reference="notice-7",
    )


def test_sms_goes_from_the_number_with_our_status_callback(
    fake: FakeTwilio, runtime: Runtime
) -> None:
    result = runtime.transport.send(outbound())

    (sent,) = fake.sent_messages()
    assert result.provider_id == sent.sid and result.status == "queued"
    assert sent.form["From"] == SENDER
    assert sent.form["StatusCallback"] == f"{PUBLIC}/webhooks/twilio/message-status"


def test_sms_through_a_messaging_service_names_no_sender(
    fake: FakeTwilio, runtime: Runtime
) -> None:
    settings = replace(runtime.settings, twilio_messaging_service_sid=SERVICE_SID)

    TwilioTransport(settings).send(outbound())

    (sent,) = fake.sent_messages()
    assert sent.form["MessagingServiceSid"] == SERVICE_SID and "From" not in sent.form


def test_voice_call_points_at_our_voice_webhook_with_machine_detection(
    fake: FakeTwilio, runtime: Runtime
) -> None:
    runtime.transport.send(outbound("voice"))

    (call,) = fake.calls()
    assert call.form["Url"] == f"{PUBLIC}/webhooks/twilio/voice?notice=notice-7"
    assert call.form["StatusCallback"] == f"{PUBLIC}/webhooks/twilio/voice/status"
    assert call.form["MachineDetection"] == "Enable"


def test_rejected_number_is_a_permanent_failure_with_its_code(
    fake: FakeTwilio, runtime: Runtime
) -> None:
    fake.reject_number("+221771234567", 21211)

    with pytest.raises(PermanentFailure) as raised:
        runtime.transport.send(outbound())

    assert raised.value.code == "21211"


@pytest.mark.parametrize("status", [429, 500])
def test_provider_overload_is_a_temporary_failure(
    fake: FakeTwilio, runtime: Runtime, status: int
) -> None:
    fake.fail_next(1, status)

    with pytest.raises(TemporaryFailure):
        runtime.transport.send(outbound())


def test_unreachable_api_is_a_temporary_failure(runtime: Runtime) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = replace(runtime.settings, twilio_api_base=f"http://127.0.0.1:{port}")

    with pytest.raises(TemporaryFailure):
        TwilioTransport(settings).send(outbound())


def test_find_sent_lists_what_went_to_the_number_newest_first_back_to_a_time(
    fake: FakeTwilio, runtime: Runtime
) -> None:
    transport = TwilioTransport(runtime.settings)
    first = transport.send(outbound())
    second = transport.send(replace(outbound(), body="Encore"))
    transport.send(outbound(to="+221771234568"))
    before = datetime.now(UTC) - timedelta(minutes=1)

    records = transport.find_sent(outbound(), since=before)

    assert [(r.provider_id, r.body) for r in records] == [
        (second.provider_id, "Encore"),
        (first.provider_id, "Bonjour"),
    ]
    assert all(r.status == "queued" and r.created_at >= before for r in records)
    assert transport.find_sent(outbound(), since=datetime.now(UTC) + timedelta(minutes=1)) == []
    (listing, *_) = [r for r in fake.requests() if r.method == "GET"]
    assert listing.query["To"] == "+221771234567" and "DateSent>" not in listing.query


def test_find_sent_reads_every_page_of_the_window(fake: FakeTwilio, runtime: Runtime) -> None:
    transport = TwilioTransport(runtime.settings)
    sids = {transport.send(replace(outbound(), body=f"n{n}")).provider_id for n in range(60)}

    records = transport.find_sent(outbound(), since=datetime.now(UTC) - timedelta(minutes=1))

    assert {r.provider_id for r in records} == sids
    assert len([r for r in fake.requests() if r.method == "GET"]) == 2  # 50 a page


def test_find_sent_lists_calls_with_no_comparable_body(fake: FakeTwilio, runtime: Runtime) -> None:
    transport = TwilioTransport(runtime.settings)
    call = transport.send(outbound("voice"))

    (record,) = transport.find_sent(outbound("voice"), since=datetime.now(UTC) - timedelta(1))

    assert record.provider_id == call.provider_id and record.body is None
    assert transport.visible_body(outbound("voice")) is None
    assert transport.visible_body(outbound()) == "Bonjour"


def test_find_sent_when_the_provider_fails_is_a_transport_error(
    fake: FakeTwilio, runtime: Runtime
) -> None:
    fake.fail_next(1, 500)

    with pytest.raises(TemporaryFailure):
        TwilioTransport(runtime.settings).find_sent(outbound(), since=datetime.now(UTC))


@pytest.mark.parametrize(
    ("expires_in", "validity"),
    [(timedelta(hours=2), "7200"), (timedelta(days=3), "36000"), (None, None)],
)
def test_an_expiring_notice_carries_its_validity_period_capped_as_twilio_allows(
    fake: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
    expires_in: timedelta | None,
    validity: str | None,
) -> None:
    notice = due_reminder(session, make_referral(), now)
    notice.expires_at = now + expires_in if expires_in else None
    session.commit()

    assert dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now).sent == 1

    (sent,) = fake.sent_messages()
    assert sent.form.get("ValidityPeriod") == validity


@pytest.mark.parametrize("validity", [0, 36_001])
def test_the_fake_refuses_a_validity_period_twilio_refuses(
    fake: FakeTwilio, runtime: Runtime, validity: int
) -> None:
    client = TwilioTransport(runtime.settings).client

    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+221771234567", from_=SENDER, body="x", validity_period=validity)

    assert raised.value.code == 21624


@pytest.mark.parametrize("status", [429, 500])
def test_overloaded_provider_is_retried_with_backoff_and_nothing_is_lost(
    fake: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
    status: int,
) -> None:
    notice = due_reminder(session, make_referral(), now)
    fake.fail_next(2, status)

    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    session.expire_all()
    first_retry = session.get(Notice, notice.id)
    assert first_retry is not None
    assert first_retry.state == NoticeState.PLANNED and first_retry.due_at > now
    first_due = first_retry.due_at
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=first_due)
    session.expire_all()
    second_retry = session.get(Notice, notice.id)
    assert second_retry is not None
    assert second_retry.state == NoticeState.PLANNED and second_retry.attempts == 2
    assert second_retry.due_at > first_due
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=second_retry.due_at)

    session.expire_all()
    assert session.get(Notice, notice.id).state == NoticeState.SENT  # type: ignore[union-attr]
    (sent,) = fake.sent_messages()
    message = session.scalar(select(Message).filter_by(notice_id=notice.id))
    assert message is not None and message.provider_id == sent.sid


# -- configuration -----------------------------------------------------------------------------


def test_production_with_twilio_requires_credentials_sender_and_https_url(tmp_path: Any) -> None:
    from smsgateway.config import ConfigError

    base = {
        "env": "production",
        "secret_key": "k",
        "transport": "twilio",
        "instance_path": tmp_path,
    }
    with pytest.raises(ConfigError, match="ACCOUNT_SID"):
        load_settings({}, base)
    full = {
        **base,
        "twilio_account_sid": "AC" + "1" * 32,
        "twilio_auth_token": "t",
        "twilio_sms_from": SENDER,
        "public_url": PUBLIC,
    }
    assert isinstance(load_settings({}, full), Settings)
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        load_settings({}, {**full, "public_url": "http://sms.example.org"})


def test_auth_token_can_come_from_a_secret_file(tmp_path: Any) -> None:
    from smsgateway.config import twilio_auth_token

    secret = tmp_path / "token"
    secret.write_text("s3cret\n")
    settings = load_settings(
        {"SMSGATEWAY_TWILIO_AUTH_TOKEN_FILE": str(secret)}, {"instance_path": tmp_path}
    )

    assert twilio_auth_token(settings) == "s3cret"


def test_check_fetches_the_account_and_sends_nothing(fake: FakeTwilio, app: Any) -> None:
    result = app.test_cli_runner().invoke(twilio_cli, ["check"])

    assert result.exit_code == 0, result.output
    assert "ok" in result.output
    assert fake.sent_messages() == [] and fake.calls() == []


def test_check_reports_refused_credentials(fake: FakeTwilio, app: Any, runtime: Runtime) -> None:
    runtime.settings = replace(runtime.settings, twilio_auth_token="wrong")

    result = app.test_cli_runner().invoke(twilio_cli, ["check"])

    assert result.exit_code == 1
    assert "refused" in result.output


def test_check_names_a_missing_public_url(fake: FakeTwilio, app: Any, runtime: Runtime) -> None:
    runtime.settings = replace(runtime.settings, public_url="")

    result = app.test_cli_runner().invoke(twilio_cli, ["check"])

    assert result.exit_code == 1
    assert "PUBLIC_URL" in result.output
