"""The Twilio transport: SMS and WhatsApp through the Messages API, voice through the Calls API.

Status callbacks and the voice webhook point at `public_url`; the webhooks blueprint
(`smsgateway.webhooks`) answers them. Failures map to `TemporaryFailure` (429, 5xx, no
connection) or `PermanentFailure` (invalid, unsubscribed or landline number...), so the
dispatcher retries with backoff or gives up.
"""

from __future__ import annotations

import importlib
import json
import threading
from typing import TYPE_CHECKING, Any

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from smsgateway.config import twilio_auth_token
from smsgateway.transports.base import (
    OutboundMessage,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
    register_transport,
)
from smsgateway.transports.twilio_http import make_twilio_client

if TYPE_CHECKING:
    from smsgateway.config import Settings

MESSAGE_STATUS_PATH = "/webhooks/twilio/message-status"
VOICE_PATH = "/webhooks/twilio/voice"
VOICE_STATUS_PATH = "/webhooks/twilio/voice/status"
#: Set in `OutboundMessage.extra` when the recipient wrote on WhatsApp in the last 24 hours.
WHATSAPP_SESSION_OPEN = "whatsapp_session_open"
# Twilio's own words for a message or call still on its way, in ours.
_STATUS = {"accepted": "queued", "scheduled": "queued", "initiated": "queued", "ringing": "queued"}


def whatsapp_templates(settings: Settings) -> dict[tuple[str, str], str]:
    """ContentSid per (notice kind, language) from `twilio_whatsapp_templates`."""
    templates: dict[tuple[str, str], str] = {}
    for entry in settings.twilio_whatsapp_templates:
        key, _, sid = entry.partition("=")
        kind, _, language = key.partition(":")
        templates[(kind.strip(), language.strip())] = sid.strip()
    return templates


def map_rest_error(exc: TwilioRestException) -> TemporaryFailure | PermanentFailure:
    """A REST error as a transport failure: 429 and 5xx are worth retrying, the rest are not."""
    code = str(exc.code or exc.status)
    if exc.status == 429 or exc.status >= 500:
        return TemporaryFailure(f"Twilio answered {exc.status}", code)
    return PermanentFailure(f"Twilio refused the request ({exc.status})", code)


class TwilioTransport:
    """Sends through the official client; one client per thread, as its session is not shared."""

    slug = "twilio"

    def __init__(self, settings: Settings) -> None:
        """Keep what each send needs; clients are made lazily in each sending thread."""
        self.settings = settings
        self.public_url = settings.public_url.rstrip("/")
        self.templates = whatsapp_templates(settings)
        self._local = threading.local()
        # The client imports its Messages and Calls resources at their first use, about 0.3 s
        # during which every sending thread waits and then sends at once, past the rate limit's
        # spacing: import them with the transport instead.
        importlib.import_module("twilio.rest.api.v2010.account")

    @property
    def client(self) -> Client:
        """This thread's client."""
        client: Client | None = getattr(self._local, "client", None)
        if client is None:
            client = make_twilio_client(
                self.settings.twilio_account_sid,
                twilio_auth_token(self.settings),
                api_base=self.settings.twilio_api_base or None,
            )
            self._local.client = client
        return client

    def send(self, message: OutboundMessage) -> SendResult:
        """Create the message or call; raise `TemporaryFailure` or `PermanentFailure` on errors."""
        try:
            if message.channel == "voice":
                call = self.client.calls.create(**self.call_params(message))
                return SendResult(call.sid, _STATUS.get(call.status, call.status))
            created = self.client.messages.create(**self.message_params(message))
            return SendResult(created.sid, _STATUS.get(created.status, created.status))
        except TwilioRestException as exc:
            raise map_rest_error(exc) from exc
        except (requests.ConnectionError, requests.ConnectTimeout) as exc:
            # A read timeout is left to propagate: the request may have reached Twilio.
            raise TemporaryFailure(f"Twilio unreachable: {type(exc).__name__}") from exc

    def message_params(self, message: OutboundMessage) -> dict[str, Any]:
        """Keyword arguments of `messages.create` for an SMS or WhatsApp message."""
        params: dict[str, Any] = {
            "status_callback": self.public_url + MESSAGE_STATUS_PATH,
        }
        if message.channel == "whatsapp":
            params["to"] = f"whatsapp:{message.to}"
            params["from_"] = f"whatsapp:{self.settings.twilio_whatsapp_from}"
            template = self.templates.get((message.kind, message.language))
            if template and message.extra.get(WHATSAPP_SESSION_OPEN) != "1":
                # Outside the 24-hour window WhatsApp accepts approved templates only.
                params["content_sid"] = template
                params["content_variables"] = json.dumps({"1": message.body})
            else:
                params["body"] = message.body
            return params
        params["to"] = message.to
        params["body"] = message.body
        if self.settings.twilio_messaging_service_sid:
            params["messaging_service_sid"] = self.settings.twilio_messaging_service_sid
        else:
            params["from_"] = self.settings.twilio_sms_from
        return params

    def call_params(self, message: OutboundMessage) -> dict[str, Any]:
        """Keyword arguments of `calls.create`: our voice webhook speaks the notice."""
        return {
            "to": message.to,
            "from_": self.settings.twilio_voice_from or self.settings.twilio_sms_from,
            "url": f"{self.public_url}{VOICE_PATH}?notice={message.reference}",
            "status_callback": self.public_url + VOICE_STATUS_PATH,
            "machine_detection": "Enable",
        }

    def was_sent(self, reference: str) -> bool | None:
        """Unknown: Twilio keeps no idempotency key or reference of ours to look up."""
        return None


@register_transport("twilio")
def make_twilio_transport(settings: Settings) -> TwilioTransport:
    """The Twilio transport for these settings."""
    return TwilioTransport(settings)
