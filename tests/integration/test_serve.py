"""`smsgateway serve` and gunicorn: the clock starts once the port is bound and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import time as clock_time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.models import Notice, Referral, Returnee
from smsgateway.notices import NoticeState
from smsgateway.runtime import Runtime

BIN = Path(sys.executable).parent
PORTS = range(5200, 5300)


def free_port() -> int:
    """A port of the range this project's tests may use that nobody listens on now."""
    for port in PORTS:
        with closing(socket.socket()) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5200-5299")


def environment(runtime: Runtime, port: int, **extra: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SMSGATEWAY_")},
        "SMSGATEWAY_ENV": "test",
        "SMSGATEWAY_INSTANCE_PATH": str(runtime.settings.instance_path),
        "SMSGATEWAY_PORT": str(port),
        "SMSGATEWAY_DISPATCH_INTERVAL_SECONDS": "0.1",
        "SMSGATEWAY_LEADER_RETRY_SECONDS": "0.2",
        "SMSGATEWAY_SEND_RATE_PER_SECOND": "0",
        **extra,
    }


def states(session: Session) -> dict[str, int]:
    session.expire_all()
    return dict(session.execute(select(Notice.state, func.count()).group_by(Notice.state)).all())  # type: ignore[arg-type]


@pytest.fixture
def due_notices(
    session: Session,
    make_returnee: Callable[..., Returnee],
    make_referral_on_the_clock: Callable[..., Referral],
    plan_due_notices: Callable[..., None],
) -> Callable[[int], None]:
    def plan(count: int) -> None:
        returnees = [make_returnee() for _ in range(10)]
        for returnee in returnees:
            returnee.quiet_hours_start = returnee.quiet_hours_end = clock_time(0)  # any hour
        session.commit()
        plan_due_notices(
            session, [make_referral_on_the_clock(returnee=r) for r in returnees], count
        )

    return plan


@contextmanager
def running(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/unreachable", timeout=2) as page:
            return bool(page.status == 200)
    except OSError:
        return False


def test_serve_on_a_taken_port_claims_nothing(
    runtime: Runtime, session: Session, tmp_path: Path, due_notices: Callable[[int], None]
) -> None:
    due_notices(50)
    before = states(session)
    with closing(socket.socket()) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = environment(runtime, port)
        with running([str(BIN / "smsgateway"), "serve"], env, tmp_path / "serve.log") as serve:
            assert serve.wait(timeout=60) != 0
            time.sleep(0.5)  # what a stray clock thread would have claimed by now

    assert states(session) == before
    log = (tmp_path / "serve.log").read_text()
    assert "in use" in log
    assert "Scheduler started" not in log  # the clock never started, so it could claim nothing


@pytest.mark.slow
def test_gunicorn_on_a_taken_port_claims_nothing(
    runtime: Runtime, session: Session, tmp_path: Path, due_notices: Callable[[int], None]
) -> None:
    """What `serve` runs in production: gunicorn's master binds before any worker starts a
    clock, so a port in use ends it (after gunicorn's few retries) with nothing claimed."""
    due_notices(50)
    before = states(session)
    log = tmp_path / "gunicorn.log"
    with closing(socket.socket()) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = [str(BIN / "python"), "-m", "gunicorn", "-c", "python:smsgateway.gunicorn_conf"]
        argv += ["--workers", "2", "--bind", f"127.0.0.1:{port}", "smsgateway.wsgi:app"]
        with running(argv, environment(runtime, port), log) as gunicorn:
            assert gunicorn.wait(timeout=60) != 0
            time.sleep(0.5)  # what a stray clock thread would have claimed by now

    assert states(session) == before
    text = log.read_text()
    assert "in use" in text
    assert "Scheduler started" not in text


def test_serve_dispatches_once_listening_and_stops_cleanly_on_sigterm(
    runtime: Runtime, session: Session, tmp_path: Path, due_notices: Callable[[int], None]
) -> None:
    due_notices(20)
    port = free_port()
    log = tmp_path / "serve.log"
    with running([str(BIN / "smsgateway"), "serve"], environment(runtime, port), log) as serve:
        wait_until(lambda: answers(port), 60, "the server to answer")
        wait_until(lambda: states(session).get(NoticeState.SENT, 0) == 20, 60, "the dispatch")
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0

    assert "Traceback" not in log.read_text()


@pytest.mark.slow
def test_gunicorn_workers_stop_their_clock_cleanly_mid_dispatch(
    runtime: Runtime, session: Session, tmp_path: Path, due_notices: Callable[[int], None]
) -> None:
    """SIGTERM while both workers dispatch: no scheduler errors, and nothing left claimed."""
    due_notices(3000)
    port = free_port()
    env = environment(
        runtime,
        port,
        SMSGATEWAY_LOCAL_SEND_DELAY_SECONDS="0.05",
        SMSGATEWAY_DISPATCH_INTERVAL_SECONDS="0.05",
        SMSGATEWAY_LEASE_SWEEP_SECONDS="0.05",
    )
    argv = [str(BIN / "python"), "-m", "gunicorn", "-c", "python:smsgateway.gunicorn_conf"]
    argv += ["--workers", "2", "--bind", f"127.0.0.1:{port}", "smsgateway.wsgi:app"]
    log = tmp_path / "gunicorn.log"
    with running(argv, env, log) as gunicorn:
        wait_until(lambda: states(session).get(NoticeState.SENT, 0) >= 100, 60, "sends")
        gunicorn.send_signal(signal.SIGTERM)
        assert gunicorn.wait(timeout=60) == 0

    text = log.read_text()
    assert "Worker exiting" in text
    assert "cannot schedule new futures" not in text and "Traceback" not in text
    after = states(session)
    assert after.get(NoticeState.CLAIMED, 0) == 0  # a stopped round put back what it had not sent
    assert 100 <= after.get(NoticeState.SENT, 0) < 3000
