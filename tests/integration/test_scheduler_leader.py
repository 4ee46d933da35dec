"""One scheduler leader at a time: the lock, takeover when the leader dies, gunicorn workers."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, text

from smsgateway import migrations
from smsgateway.leader import AdvisoryLock, FileLock
from smsgateway.runtime import Runtime
from smsgateway.scheduler import LEADER_JOBS, Clock

LEADER_LINE = re.compile(r" (\d+) INFO smsgateway\.scheduler: leader: process \d+ now runs")
SWEEP_LINE = re.compile(r" (\d+) INFO smsgateway\.scheduler: lease sweep: ")


def test_only_one_file_lock_holder_and_the_next_takes_over_on_release(tmp_path: Path) -> None:
    first, second = FileLock(tmp_path / "scheduler.lock"), FileLock(tmp_path / "scheduler.lock")
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire() and second.is_held()
    second.release()


def test_file_lock_is_freed_when_its_process_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "scheduler.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib\n"
            "from smsgateway.leader import FileLock\n"
            f"lock = FileLock(pathlib.Path({str(path)!r}))\n"
            "assert lock.try_acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        follower = FileLock(path)
        assert not follower.try_acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        assert follower.try_acquire()
        follower.release()
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()


class HeldCheck(Clock):
    """A clock whose leadership check, once under way, waits until the test lets it go on."""

    def __init__(self, runtime: Runtime, lock: FileLock) -> None:
        super().__init__(runtime, lock)
        self.entered, self.go = threading.Event(), threading.Event()
        self.leads_taken = 0

    def check_leadership(self) -> None:
        self.entered.set()
        self.go.wait(10)
        super().check_leadership()

    def _start_leader_jobs(self) -> BackgroundScheduler:
        self.leads_taken += 1
        return super()._start_leader_jobs()


def test_a_clock_stops_while_a_leadership_check_is_under_way(
    runtime: Runtime, tmp_path: Path
) -> None:
    """SIGTERM can come while the leadership check runs: `shutdown` waits for that job, so it
    must not hold what the job needs (a `serve` that kept running after SIGTERM until killed)."""
    path = tmp_path / "scheduler.lock"
    clock = HeldCheck(runtime, FileLock(path)).start()
    assert clock.entered.wait(10)
    stopping = threading.Thread(target=clock.shutdown, kwargs={"wait": True}, daemon=True)
    stopping.start()
    time.sleep(0.3)  # shutdown is under way and waits for the check
    clock.go.set()
    stopping.join(timeout=10)

    assert not stopping.is_alive(), "shutdown waits for a check that waits for shutdown"
    assert clock.leads_taken == 0  # a check that ends after shutdown began takes no lead
    assert not clock.is_leader
    other = FileLock(path)
    assert other.try_acquire()  # and holds no lock
    other.release()


def test_a_clock_shut_down_from_two_threads_at_once_stops_once(
    runtime: Runtime, tmp_path: Path
) -> None:
    """gunicorn's worker_exit hook and an atexit handler may both stop the clock."""
    clock = Clock(runtime, FileLock(tmp_path / "scheduler.lock")).start()
    errors: list[BaseException] = []

    def stop() -> None:
        try:
            clock.shutdown(wait=True)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=stop) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert errors == []
    assert not clock.local.running and not clock.is_leader


@pytest.mark.postgres
def test_only_one_advisory_lock_holder_and_a_dead_session_frees_it(pg_url: str) -> None:
    engine = create_engine(pg_url)
    leader, follower = AdvisoryLock(engine), AdvisoryLock(engine)
    try:
        assert leader.try_acquire() and leader.is_held()
        assert not follower.try_acquire()
        with engine.connect() as admin:  # the leader's session dies (network cut, crash)
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND granted AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                )
            )
        # The server ends the session asynchronously; the lock goes with it.
        wait_for(follower.try_acquire, 10, "the lock of the dead session to be freed")
        assert not leader.is_held()
        assert not leader.try_acquire()
    finally:
        follower.release()
        leader.release()
        engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.postgres
@pytest.mark.slow
def test_periodic_jobs_run_in_one_gunicorn_worker_and_move_when_it_dies(
    pg_url: str, tmp_path: Path
) -> None:
    migrations.upgrade(pg_url)
    port, log = free_port(), tmp_path / "gunicorn.log"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SMSGATEWAY_")},
        "SMSGATEWAY_ENV": "test",
        "SMSGATEWAY_INSTANCE_PATH": str(tmp_path / "instance"),
        "SMSGATEWAY_DATABASE_URL": pg_url,
        "SMSGATEWAY_LEASE_SWEEP_SECONDS": "0.5",
        "SMSGATEWAY_LEADER_RETRY_SECONDS": "0.5",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "smsgateway.wsgi:app"], env=environment, stdout=out, stderr=out
        )
    try:
        wait_for(lambda: len(SWEEP_LINE.findall(log.read_text())) >= 6, 30, "lease sweeps")
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
        time.sleep(2)
        first = log.read_text()
        leaders = LEADER_LINE.findall(first)
        assert len(leaders) == 1
        assert set(SWEEP_LINE.findall(first)) == set(leaders)  # the others never swept
        assert "Booting worker" in first and first.count("Booting worker") == 3

        os.kill(int(leaders[0]), signal.SIGKILL)
        wait_for(lambda: len(LEADER_LINE.findall(log.read_text())) == 2, 30, "a new leader")
        time.sleep(2)
        second = log.read_text()[len(first) :]
        new_leader = LEADER_LINE.findall(second)
        assert new_leader and new_leader != leaders
        sweeps = Counter(SWEEP_LINE.findall(second))
        assert set(sweeps) == set(new_leader)
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = create_engine(pg_url)
    with engine.connect() as connection:  # the leader jobs live in the migration's job table
        stored = connection.scalars(text("SELECT id FROM apscheduler_jobs")).all()
    engine.dispose()
    assert sorted(stored) == sorted(job.id for job in LEADER_JOBS)
