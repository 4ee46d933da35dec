"""The embedded default transport: nothing leaves the machine; every message counts as delivered.

The dispatcher records each outbound message as for any transport, so the phone simulator page
shows exactly what a real phone would have received.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from smsgateway.transports.base import (
    OutboundMessage,
    ProviderRecord,
    SendResult,
    register_transport,
)

if TYPE_CHECKING:
    from smsgateway.config import Settings


class LocalTransport:
    slug = "local"

    def __init__(self, send_delay: float = 0.0) -> None:
        # Tests and benchmarks slow the transport down to stand for a provider's latency.
        self.send_delay = send_delay

    def send(self, message: OutboundMessage) -> SendResult:
        if self.send_delay > 0:
            time.sleep(self.send_delay)
        return SendResult(provider_id=f"LO{uuid.uuid4().hex}", status="delivered")

    def find_sent(self, message: OutboundMessage, *, since: datetime) -> list[ProviderRecord]:
        """Nothing beyond what the dispatcher recorded: that record is the only delivery.

        Nothing leaves the machine; a phone (the simulator) sees only recorded messages, so a
        notice whose message was not recorded reached nobody and may safely go out again.
        """
        return []

    def visible_body(self, message: OutboundMessage) -> str | None:
        return message.body


@register_transport("local")
def make_local_transport(settings: Settings) -> LocalTransport:
    return LocalTransport(send_delay=settings.local_send_delay_seconds)
