"""A clock that is stopping starts no new job run and logs no error for the runs it skips."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from smsgateway.scheduler import StoppingExecutor


def _scheduler_with(executor: ThreadPoolExecutor, ran: list[int]) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC, executors={"default": executor})
    scheduler.start(paused=True)
    scheduler.add_job(lambda: ran.append(1), "interval", seconds=60, id="dispatch")
    return scheduler


def test_a_round_submitted_after_the_pool_closed_fails_in_plain_apscheduler() -> None:
    """The race the clock guards against: APScheduler's loop submits to a pool already closed."""
    ran: list[int] = []
    executor = ThreadPoolExecutor()
    scheduler = _scheduler_with(executor, ran)
    job = scheduler.get_job("dispatch")
    executor.shutdown(wait=True)
    with pytest.raises(RuntimeError, match="cannot schedule new futures"):
        executor.submit_job(job, [datetime.now(UTC)])
    scheduler.shutdown(wait=False)


def test_the_clocks_executor_skips_a_round_submitted_once_stopping() -> None:
    ran: list[int] = []
    stopping = threading.Event()
    executor = StoppingExecutor(stopping)
    scheduler = _scheduler_with(executor, ran)
    job = scheduler.get_job("dispatch")
    stopping.set()
    executor.shutdown(wait=True)
    executor.submit_job(job, [datetime.now(UTC)])  # no error
    scheduler.shutdown(wait=False)
    assert ran == []


def test_the_clocks_executor_runs_jobs_while_not_stopping() -> None:
    ran: list[int] = []
    done = threading.Event()
    executor = StoppingExecutor(threading.Event())
    scheduler = BackgroundScheduler(timezone=UTC, executors={"default": executor})
    scheduler.start()
    first = {"next_run_time": datetime.now(UTC)}
    scheduler.add_job(lambda: (ran.append(1), done.set()), "interval", seconds=60, **first)
    assert done.wait(10)
    scheduler.shutdown(wait=True)
    assert ran == [1]
