"""The embedded default transport: nothing leaves the machine; every message counts as delivered.

The dispatcher records each outbound message as for any transport, so the phone simulator page
shows exactly what a real phone would have received.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from smsgateway.transports.base import OutboundMessage, SendResult, register_transport

if TYPE_CHECKING:
    from smsgateway.config import Settings


class LocalTransport:
    slug = "local"

    def send(self, message: OutboundMessage) -> SendResult:
        return SendResult(provider_id=f"LO{uuid.uuid4().hex}", status="delivered")


@register_transport("local")
def make_local_transport(settings: Settings) -> LocalTransport:
    return LocalTransport()
