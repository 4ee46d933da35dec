"""Per-sender send limits kept in this process: at most `rate` provider calls start in any window.

A sliding window, not a token bucket: a bucket lets a full burst follow a quiet spell, which a
provider counting "messages in any one second" would refuse. Each call reserves the earliest
start time that keeps the last `rate` starts within the window, then sleeps until it. These
limits hold per process: they serve SQLite, where one machine dispatches; on PostgreSQL every
process shares one window per sender in the database (`ratelimit.shared`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most `rate` acquisitions start in any half-open window of `window` seconds."""

    def __init__(
        self,
        rate: float,
        window: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.capacity = int(rate)
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()

    @property
    def is_unlimited(self) -> bool:
        return self.capacity <= 0

    def reserve(self) -> float:
        """Reserve the next start time (clock units) that keeps every window within the cap."""
        with self._lock:
            now = self._clock()
            if self.is_unlimited:
                return now
            start = now
            if len(self._starts) >= self.capacity:
                # The start `capacity` places back must have left the window (strictly: a
                # microsecond more, so no clock or float rounding puts both on one edge).
                start = max(now, self._starts[-self.capacity] + self.window + 1e-6)
            self._starts.append(start)
            while len(self._starts) > self.capacity:
                self._starts.popleft()
            return start

    def acquire(self) -> float:
        """Wait for a reserved slot and return its start time."""
        start = self.reserve()
        delay = start - self._clock()
        if delay > 0:
            self._sleep(delay)
        return start


class ProcessSenderLimits:
    """One limiter per sender (transport and channel), created on first use."""

    def __init__(self, rate: float, window: float = 1.0) -> None:
        self.rate = rate
        self.window = window
        self._limiters: dict[str, SlidingWindowLimiter] = {}
        self._lock = threading.Lock()

    def for_sender(self, sender: str) -> SlidingWindowLimiter:
        """The limiter of one sender."""
        with self._lock:
            limiter = self._limiters.get(sender)
            if limiter is None:
                limiter = SlidingWindowLimiter(self.rate, self.window)
                self._limiters[sender] = limiter
            return limiter


_PROCESS_LIMITS: dict[tuple[float, float], ProcessSenderLimits] = {}
_PROCESS_LOCK = threading.Lock()


def process_limits(rate: float, window: float = 1.0) -> ProcessSenderLimits:
    """The limits this process shares between its dispatch rounds for one rate setting."""
    with _PROCESS_LOCK:
        limits = _PROCESS_LIMITS.get((rate, window))
        if limits is None:
            limits = ProcessSenderLimits(rate, window)
            _PROCESS_LIMITS[(rate, window)] = limits
        return limits
