"""The embedded default transport: nothing leaves the machine; every message counts as delivered.

The dispatcher records each outbound message as for any transport, so the phone simulator page
shows exactly what a real phone would have received.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

from smsgateway.transports.base import OutboundMessage, SendResult, register_transport

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

    def was_sent(self, reference: str) -> bool | None:
        """Never, when the dispatcher recorded no message: that record is the only delivery.

        Nothing leaves the machine; a phone (the simulator) sees only recorded messages, so a
        notice whose message was not recorded reached nobody and may safely go out again.
        """
        return False


@register_transport("local")
def make_local_transport(settings: Settings) -> LocalTransport:
    return LocalTransport(send_delay=settings.local_send_delay_seconds)
