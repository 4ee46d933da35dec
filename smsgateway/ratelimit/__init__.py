"""Per-sender send limits: at most `rate` provider calls of one sender start in any window.

A sender is a transport and channel (`twilio:sms`), the unit a provider caps. On PostgreSQL,
where several processes and machines dispatch, every process shares one window per sender in
the database (`shared`); on SQLite, one machine dispatches and each process keeps its own
(`window`). `sender_limits` picks between them; README, "Scaling out", says why.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

from smsgateway.ratelimit.shared import SendWindowUnavailable, SharedSenderLimits
from smsgateway.ratelimit.window import ProcessSenderLimits, SlidingWindowLimiter, process_limits

__all__ = [
    "Limiter",
    "ProcessSenderLimits",
    "SendWindowUnavailable",
    "SenderLimits",
    "SharedSenderLimits",
    "SlidingWindowLimiter",
    "process_limits",
    "sender_limits",
]


class Limiter(Protocol):
    def acquire(self) -> float:
        """Wait until the next call may start."""
        ...


class SenderLimits(Protocol):
    def for_sender(self, sender: str) -> Limiter:
        """The limiter of one sender."""
        ...


def sender_limits(engine: Engine, rate: float, window: float = 1.0) -> SenderLimits:
    """The limits dispatch rounds use: shared by all processes on PostgreSQL, else per process."""
    if rate > 0 and engine.dialect.name == "postgresql":
        return SharedSenderLimits(engine, rate, window)
    return process_limits(rate, window)
