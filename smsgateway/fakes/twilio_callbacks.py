"""Webhook requests as Twilio sends them: form fields, the X-Twilio-Signature header, delivery.

Signatures come from twilio's own `RequestValidator.compute_signature` over the exact URL
configured (query string included) and the form fields, so what our webhooks verify is what
Twilio would have sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import requests
from twilio.request_validator import RequestValidator

from smsgateway.fakes.twilio_resources import API_VERSION, new_sid, now_utc, rfc2822, strip_channel

SIGNATURE_HEADER = "X-Twilio-Signature"
USER_AGENT = "TwilioProxy/1.1"


class CallbackResponse(NamedTuple):
    """What the webhook answered: HTTP status and body text (TwiML for voice webhooks)."""

    status: int
    text: str


CallbackTarget = Callable[[str, dict[str, str], dict[str, str]], CallbackResponse]


def signed_form(
    url: str, params: dict[str, Any], auth_token: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Return the form (values as strings) and the headers Twilio would send to `url`."""
    form = {key: str(value) for key, value in params.items() if value is not None}
    signature = RequestValidator(auth_token).compute_signature(url, form)
    headers = {
        SIGNATURE_HEADER: signature,
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": USER_AGENT,
        "I-Twilio-Idempotency-Token": new_sid("ID"),
    }
    return form, headers


def post_over_http(url: str, form: dict[str, str], headers: dict[str, str]) -> CallbackResponse:
    """POST a signed form over HTTP, as Twilio does (no redirects, 15-second timeout)."""
    response = requests.post(url, data=form, headers=headers, timeout=15, allow_redirects=False)
    return CallbackResponse(response.status_code, response.text)


def via_test_client(client: Any) -> CallbackTarget:
    """Deliver callbacks to a Flask/werkzeug test client instead of over HTTP.

    The full URL is passed on, so the app sees the same scheme, host and query string that
    were signed.
    """

    def target(url: str, form: dict[str, str], headers: dict[str, str]) -> CallbackResponse:
        response = client.post(url, data=form, headers=headers)
        return CallbackResponse(response.status_code, response.get_data(as_text=True))

    return target


def message_status_params(
    message: dict[str, Any], status: str, error_code: int | None
) -> dict[str, Any]:
    """Form fields of a message status callback for a stored message resource."""
    params: dict[str, Any] = {
        "AccountSid": message["account_sid"],
        "ApiVersion": API_VERSION,
        "From": message["from"],
        "MessageSid": message["sid"],
        "MessageStatus": status,
        "MessagingServiceSid": message["messaging_service_sid"],
        "SmsSid": message["sid"],
        "SmsStatus": status,
        "To": message["to"],
    }
    if error_code is not None:
        params["ErrorCode"] = error_code
    channel, number = strip_channel(message["to"])
    if channel:
        params["ChannelPrefix"] = channel
        params["ChannelToAddress"] = number
    return params


def inbound_message_params(
    account_sid: str, from_: str, to: str, body: str, extra: dict[str, Any]
) -> dict[str, Any]:
    """Form fields of an inbound SMS or WhatsApp message webhook."""
    sid = new_sid("SM")
    params: dict[str, Any] = {
        "AccountSid": account_sid,
        "ApiVersion": API_VERSION,
        "Body": body,
        "From": from_,
        "MessageSid": sid,
        "NumMedia": 0,
        "NumSegments": 1,
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": to,
    }
    channel, number = strip_channel(from_)
    if channel == "whatsapp":
        params["WaId"] = number.lstrip("+")
        params["ProfileName"] = ""
    params.update(extra)
    return params


def call_params(call: dict[str, Any], status: str) -> dict[str, Any]:
    """Form fields common to every voice webhook about a stored call resource."""
    return {
        "AccountSid": call["account_sid"],
        "ApiVersion": API_VERSION,
        "CallSid": call["sid"],
        "CallStatus": status,
        "Called": call["to"],
        "Caller": call["from"],
        "Direction": call["direction"],
        "From": call["from"],
        "To": call["to"],
    }


def call_status_params(
    call: dict[str, Any], status: str, answered_by: str | None, sequence: int
) -> dict[str, Any]:
    """Form fields of a call status callback."""
    params = call_params(call, status)
    params.update(
        {
            "AnsweredBy": answered_by,
            "CallbackSource": "call-progress-events",
            "SequenceNumber": sequence,
            "Timestamp": rfc2822(now_utc()),
        }
    )
    if status == "completed":
        params["CallDuration"] = call.get("duration") or 0
        params["Duration"] = 1
    return params
