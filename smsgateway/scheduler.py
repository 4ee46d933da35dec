"""APScheduler set-up: a few periodic jobs, each a thin call into a domain function.

The notices table is the source of truth; the scheduler is only the clock (DESIGN.md). It holds
no job per notice.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from smsgateway.clock import utcnow
from smsgateway.dispatch import dispatch_due_notices, resolve_expired_leases
from smsgateway.runtime import Runtime

log = logging.getLogger(__name__)


def run_dispatch(runtime: Runtime) -> None:
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=utcnow())


def run_lease_sweep(runtime: Runtime) -> None:
    with runtime.db.transaction() as session:
        resolved = resolve_expired_leases(session, now=utcnow())
    if resolved:
        log.info("lease sweep: %d notices resolved", resolved)


def configure(scheduler: BaseScheduler, runtime: Runtime) -> BaseScheduler:
    interval = runtime.settings.dispatch_interval_seconds
    scheduler.add_job(
        run_dispatch,
        "interval",
        seconds=interval,
        args=[runtime],
        id="dispatch",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    scheduler.add_job(
        run_lease_sweep,
        "interval",
        seconds=max(interval * 6, 30),
        args=[runtime],
        id="lease_sweep",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    return scheduler


def start_background(runtime: Runtime) -> BackgroundScheduler:
    """The scheduler inside the server process (the embedded default)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    configure(scheduler, runtime)
    scheduler.start()
    return scheduler


def run_blocking(runtime: Runtime) -> None:
    """The scheduler as its own process (`smsgateway worker`)."""
    scheduler = BlockingScheduler(timezone="UTC")
    configure(scheduler, runtime)
    scheduler.start()
