"""Provider calls: each prepared notice sent once, `concurrency` at a time, spaced per sender.

Only the dispatching thread reads and writes notices: the calls run on a small pool and their
outcomes come back through a queue. Each call first waits for its sender's limit
(`smsgateway.ratelimit`: one window in the database for all processes on PostgreSQL, one per
process on SQLite). While it waits, the dispatching thread gets an idle tick
(`None`) every `TICK_SECONDS`, so it can record what has come back and renew the lease.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from smsgateway.dispatch.prepare import Prepared
from smsgateway.ratelimit import SenderLimits
from smsgateway.transports.base import SendResult, Transport, TransportError

log = logging.getLogger(__name__)

TICK_SECONDS = 0.1


@dataclass(frozen=True)
class Outcome:
    prepared: Prepared
    provider: str = ""
    result: SendResult | None = None
    error: TransportError | None = None
    unexpected: str = ""  # the call raised something else: whether it left is unknown
    is_skipped: bool = False  # not sent: the process is stopping


def send_all(
    transport: Transport,
    prepared: list[Prepared],
    limits: SenderLimits,
    concurrency: int,
    stop: threading.Event | None = None,
) -> Iterator[Outcome | None]:
    """Send each prepared notice, yielding outcomes as they end and `None` while waiting.

    Once `stop` is set, notices not yet handed to the transport come back skipped.
    """
    if not prepared:
        return
    send = _sender(transport, limits, stop)
    if concurrency <= 1 or len(prepared) == 1:
        yield from map(send, prepared)
        return
    todo: queue.SimpleQueue[Prepared | None] = queue.SimpleQueue()
    done: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
    threads = min(concurrency, len(prepared))
    for item in [*prepared, *[None] * threads]:
        todo.put(item)

    def work() -> None:
        while (item := todo.get()) is not None:
            done.put(send(item))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in range(threads):
            pool.submit(work)
        remaining = len(prepared)
        while remaining:
            try:
                outcome = done.get(timeout=TICK_SECONDS)
            except queue.Empty:
                yield None
                continue
            remaining -= 1
            yield outcome


def _sender(
    transport: Transport, limits: SenderLimits, stop: threading.Event | None
) -> Callable[[Prepared], Outcome]:
    slug = transport.slug

    def send(item: Prepared) -> Outcome:
        if stop is not None and stop.is_set():
            return Outcome(item, slug, is_skipped=True)
        try:
            # Inside the try: a shared window that cannot answer is a temporary failure.
            limits.for_sender(f"{slug}:{item.outbound.channel}").acquire()
            return Outcome(item, slug, result=transport.send(item.outbound))
        except TransportError as exc:
            return Outcome(item, slug, error=exc)
        except Exception as exc:  # whether it left is unknown: the provider is asked later
            log.exception("dispatch: transport raised on notice %d", item.notice_id)
            return Outcome(item, slug, unexpected=type(exc).__name__)

    return send
