"""Per-sender send limits shared by every dispatching process, in the PostgreSQL database.

One row per sender (table `send_windows`) holds the start of its latest provider call. Each
call reserves its own start in one statement, which locks the row for the microseconds of the
update and reads the database's clock, the one clock all processes and machines share:

    start = max(now, previous start + window / rate)

and the process sleeps until that start. Starts are therefore spaced evenly, which keeps every
window within the rate (any `rate` consecutive starts span at least one window) whatever the
number of processes. Even spacing rather than bursts of `rate` at once: the provider counts
arrivals, not our starts, and arrivals lag by a few milliseconds more or less; after a burst a
lagging arrival can share a second with the whole next burst, while evenly spaced starts leave
it one neighbour to crowd, which the window's margin (`Settings.send_window_seconds`) absorbs.

No process owns a share: a process that dies leaves at most the few starts it had reserved for
the next moment unused, and the others take the whole rate from the next start on.

The database answers after a varying while (well under a millisecond, but tens of milliseconds
on a busy machine); sleeping `start - now` from the answer would add that variation to every
start. Each process instead keeps the smallest difference it has seen between its own clock and
the database's at an answer (`DatabaseClock`: the clocks' offset plus the fastest answer) and
waits until the start by its own clock.

The table is UNLOGGED on PostgreSQL: a start is worth a second, so after a crash of the
database an empty table is right, and the updates write no WAL.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from smsgateway.transports.base import TemporaryFailure

log = logging.getLogger(__name__)

_RESERVE = text(
    """
    INSERT INTO send_windows AS w (sender, last_start_at) VALUES (:sender, clock_timestamp())
    ON CONFLICT (sender) DO UPDATE SET last_start_at = greatest(
        clock_timestamp(), w.last_start_at + make_interval(secs => CAST(:spacing AS float8))
    )
    RETURNING extract(epoch FROM last_start_at)::float8 AS start,
        extract(epoch FROM clock_timestamp())::float8 AS now
    """
)


class DatabaseClock:
    """How far this process's clock is ahead of the database's, from the answers it got."""

    def __init__(self, samples: int = 256) -> None:
        # The recent answers only, so that a clock stepped by NTP is followed within a few.
        self._offsets: deque[float] = deque(maxlen=samples)
        self._lock = threading.Lock()

    def offset(self, database_now: float, local_now: float) -> float:
        """Record an answer read at `local_now` that the database stamped `database_now`."""
        with self._lock:
            self._offsets.append(local_now - database_now)
            return min(self._offsets)


_CLOCKS: dict[tuple[str | None, int | None], DatabaseClock] = {}
_CLOCKS_LOCK = threading.Lock()


def database_clock(engine: Engine) -> DatabaseClock:
    """This process's view of the clock of the database server behind `engine`."""
    key = (engine.url.host, engine.url.port)
    with _CLOCKS_LOCK:
        return _CLOCKS.setdefault(key, DatabaseClock())


class SendWindowUnavailable(TemporaryFailure):
    """No start could be reserved (the database did not answer): the notice is tried later."""


class SharedWindowLimiter:
    """Calls of one sender start `window / rate` apart, across every process."""

    def __init__(
        self,
        engine: Engine,
        sender: str,
        rate: float,
        window: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.sender = sender
        self.capacity = int(rate)
        self.window = window
        self.clock = database_clock(engine)
        self._sleep = sleep
        self._wall_clock = wall_clock

    @property
    def is_unlimited(self) -> bool:
        return self.capacity <= 0

    def reserve(self) -> tuple[float, float]:
        """Reserve the next start: (its time by the database's clock, seconds to wait for it)."""
        params = {"sender": self.sender, "spacing": self.window / self.capacity}
        try:
            with self.engine.connect() as connection:
                row = connection.execute(_RESERVE, params).one()
        except SQLAlchemyError as exc:
            log.warning("send window of %s unavailable: %s", self.sender, type(exc).__name__)
            raise SendWindowUnavailable("the shared send window did not answer") from exc
        local_now = self._wall_clock()
        offset = self.clock.offset(float(row.now), local_now)
        return float(row.start), float(row.start) + offset - local_now

    def acquire(self) -> float:
        """Wait for a reserved start; return it as this process's `time.monotonic()`."""
        if self.is_unlimited:
            return time.monotonic()
        _, wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return time.monotonic()


class SharedSenderLimits:
    """One shared window per sender (transport and channel), in the database behind `engine`."""

    def __init__(self, engine: Engine, rate: float, window: float = 1.0) -> None:
        # Each reservation is its own statement: autocommit, so the row lock ends with it.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.rate = rate
        self.window = window

    def for_sender(self, sender: str) -> SharedWindowLimiter:
        """The limiter of one sender."""
        return SharedWindowLimiter(self.engine, sender, self.rate, self.window)
