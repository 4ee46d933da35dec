"""Webhooks the fake fires on its own, each at its moment: Twilio's callbacks come late, and
not necessarily in the order of the events they report."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

Job = Callable[[], None]


class DelayedJobs:
    """Jobs run one at a time by a worker thread, each no earlier than its due moment."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Job]] = []
        self._order = itertools.count()
        self._condition = threading.Condition()
        self._pending = 0
        self._running = True

    def put(self, job: Job, delay: float = 0.0) -> None:
        """Run `job` once `delay` seconds have passed (and earlier jobs have run)."""
        with self._condition:
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._order), job))
            self._pending += 1
            self._condition.notify_all()

    def stop(self) -> None:
        """Make `run` return; jobs not yet run are dropped."""
        with self._condition:
            self._running = False
            self._condition.notify_all()

    def run(self) -> None:
        """Run due jobs until `stop` (the body of the worker thread)."""
        while (job := self._next()) is not None:
            try:
                job()
            except Exception:
                logger.exception("automatic callback failed")
            finally:
                with self._condition:
                    self._pending -= 1
                    self._condition.notify_all()

    def wait(self, timeout: float) -> bool:
        """Wait until every job put so far has run; tell whether they have."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(remaining)
        return True

    def _next(self) -> Job | None:
        with self._condition:
            while self._running:
                if self._heap and self._heap[0][0] <= time.monotonic():
                    return heapq.heappop(self._heap)[2]
                timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                self._condition.wait(timeout)
            return None
