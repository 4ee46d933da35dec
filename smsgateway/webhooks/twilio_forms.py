"""Twilio's webhook requests read into checked values before any view uses them.

Every field goes through the limits of `smsgateway.inputs`; a field that cannot be used raises
`InvalidInput` naming it, and the view answers 400. Twilio posts UTF-8 forms
(`application/x-www-form-urlencoded`) and names its account in `AccountSid` on every webhook
(https://www.twilio.com/docs/usage/webhooks/messaging-webhooks,
https://www.twilio.com/docs/voice/twiml#request-parameters).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from smsgateway import inputs
from smsgateway.errors import InvalidInput
from smsgateway.replies.inbound import InboundMessage

MESSAGE_SID = ("SM", "MM")
CALL_SID = ("CA",)
ACCOUNT_SID = ("AC",)
FORM_TYPE = "application/x-www-form-urlencoded"
#: Twilio's richest webhook (an inbound WhatsApp message with media) has about 40 fields.
MAX_FIELDS = 200
#: Recipient numbers are not stored; this only keeps them from being unbounded.
ADDRESS_LIMIT = 64


def read_body(content_type: str, raw: bytes) -> dict[str, str]:
    """The fields of a UTF-8 form, as Twilio sends, each with its first value (as
    `MultiDict.to_dict`); JSON, other types and undecodable bytes are refused (`InvalidInput`).

    The webhooks read the body once, here, for the signature, the account and the view."""
    if content_type.split(";", 1)[0].strip().lower() != FORM_TYPE:
        raise InvalidInput("Content-Type", "a Twilio webhook is %(type)s", type=FORM_TYPE)
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise InvalidInput("body", "the form is not UTF-8") from None
    except ValueError:
        raise InvalidInput("body", "more than %(count)s fields", count=MAX_FIELDS) from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def is_our_account(form: Mapping[str, str], account_sid: str) -> bool:
    """Whether the webhook names the configured account (any account when none is configured)."""
    return not account_sid or form.get("AccountSid", "") == account_sid


def inbound_message(form: Mapping[str, str], region: str) -> InboundMessage:
    """An inbound SMS or WhatsApp message; the sender is kept whatever it is."""
    sender = inputs.sender(form.get("From", ""), region)
    return InboundMessage(
        sender=sender.phone,
        body=inputs.body_text(form.get("Body", "")),
        channel=sender.channel,
        provider="twilio",
        provider_id=inputs.sid(form.get("MessageSid", ""), "MessageSid", MESSAGE_SID),
        recipient=_address(form.get("To", "")),
    )


@dataclass(frozen=True)
class MessageStatus:
    """A message status callback."""

    message_sid: str
    status: str
    error_code: str


def message_status(form: Mapping[str, str]) -> MessageStatus:
    return MessageStatus(
        message_sid=inputs.sid(form.get("MessageSid", ""), "MessageSid", MESSAGE_SID),
        status=inputs.token(form.get("MessageStatus", ""), "MessageStatus"),
        error_code=inputs.error_code(form.get("ErrorCode", "")),
    )


@dataclass(frozen=True)
class Call:
    """The fields every voice webhook carries about its call."""

    call_sid: str
    status: str
    answered_by: str
    to: str


def call(form: Mapping[str, str]) -> Call:
    return Call(
        call_sid=inputs.sid(form.get("CallSid", ""), "CallSid", CALL_SID),
        status=inputs.token(form.get("CallStatus", ""), "CallStatus"),
        answered_by=inputs.token(form.get("AnsweredBy", ""), "AnsweredBy"),
        to=_address(form.get("To", "")),
    )


def gathered(form: Mapping[str, str], region: str) -> InboundMessage:
    """What a person answered on a notice call (keys, or speech), as an inbound message.

    The call went to the person, so the sender is the call's `To`. One answer per call and
    input: a repeated delivery of the same keys (or words) is the same message.
    """
    answered = call(form)
    digits = inputs.keys(form.get("Digits", ""))
    speech = inputs.body_text(form.get("SpeechResult", ""), "SpeechResult").strip()
    if speech and not digits:
        digest = hashlib.sha256(speech.encode()).hexdigest()[:16]
        body, provider_id = speech, f"{answered.call_sid}:speech:{digest}"
    else:
        body, provider_id = digits, f"{answered.call_sid}:{digits}"
    return InboundMessage(
        sender=inputs.sender(answered.to, region).phone,
        body=body,
        channel="voice",
        provider="twilio",
        provider_id=provider_id,
        recipient=_address(form.get("From", "")),
    )


def notice_id(reference: str) -> int:
    """The notice of a voice webhook's `?notice=notice-42`."""
    return inputs.notice_id(reference, "notice")


def _address(value: str) -> str:
    return inputs.clean_text(value).removeprefix("whatsapp:")[:ADDRESS_LIMIT]
