"""What the fake Twilio API knows: recorded requests, accepted messages and calls, fired webhooks.

One `FakeState` is shared by the request threads of the server and the test thread; every
read and write goes through its lock.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

from smsgateway.fakes import twilio_resources as res
from smsgateway.fakes.twilio_faults import Faults

_SENT_STATUSES = {"sent", "delivered", "undelivered", "read"}
# A message resource shows its furthest status; a late report of an earlier one leaves it.
_RANK = {"accepted": 0, "queued": 0, "sending": 1, "sent": 2, "delivered": 3, "read": 4}


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received; the Authorization header is never kept."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    form_lists: dict[str, list[str]]
    headers: dict[str, str]
    status: int
    at: float


@dataclass
class StoredResource:
    """A message or call the fake accepted: its JSON resource and the form that created it."""

    resource: dict[str, Any]
    form: dict[str, str]
    form_lists: dict[str, list[str]]
    at: float
    callback_count: int = 0

    @property
    def sid(self) -> str:
        """The resource SID (SM... or CA...)."""
        return str(self.resource["sid"])

    @property
    def to(self) -> str:
        """The recipient address, channel prefix included."""
        return str(self.resource["to"])

    @property
    def status(self) -> str:
        """The current status."""
        return str(self.resource["status"])


@dataclass(frozen=True)
class RecordedCallback:
    """One webhook the fake fired and what the receiver answered (status 0: not delivered)."""

    url: str
    form: dict[str, str]
    status: int


@dataclass
class FakeState:
    """Credentials, fault plan, scripted outcomes and recordings of one fake server."""

    account_sid: str
    auth_token: str
    faults: Faults = field(default_factory=Faults)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[RecordedRequest] = field(default_factory=list)
    messages: dict[str, StoredResource] = field(default_factory=dict)
    calls: dict[str, StoredResource] = field(default_factory=dict)
    callbacks: list[RecordedCallback] = field(default_factory=list)
    rejected: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def rejection(self, to: str) -> int | None:
        """The error code scripted for this address (channel prefix ignored), if any."""
        with self.lock:
            return self.rejected.get(res.strip_channel(to)[1])

    def outcome_for(self, sid: str) -> tuple[str, int | None]:
        """The final status scripted for a message's number (default: delivered)."""
        with self.lock:
            number = res.strip_channel(self.messages[sid].to)[1]
            return self.outcomes.get(number, ("delivered", None))

    def copies(self, store: dict[str, StoredResource]) -> list[StoredResource]:
        """Deep copies of a store's resources, oldest first."""
        with self.lock:
            return [copy.deepcopy(item) for item in store.values()]

    def update_message(
        self, sid: str, status: str, error_code: int | None
    ) -> tuple[dict[str, Any], str | None]:
        """Move a message to a status; return a copy of its resource and its StatusCallback."""
        with self.lock:
            stored = self.messages[sid]
            resource = stored.resource
            now = res.rfc2822(res.now_utc())
            if _RANK.get(status, 3) >= _RANK.get(resource["status"], 0):
                resource.update(status=status, error_code=error_code, date_updated=now)
                resource["error_message"] = res.ERROR_MESSAGES.get(error_code or 0)
            if status in _SENT_STATUSES and resource["date_sent"] is None:
                resource["date_sent"] = now
            return copy.deepcopy(resource), stored.form.get("StatusCallback")

    def update_call(
        self, sid: str, status: str, answered_by: str | None
    ) -> tuple[StoredResource, int]:
        """Move a call to a status; return a copy of it and the callback sequence number."""
        with self.lock:
            stored = self.calls[sid]
            resource = stored.resource
            now = res.rfc2822(res.now_utc())
            resource.update(status=status, date_updated=now)
            if answered_by:
                resource["answered_by"] = answered_by
            if status == "in-progress" and resource["start_time"] is None:
                resource["start_time"] = now
            if status == "completed":
                resource.update(end_time=now, duration=resource.get("duration") or "1")
            stored.callback_count += 1
            return copy.deepcopy(stored), stored.callback_count
