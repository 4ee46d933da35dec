"""The real `twilio` client against the local fake Twilio API, and the fake's signed webhooks."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import flask
import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from smsgateway.fakes import CallbackResponse, FakeTwilio, via_test_client
from smsgateway.fakes.twilio_faults import max_in_any_window
from smsgateway.transports.twilio_http import make_twilio_client

RETURNEE = "+22177123456"
OTHER_RETURNEE = "+22177654321"
SENDER = "+15005550006"
SERVICE_SID = "MG" + "1" * 32
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Bonjour</Say></Response>'


@dataclass
class Received:
    """One webhook request the local receiver got."""

    url: str
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class Receiver:
    """A tiny HTTP server standing in for our webhooks: records requests, answers TwiML."""

    url: str
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.01)
        raise AssertionError(f"expected {count} webhook requests, got {len(self.received)}")


@pytest.fixture
def client(fake: FakeTwilio) -> Client:
    return make_twilio_client(fake.account_sid, fake.auth_token, api_base=fake.url)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: list[Receiver] = []

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        entry = Received(request.url, request.form.to_dict(), dict(request.headers))
        with box[0].lock:
            box[0].received.append(entry)
        return Response(TWIML, mimetype="text/xml")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    box.append(Receiver(f"http://127.0.0.1:{server.server_port}"))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield box[0]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def is_signed_for(received: Received, token: str) -> bool:
    signature = received.headers.get("X-Twilio-Signature", "")
    return RequestValidator(token).validate(received.url, received.form, signature)


# -- REST API through the real client ---------------------------------------------------------


def test_created_message_has_twilio_resource_fields(fake: FakeTwilio, client: Client) -> None:
    message = client.messages.create(to=RETURNEE, from_=SENDER, body="Rendez-vous demain")

    assert message.sid.startswith("SM")
    assert len(message.sid) == 34
    assert message.account_sid == fake.account_sid
    assert (message.to, message.from_, message.body) == (RETURNEE, SENDER, "Rendez-vous demain")
    assert message.status == "queued"
    assert message.direction == "outbound-api"
    assert message.num_segments == "1"
    assert message.error_code is None
    assert message.price is None
    assert message.api_version == "2010-04-01"
    assert abs(message.date_created - datetime.now(UTC)) < timedelta(minutes=1)
    assert message.uri == f"/2010-04-01/Accounts/{fake.account_sid}/Messages/{message.sid}.json"


def test_message_through_a_messaging_service_is_accepted_without_sender(client: Client) -> None:
    message = client.messages.create(to=RETURNEE, messaging_service_sid=SERVICE_SID, body="Hi")

    assert message.status == "accepted"
    assert message.messaging_service_sid == SERVICE_SID
    assert message.from_ is None


def test_long_unicode_body_counts_ucs2_segments(client: Client) -> None:
    message = client.messages.create(to=RETURNEE, from_=SENDER, body="ب" * 71)

    assert message.num_segments == "2"


def test_whatsapp_template_message_records_content_fields(fake: FakeTwilio, client: Client) -> None:
    client.messages.create(
        to=f"whatsapp:{RETURNEE}",
        from_=f"whatsapp:{SENDER}",
        content_sid="HX" + "2" * 32,
        content_variables='{"1": "12/01"}',
    )

    [stored] = fake.sent_messages()
    assert stored.to == f"whatsapp:{RETURNEE}"
    assert stored.form["ContentSid"] == "HX" + "2" * 32
    assert stored.form["ContentVariables"] == '{"1": "12/01"}'


def test_fetch_returns_the_created_message(client: Client) -> None:
    created = client.messages.create(to=RETURNEE, from_=SENDER, body="Hello")

    fetched = client.messages(created.sid).fetch()

    assert (fetched.sid, fetched.to, fetched.body) == (created.sid, RETURNEE, "Hello")


def test_fetching_an_unknown_message_raises_404(client: Client) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.messages("SM" + "0" * 32).fetch()

    assert (raised.value.status, raised.value.code) == (404, 20404)


def test_list_filters_by_recipient_across_pages(client: Client) -> None:
    to_returnee = {
        client.messages.create(to=RETURNEE, from_=SENDER, body="a").sid for _ in range(7)
    }
    client.messages.create(to=OTHER_RETURNEE, from_=SENDER, body="b")

    listed = client.messages.list(to=RETURNEE, page_size=3)

    assert {m.sid for m in listed} == to_returnee


def test_list_filters_by_date_sent(client: Client) -> None:
    sid = client.messages.create(to=RETURNEE, from_=SENDER, body="a").sid
    yesterday = datetime.now(UTC) - timedelta(days=1)

    after = client.messages.list(to=RETURNEE, date_sent_after=yesterday)
    before = client.messages.list(to=RETURNEE, date_sent_before=yesterday)

    assert [m.sid for m in after] == [sid]
    assert before == []


def test_created_call_has_twilio_resource_fields(fake: FakeTwilio, client: Client) -> None:
    call = client.calls.create(
        to=RETURNEE,
        from_=SENDER,
        url="https://sms.example.org/webhooks/twilio/voice",
        status_callback="https://sms.example.org/webhooks/twilio/voice/status",
        status_callback_event=["answered", "completed"],
        machine_detection="Enable",
    )

    assert call.sid.startswith("CA")
    assert (call.to, call.status, call.direction) == (RETURNEE, "queued", "outbound-api")
    assert client.calls(call.sid).fetch().sid == call.sid
    [stored] = fake.calls()
    assert stored.form_lists["StatusCallbackEvent"] == ["answered", "completed"]
    assert stored.form["MachineDetection"] == "Enable"


def test_wrong_auth_token_raises_401(fake: FakeTwilio) -> None:
    intruder = make_twilio_client(fake.account_sid, "not-the-token", api_base=fake.url)

    with pytest.raises(TwilioRestException) as raised:
        intruder.messages.create(to=RETURNEE, from_=SENDER, body="Hi")

    assert (raised.value.status, raised.value.code) == (401, 20003)
    assert fake.sent_messages() == []


@pytest.mark.parametrize(
    "number", ["0612345678", "+1234567", "+33 6 12 34 56 78", "+0123456789", "whatsapp:0612"]
)
def test_invalid_number_raises_21211(client: Client, number: str) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=number, from_=SENDER, body="Hi")

    assert (raised.value.status, raised.value.code) == (400, 21211)


def test_invalid_call_number_raises_21211(client: Client) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.calls.create(to="12", from_=SENDER, url="https://sms.example.org/voice")

    assert raised.value.code == 21211


@pytest.mark.parametrize("code", [21610, 21614, 21211])
def test_rejected_number_raises_its_code_on_any_channel(
    fake: FakeTwilio, client: Client, code: int
) -> None:
    fake.reject_number(RETURNEE, code)

    for to in (RETURNEE, f"whatsapp:{RETURNEE}"):
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(to=to, from_=SENDER, body="Hi")
        assert raised.value.code == code
    client.messages.create(to=OTHER_RETURNEE, from_=SENDER, body="Hi")


def test_message_without_body_raises_21602(client: Client) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=RETURNEE, from_=SENDER)

    assert raised.value.code == 21602


# -- fault injection ----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "code"), [(429, 20429), (500, 20500)])
def test_fail_next_fails_that_many_requests_then_succeeds(
    fake: FakeTwilio, client: Client, status: int, code: int
) -> None:
    fake.fail_next(2, status=status)

    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(to=RETURNEE, from_=SENDER, body="Hi")
        assert (raised.value.status, raised.value.code) == (status, code)
    message = client.messages.create(to=RETURNEE, from_=SENDER, body="Hi")

    assert [m.sid for m in fake.sent_messages()] == [message.sid]


def test_injected_429_carries_retry_after(fake: FakeTwilio) -> None:
    fake.fail_next(1, status=429)

    answer = requests.get(
        f"{fake.url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json",
        auth=(fake.account_sid, fake.auth_token),
        timeout=5,
    )

    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["more_info"] == "https://www.twilio.com/docs/errors/20429"


def test_rate_limit_accepts_at_most_the_cap_in_any_second(fake: FakeTwilio, client: Client) -> None:
    fake.rate_limit(5)
    statuses = []
    for _ in range(20):
        try:
            client.messages.create(to=RETURNEE, from_=SENDER, body="Hi")
            statuses.append(201)
        except TwilioRestException as error:
            statuses.append(error.status)

    accepted_at = [r.at for r in fake.requests() if r.status == 201]
    assert max_in_any_window(accepted_at) <= 5
    assert fake.max_messages_in_any_second() <= 5
    assert statuses.count(201) >= 5
    assert set(statuses) == {201, 429}


@pytest.mark.slow
def test_rate_limit_holds_under_concurrent_senders(fake: FakeTwilio, client: Client) -> None:
    fake.rate_limit(10)
    deadline = time.monotonic() + 2.5

    def send_until_deadline() -> list[int]:
        statuses = []
        while time.monotonic() < deadline:
            try:
                client.messages.create(to=RETURNEE, from_=SENDER, body="Hi")
                statuses.append(201)
            except TwilioRestException as error:
                statuses.append(error.status)
        return statuses

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = [
            s for batch in pool.map(lambda _: send_until_deadline(), range(8)) for s in batch
        ]

    assert set(statuses) == {201, 429}
    assert statuses.count(201) >= 20
    assert fake.max_messages_in_any_second() <= 10


def test_latency_delays_every_answer(fake: FakeTwilio, client: Client) -> None:
    fake.set_latency(0.3)

    started = time.monotonic()
    client.messages.create(to=RETURNEE, from_=SENDER, body="Hi")

    assert time.monotonic() - started >= 0.3


# -- signed webhooks ----------------------------------------------------------------------------


def test_callback_signature_validates_with_the_token_only(fake: FakeTwilio, client: Client) -> None:
    captured: list[tuple[str, dict[str, str], dict[str, str]]] = []

    def capture(url: str, form: dict[str, str], headers: dict[str, str]) -> CallbackResponse:
        captured.append((url, form, headers))
        return CallbackResponse(204, "")

    fake.callback_target = capture
    url = "https://sms.example.org/webhooks/twilio/message-status?attempt=2"
    sid = client.messages.create(to=RETURNEE, from_=SENDER, body="Hi", status_callback=url).sid

    fake.fire_message_status(sid, "delivered")

    [(signed_url, form, headers)] = captured
    signature = headers["X-Twilio-Signature"]
    assert signed_url == url
    assert RequestValidator(fake.auth_token).validate(url, form, signature)
    assert not RequestValidator("wrong-token").validate(url, form, signature)
    assert not RequestValidator(fake.auth_token).validate(url, {**form, "To": "+1"}, signature)


def test_status_callback_reaches_a_local_receiver_with_twilio_fields(
    fake: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    url = f"{receiver.url}/webhooks/twilio/message-status?n=1"
    sid = client.messages.create(to=RETURNEE, from_=SENDER, body="Hi", status_callback=url).sid

    answer = fake.fire_message_status(sid, "undelivered", error_code=30003)

    [got] = receiver.wait_for(1)
    assert answer.status == 200
    assert is_signed_for(got, fake.auth_token)
    assert got.form == {
        "AccountSid": fake.account_sid,
        "ApiVersion": "2010-04-01",
        "ErrorCode": "30003",
        "From": SENDER,
        "MessageSid": sid,
        "MessageStatus": "undelivered",
        "SmsSid": sid,
        "SmsStatus": "undelivered",
        "To": RETURNEE,
    }
    fetched = client.messages(sid).fetch()
    assert (fetched.status, fetched.error_code) == ("undelivered", 30003)
    assert fetched.date_sent is not None


def test_whatsapp_status_callback_keeps_channel_prefixes(
    fake: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    url = f"{receiver.url}/status"
    sid = client.messages.create(
        to=f"whatsapp:{RETURNEE}", from_=f"whatsapp:{SENDER}", body="Hi", status_callback=url
    ).sid

    fake.fire_message_status(sid, "failed", error_code=63016)

    [got] = receiver.wait_for(1)
    assert (got.form["To"], got.form["From"]) == (f"whatsapp:{RETURNEE}", f"whatsapp:{SENDER}")
    assert got.form["ErrorCode"] == "63016"
    assert is_signed_for(got, fake.auth_token)


def test_auto_callbacks_fire_sent_then_the_scripted_outcome(receiver: Receiver) -> None:
    with FakeTwilio(auto_callbacks=True) as fake:
        fake.set_outcome(OTHER_RETURNEE, "undelivered", 30003)
        client = make_twilio_client(fake.account_sid, fake.auth_token, api_base=fake.url)
        url = f"{receiver.url}/status"
        first = client.messages.create(to=RETURNEE, from_=SENDER, body="a", status_callback=url)
        second = client.messages.create(
            to=OTHER_RETURNEE, from_=SENDER, body="b", status_callback=url
        )
        assert fake.wait_for_callbacks()

    got = receiver.wait_for(4)
    sequence = [
        (r.form["MessageSid"], r.form["MessageStatus"], r.form.get("ErrorCode")) for r in got
    ]
    assert sequence == [
        (first.sid, "sent", None),
        (first.sid, "delivered", None),
        (second.sid, "sent", None),
        (second.sid, "undelivered", "30003"),
    ]
    assert all(is_signed_for(r, fake.auth_token) for r in got)


def test_auto_callbacks_wait_their_delay_and_can_come_in_reverse_order(
    receiver: Receiver,
) -> None:
    with FakeTwilio(auto_callbacks=True) as fake:
        fake.set_callback_delay(0.3, order="reversed")
        client = make_twilio_client(fake.account_sid, fake.auth_token, api_base=fake.url)
        url = f"{receiver.url}/status"
        created = client.messages.create(to=RETURNEE, from_=SENDER, body="a", status_callback=url)
        accepted = time.monotonic()
        time.sleep(0.15)
        assert receiver.received == []  # not before its delay
        assert fake.wait_for_callbacks()
        fired = time.monotonic()
        resource = client.messages(created.sid).fetch()

    got = receiver.wait_for(2)
    assert [r.form["MessageStatus"] for r in got] == ["delivered", "sent"]
    assert fired - accepted >= 0.25
    assert resource.status == "delivered"  # a late "sent" does not move the message back


def test_inbound_message_is_signed_and_carries_twilio_fields(
    fake: FakeTwilio, receiver: Receiver
) -> None:
    url = f"{receiver.url}/webhooks/twilio/messages"

    fake.fire_inbound_message(url, f"whatsapp:{RETURNEE}", f"whatsapp:{SENDER}", "OUI")

    [got] = receiver.wait_for(1)
    assert is_signed_for(got, fake.auth_token)
    assert got.form["Body"] == "OUI"
    assert got.form["MessageSid"].startswith("SM")
    assert got.form["NumMedia"] == "0"
    assert got.form["WaId"] == RETURNEE.lstrip("+")


def test_voice_and_gather_requests_return_the_receivers_twiml(
    fake: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    call = client.calls.create(
        to=RETURNEE, from_=SENDER, url=f"{receiver.url}/voice", machine_detection="Enable"
    )

    voice = fake.fire_voice_request(None, call.sid)
    gather = fake.fire_gather(f"{receiver.url}/voice/gather", call.sid, "1")

    assert voice == (200, TWIML)
    assert gather.text == TWIML
    first, second = receiver.wait_for(2)
    assert (first.form["CallSid"], first.form["AnsweredBy"]) == (call.sid, "human")
    assert (second.form["Digits"], second.form["CallStatus"]) == ("1", "in-progress")
    assert is_signed_for(first, fake.auth_token)
    assert is_signed_for(second, fake.auth_token)


def test_call_status_callback_reports_answering_machine(
    fake: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    call = client.calls.create(
        to=RETURNEE, from_=SENDER, twiml=TWIML, status_callback=f"{receiver.url}/voice/status"
    )

    fake.fire_call_status(call.sid, "completed", answered_by="machine_start")

    [got] = receiver.wait_for(1)
    assert (got.form["CallStatus"], got.form["AnsweredBy"]) == ("completed", "machine_start")
    assert is_signed_for(got, fake.auth_token)
    fetched = client.calls(call.sid).fetch()
    assert (fetched.status, fetched.answered_by) == ("completed", "machine_start")


def test_callbacks_reach_a_flask_test_client_with_the_signed_url(fake: FakeTwilio) -> None:
    app = flask.Flask(__name__)
    seen: list[bool] = []

    @app.post("/webhooks/twilio/messages")
    def inbound() -> tuple[str, int]:
        signature = flask.request.headers.get("X-Twilio-Signature", "")
        valid = RequestValidator(fake.auth_token).validate(
            flask.request.url, flask.request.form, signature
        )
        seen.append(valid)
        return ("", 200 if valid else 403)

    fake.callback_target = via_test_client(app.test_client())
    url = "https://sms.example.org/webhooks/twilio/messages?source=twilio"

    answer = fake.fire_inbound_message(url, RETURNEE, SENDER, "1")
    form, headers = fake.signed_form(url, {"Body": "1"})
    forged = app.test_client().post(url, data={**form, "Body": "2"}, headers=headers)

    assert answer.status == 200
    assert seen == [True, False]
    assert forged.status_code == 403


# -- plumbing -----------------------------------------------------------------------------------


def test_client_logs_carry_no_numbers_bodies_or_secrets(
    fake: FakeTwilio, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    client.messages.create(to=RETURNEE, from_=SENDER, body="secret body")
    client.messages.list(to=RETURNEE)

    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("smsgateway", "twilio"))]
    assert ours
    for text in ours:
        for secret in (RETURNEE, RETURNEE.lstrip("+"), "secret body", fake.auth_token):
            assert secret not in text


@pytest.mark.slow
def test_cli_serves_the_fake_until_interrupted() -> None:
    command = [
        sys.executable,
        "-u",
        "-c",
        "from smsgateway.fakes import fake_twilio_cli; fake_twilio_cli()",
        "--port",
        "0",
        "--account-sid",
        "AC" + "5" * 32,
        "--auth-token",
        "cli-token",
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        try:
            line = process.stdout.readline()
            api_base = line.split(" on ", 1)[1].split(" ", 1)[0]
            client = make_twilio_client("AC" + "5" * 32, "cli-token", api_base=api_base)
            assert client.messages.create(to=RETURNEE, from_=SENDER, body="Hi").status == "queued"
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
