"""The Twilio transport: SMS and WhatsApp through the Messages API, voice through the Calls API.

Status callbacks and the voice webhook point at `public_url`; the webhooks blueprint
(`smsgateway.webhooks`) answers them. Failures map to `TemporaryFailure` (429, 5xx, no
connection) or `PermanentFailure` (invalid, unsubscribed or landline number...), so the
dispatcher retries with backoff or gives up. `find_sent` lists what went to a number (the
Messages or Calls list, filtered by recipient, read back to a time), for the lease sweep.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from smsgateway.config import twilio_auth_token
from smsgateway.transports.base import (
    OutboundMessage,
    PermanentFailure,
    ProviderRecord,
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
#: Twilio keeps a message at most 36,000 seconds (10 hours) in its queue (error 21624).
MAX_VALIDITY_SECONDS = 36_000
LOOKUP_PAGE_SIZE = 50
#: More records than this to one number in the window: too many to tell (the sweep asks again).
LOOKUP_LIMIT = 1000


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

    def find_sent(self, message: OutboundMessage, *, since: datetime) -> list[ProviderRecord]:
        """Messages (or calls) to the message's recipient created since `since`, newest first.

        Filtered by recipient on Twilio's side and by `date_created` here: the `DateSent`
        filter leaves out a message still queued, which is exactly one that may have left.
        """
        try:
            if message.channel == "voice":
                calls = self.client.calls.stream(to=message.to, page_size=LOOKUP_PAGE_SIZE)
                return _read_back(((c.sid, c.status, c.date_created, None) for c in calls), since)
            to = f"whatsapp:{message.to}" if message.channel == "whatsapp" else message.to
            listed = self.client.messages.stream(to=to, page_size=LOOKUP_PAGE_SIZE)
            return _read_back(((m.sid, m.status, m.date_created, m.body) for m in listed), since)
        except TwilioRestException as exc:
            raise map_rest_error(exc) from exc
        except TwilioException as exc:  # a page that could not be fetched
            raise TemporaryFailure("Twilio could not list messages") from exc
        except requests.RequestException as exc:
            raise TemporaryFailure(f"Twilio unreachable: {type(exc).__name__}") from exc

    def visible_body(self, message: OutboundMessage) -> str | None:
        """The text Twilio lists for the message: none for calls and WhatsApp templates."""
        if message.channel == "voice" or self._uses_template(message):
            return None
        return message.body

    def _uses_template(self, message: OutboundMessage) -> bool:
        return (
            message.channel == "whatsapp"
            and (message.kind, message.language) in self.templates
            and message.extra.get(WHATSAPP_SESSION_OPEN) != "1"
        )

    def message_params(self, message: OutboundMessage) -> dict[str, Any]:
        """Keyword arguments of `messages.create` for an SMS or WhatsApp message."""
        params: dict[str, Any] = {
            "status_callback": self.public_url + MESSAGE_STATUS_PATH,
        }
        if message.channel == "whatsapp":
            params["to"] = f"whatsapp:{message.to}"
            params["from_"] = f"whatsapp:{self.settings.twilio_whatsapp_from}"
            if self._uses_template(message):
                # Outside the 24-hour window WhatsApp accepts approved templates only.
                params["content_sid"] = self.templates[(message.kind, message.language)]
                params["content_variables"] = json.dumps({"1": message.body})
            else:
                params["body"] = message.body
            return params
        params["to"] = message.to
        params["body"] = message.body
        if message.valid_for is not None:
            # Twilio drops a message still queued after this; capped at what Twilio accepts.
            params["validity_period"] = min(max(message.valid_for, 1), MAX_VALIDITY_SECONDS)
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


def _read_back(
    listed: Iterable[tuple[str, str, datetime, str | None]], since: datetime
) -> list[ProviderRecord]:
    """Records newest first until one older than `since` (the list is newest first)."""
    records: list[ProviderRecord] = []
    for sid, status, created_at, body in listed:
        if created_at < since:
            break
        if len(records) >= LOOKUP_LIMIT:
            raise TemporaryFailure("too many messages to this number to tell which left")
        records.append(ProviderRecord(sid, _STATUS.get(status, status), created_at, body))
    return records


@register_transport("twilio")
def make_twilio_transport(settings: Settings) -> TwilioTransport:
    """The Twilio transport for these settings."""
    return TwilioTransport(settings)
