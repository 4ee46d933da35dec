"""Provider misbehaviour the fake can play: latency, injected 429/500 answers, a rate cap."""

from __future__ import annotations

import threading
import time
from collections import deque


class RateCap:
    """Accept at most `per_second` events in any one-second sliding window (0 means no cap)."""

    def __init__(self, per_second: int = 0) -> None:
        """Start with no accepted events."""
        self.per_second = per_second
        self._accepted: deque[float] = deque()
        self._lock = threading.Lock()

    def accept(self) -> float | None:
        """Record an event if the window has room; return its moment, or None when refused.

        The moment is taken under the lock, so recorded moments never exceed the cap in any
        window even when request threads race.
        """
        with self._lock:
            moment = time.monotonic()
            if self.per_second > 0:
                while self._accepted and self._accepted[0] <= moment - 1.0:
                    self._accepted.popleft()
                if len(self._accepted) >= self.per_second:
                    return None
                self._accepted.append(moment)
            return moment


def max_in_any_window(moments: list[float], width: float = 1.0) -> int:
    """Return the largest number of moments falling in any half-open window of `width` seconds."""
    ordered = sorted(moments)
    best = 0
    start = 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - width:
            start += 1
        best = max(best, end - start + 1)
    return best


class Faults:
    """The fault plan shared by every request thread of one fake server."""

    def __init__(self) -> None:
        """Start well-behaved: no latency, no failures, no cap."""
        self.latency = 0.0
        self.rate_cap = RateCap()
        self._failures: deque[int] = deque()
        self._lock = threading.Lock()

    def fail_next(self, count: int, status: int) -> None:
        """Queue `count` failing answers with the given HTTP status."""
        if status not in (429, 500, 503):
            raise ValueError("fail_next supports statuses 429, 500 and 503")
        with self._lock:
            self._failures.extend([status] * count)

    def take_failure(self) -> int | None:
        """Return the status of the next queued failure, if any, consuming it."""
        with self._lock:
            return self._failures.popleft() if self._failures else None

    def pause(self) -> None:
        """Sleep for the configured latency."""
        if self.latency > 0:
            time.sleep(self.latency)
