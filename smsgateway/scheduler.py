"""APScheduler set-up: a few periodic jobs, each a thin call into a domain function.

The notices table is the source of truth; the scheduler is only the clock (DESIGN.md). It holds
no job per notice. Every process that runs the clock (`serve`, each gunicorn worker, each
`worker`) dispatches: claims with `FOR UPDATE SKIP LOCKED` make that safe on PostgreSQL, and more
processes send faster. Every such process also applies the inbound messages a queued webhook
stored (`smsgateway.replies.queue`, `SMSGATEWAY_REPLIES=queued`), each exactly once. The other
periodic jobs (`LEADER_JOBS`: the lease sweep, parked status reports and escalations waiting for
an answer, outbound webhook delivery, the loop's task sweep, the daily retention job) run only
in the process holding the leader lock (`smsgateway.leader`), from APScheduler's SQLAlchemy job
store, whose table an Alembic migration creates. Followers try to take the lock every
`leader_retry_seconds`.

`Clock.shutdown(wait=True)` stops a running dispatch round between provider calls (what was not
sent goes back to `planned`) and waits for the jobs, before the interpreter starts tearing down:
gunicorn calls it from its `worker_exit` hook (smsgateway.gunicorn_conf).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from smsgateway.clock import utcnow
from smsgateway.config import Settings
from smsgateway.db import make_engine
from smsgateway.delivery.outcomes import programme_policy
from smsgateway.delivery.reports import sweep_parked
from smsgateway.dispatch import dispatch_until_idle, resolve_expired_leases
from smsgateway.escalation import flag_unanswered
from smsgateway.leader import LeaderLock, make_leader_lock
from smsgateway.loop.tasks import advance_tasks
from smsgateway.outbound_webhooks import deliver_pending_webhooks
from smsgateway.privacy.retention import apply_retention
from smsgateway.replies.queue import apply_queued_until_idle
from smsgateway.runtime import Runtime

log = logging.getLogger(__name__)
# The executor logs every run of every job at INFO; the jobs log their own counts instead.
logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)

#: APScheduler's job table (created by migration 0002, not at run time).
JOB_TABLE = "apscheduler_jobs"

_runtime: Runtime | None = None
#: Set when the process is stopping: a dispatch round stops between provider calls.
_stopping = threading.Event()


class StoppingExecutor(ThreadPoolExecutor):
    """APScheduler's thread pool, which starts no new run once its clock is stopping.

    APScheduler checks the scheduler's state before it waits for its job-store lock, and
    `shutdown` closes the pool while holding that lock: a round of due jobs that passed the check
    then submits to a closed pool and logs "cannot schedule new futures after shutdown" with a
    traceback. `stopping` is set before any pool is closed, so a run submitted after that is
    skipped here instead.
    """

    def __init__(self, stopping: threading.Event, max_workers: int = 10) -> None:
        super().__init__(max_workers)
        self.stopping = stopping

    def _do_submit_job(self, job: Job, run_times: list[object]) -> None:
        if self.stopping.is_set():
            log.debug("clock stopping: job %s not started", job.id)
            return
        super()._do_submit_job(job, run_times)


def _executors() -> dict[str, StoppingExecutor]:
    return {"default": StoppingExecutor(_stopping)}


def _current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the scheduler clock has not been started in this process")
    return _runtime


def run_dispatch() -> None:
    """Send due notices until none is left (every process)."""
    runtime = _current()  # the runtime's clock: a simulation may move it
    dispatch_until_idle(
        runtime.db, runtime.transport, runtime.settings, clock=runtime.clock, stop=_stopping
    )


def run_queued_replies() -> None:
    """Apply the inbound messages queued by the webhook, oldest first (every process)."""
    runtime = _current()
    apply_queued_until_idle(runtime.db, runtime.settings, clock=runtime.clock, stop=_stopping)


def run_lease_sweep() -> None:
    """Settle claimed notices whose worker died, asking the provider (leader only)."""
    runtime = _current()
    now = runtime.clock()
    report = resolve_expired_leases(runtime.db, runtime.transport, runtime.settings, now=now)
    log.info("lease sweep: %d notices resolved", report.settled)


def run_delivery_sweeps() -> None:
    """Apply parked status reports whose message appeared, drop day-old ones; flag escalations
    whose proxy step got no answer in time (leader only)."""
    runtime = _current()
    now = runtime.clock()  # the runtime's clock: a simulation may move it
    with runtime.db.transaction() as session:
        parked = sweep_parked(session, now=now)
        flagged = flag_unanswered(session, now=now, policy=programme_policy())
    if parked.applied or parked.expired or flagged:
        log.info(
            "delivery sweeps: %d parked reports applied, %d dropped; %d returnees flagged",
            parked.applied,
            parked.expired,
            flagged,
        )


def run_task_sweep() -> None:
    """Start, step and flag the loop's tasks (leader only)."""
    runtime = _current()
    with runtime.db.transaction() as session:  # the runtime's clock: a simulation may move it
        report = advance_tasks(session, now=runtime.clock(), programme=runtime.programme)
    if report.started or report.steps or report.flagged or report.resolved:
        log.info(
            "task sweep: started=%d steps=%d flagged=%d resolved=%d cancelled=%d",
            report.started,
            report.steps,
            report.flagged,
            report.resolved,
            report.cancelled,
        )


def run_outbound_webhooks() -> None:
    """Post pending referral events to the external case-management system (leader only)."""
    runtime = _current()
    report = deliver_pending_webhooks(runtime.db, runtime.settings, now=runtime.clock())
    if report.delivered or report.failed:
        log.info("outbound webhook: %d delivered, %d failed", report.delivered, report.failed)


def run_retention() -> None:
    """Remove personal data past the programme's retention periods (leader only, daily)."""
    runtime = _current()
    with runtime.db.transaction() as session:
        report = apply_retention(session, runtime.programme.retention, now=runtime.clock())
    log.info(
        "retention: %d message texts, %d strangers' messages removed; %d returnees erased; "
        "%d staff notes removed",
        report.message_bodies,
        report.stranger_messages,
        report.returnees_erased,
        report.staff_notes,
    )


@dataclass(frozen=True)
class PeriodicJob:
    id: str
    func: Callable[[], None]
    seconds: Callable[[Settings], float]
    # Also run when a process becomes leader (a daily job would otherwise wait a day after
    # every change of leader); only for jobs that are idempotent.
    runs_on_taking_lead: bool = False


RETENTION_SECONDS = 86_400.0


#: Jobs only the leader runs. Stored by reference in the job store, so module-level functions.
LEADER_JOBS = (
    PeriodicJob("lease_sweep", run_lease_sweep, lambda s: s.lease_sweep_seconds),
    PeriodicJob("delivery_sweeps", run_delivery_sweeps, lambda s: s.lease_sweep_seconds),
    PeriodicJob("outbound_webhooks", run_outbound_webhooks, lambda s: s.dispatch_interval_seconds),
    PeriodicJob("task_sweep", run_task_sweep, lambda s: s.task_sweep_seconds),
    PeriodicJob("retention", run_retention, lambda s: RETENTION_SECONDS, runs_on_taking_lead=True),
)


class Clock:
    """The periodic jobs of one process: dispatch always, `LEADER_JOBS` while it leads."""

    def __init__(self, runtime: Runtime, lock: LeaderLock | None = None) -> None:
        self.runtime = runtime
        self.lock = lock or make_leader_lock(runtime.settings, runtime.db.engine)
        self.local = BackgroundScheduler(timezone=UTC, executors=_executors())
        self.leader: BackgroundScheduler | None = None
        self._mutex = threading.Lock()
        #: Held by `shutdown` from start to end: two callers (gunicorn's worker_exit hook and an
        #: atexit handler) stop the clock once.
        self._shutting_down = threading.Lock()
        self._stopped = False

    @property
    def is_leader(self) -> bool:
        return self.leader is not None

    def start(self) -> Clock:
        """Start dispatching now and try for leadership now, then at their intervals."""
        global _runtime
        _runtime = self.runtime
        _stopping.clear()
        self._stopped = False
        settings = self.runtime.settings
        common = {"max_instances": 1, "coalesce": True, "next_run_time": utcnow()}
        self.local.add_job(
            run_dispatch,
            "interval",
            seconds=settings.dispatch_interval_seconds,
            id="dispatch",
            **common,
        )
        # Always, not only with SMSGATEWAY_REPLIES=queued: messages queued before a switch back
        # to inline are still applied (one indexed query when there are none).
        self.local.add_job(
            run_queued_replies,
            "interval",
            seconds=settings.replies_interval_seconds,
            id="queued_replies",
            **common,
        )
        self.local.add_job(
            self.check_leadership,
            "interval",
            seconds=settings.leader_retry_seconds,
            id="leadership",
            **common,
        )
        self.local.start()
        return self

    def check_leadership(self) -> None:
        """Take the leader lock when free; stop the leader jobs if the lock was lost."""
        with self._mutex:
            if self._stopped:  # a check that began before shutdown takes no lead
                return
            if self.lock.try_acquire():
                if self.leader is None:
                    self.leader = self._start_leader_jobs()
            elif self.leader is not None:
                log.warning("leader: process %d lost the scheduler lock", os.getpid())
                self.leader.shutdown(wait=False)
                self.leader = None

    def _start_leader_jobs(self) -> BackgroundScheduler:
        log.info("leader: process %d now runs the leader jobs", os.getpid())
        settings = self.runtime.settings
        # Its own small engine: the job store disposes its engine when it shuts down.
        store = SQLAlchemyJobStore(engine=make_engine(settings.sqlalchemy_url), tablename=JOB_TABLE)
        scheduler = BackgroundScheduler(
            timezone=UTC,
            jobstores={"default": store},
            executors=_executors(),
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        scheduler.start()
        for job in LEADER_JOBS:
            first = {"next_run_time": utcnow()} if job.runs_on_taking_lead else {}
            scheduler.add_job(
                job.func,
                "interval",
                seconds=job.seconds(settings),
                id=job.id,
                replace_existing=True,
                **first,
            )
        return scheduler

    def shutdown(self, wait: bool = False) -> None:
        """Stop every job and let go of the leader lock.

        A running dispatch round stops between provider calls; `wait` waits for it (and the
        leader's jobs) to end, which a process must do before interpreter shutdown begins.
        The local jobs are stopped before taking the mutex: a leadership check under way needs
        it to end, and waiting for that check while holding it would wait forever.
        """
        with self._shutting_down:
            _stopping.set()
            with self._mutex:
                self._stopped = True
            if self.local.running:
                self.local.shutdown(wait=wait)
            with self._mutex:
                if self.leader is not None:
                    self.leader.shutdown(wait=True)
                    self.leader = None
                self.lock.release()


def start_clock(runtime: Runtime) -> Clock:
    """The periodic jobs in the background of this process (`serve`, gunicorn workers)."""
    return Clock(runtime).start()


def run_until_stopped(runtime: Runtime, stop: threading.Event) -> None:
    """The periodic jobs until `stop` is set (`smsgateway worker`)."""
    clock = Clock(runtime).start()
    try:
        while not stop.wait(1.0):
            pass
    finally:
        clock.shutdown(wait=True)
