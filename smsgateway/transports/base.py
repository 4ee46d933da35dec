"""The transport interface: what a transport is given, what it answers, how it fails.

A transport never touches the database: the dispatcher records messages and outcomes. A
transport that can list what it sent (`LooksUpSent`) lets the lease sweep settle a notice whose
worker died mid-send without a blind retry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from smsgateway.config import Settings


@dataclass(frozen=True)
class OutboundMessage:
    to: str  # E.164
    channel: str  # sms | whatsapp | voice
    body: str
    kind: str
    language: str
    reference: str = ""  # our id for the message, for status callbacks
    extra: dict[str, str] = field(default_factory=dict)
    # Seconds the provider may keep trying before the message is pointless (the notice's
    # expiry); None: the provider's default.
    valid_for: int | None = None


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    status: str  # queued | sent | delivered, in the provider's words mapped to ours


class TransportError(Exception):
    """Sending failed. `code` is the provider's error code when it gave one."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class TemporaryFailure(TransportError):
    """Worth trying again later (timeouts, 429, 5xx)."""

    def __init__(self, message: str, code: str = "", retry_after: float | None = None) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after


class PermanentFailure(TransportError):
    """Trying again cannot help (invalid number, unsubscribed, landline for SMS)."""


class Transport(Protocol):
    slug: str

    def send(self, message: OutboundMessage) -> SendResult: ...


@dataclass(frozen=True)
class ProviderRecord:
    """A message or call the provider holds, as its list shows it."""

    provider_id: str
    status: str
    created_at: datetime
    body: str | None = None  # None: the provider shows nothing comparable (calls, templates)


@runtime_checkable
class LooksUpSent(Protocol):
    """A transport that can list what it sent to the recipient of a message."""

    def find_sent(self, message: OutboundMessage, *, since: datetime) -> list[ProviderRecord]:
        """What went to `message.to` on its channel since `since`, newest first.

        Raises `TransportError` when the provider cannot be asked.
        """
        ...

    def visible_body(self, message: OutboundMessage) -> str | None:
        """The body the provider's list will show for this message, None if not comparable."""
        ...


TransportFactory = Callable[["Settings"], Transport]
_REGISTRY: dict[str, TransportFactory] = {}


def register_transport(slug: str) -> Callable[[TransportFactory], TransportFactory]:
    def decorate(factory: TransportFactory) -> TransportFactory:
        _REGISTRY[slug] = factory
        return factory

    return decorate


def make_transport(settings: Settings) -> Transport:
    """The transport the settings name; importing the modules registers them."""
    from smsgateway.transports import (
        local,  # noqa: F401  (registers "local")
        twilio,  # noqa: F401  (registers "twilio")
    )

    try:
        factory = _REGISTRY[settings.transport]
    except KeyError:
        raise ValueError(f"no transport named {settings.transport!r}") from None
    return factory(settings)
