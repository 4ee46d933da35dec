"""Four worker processes on one PostgreSQL database: no notice twice, none lost, one leader."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.models import Message, Notice, Referral
from smsgateway.notices import NoticeState
from smsgateway.runtime import Runtime

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

NOTICES = 10_000
WORKERS = 4
SMSGATEWAY = str(Path(sys.executable).with_name("smsgateway"))


@pytest.fixture
def app_overrides(tmp_path: Path, pg_url: str) -> dict[str, Any]:
    return {
        "instance_path": tmp_path / "instance",
        "env": "test",
        "scheduler": False,
        "database_url": pg_url,
    }


def worker_environment(runtime: Runtime) -> dict[str, str]:
    settings = runtime.settings
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SMSGATEWAY_")},
        "SMSGATEWAY_ENV": "test",
        "SMSGATEWAY_INSTANCE_PATH": str(settings.instance_path),
        "SMSGATEWAY_DATABASE_URL": settings.sqlalchemy_url,
        "SMSGATEWAY_SEND_RATE_PER_SECOND": "0",
        "SMSGATEWAY_LOCAL_SEND_DELAY_SECONDS": "0.001",
        "SMSGATEWAY_DISPATCH_INTERVAL_SECONDS": "0.2",
        "SMSGATEWAY_DISPATCH_BATCH_SIZE": "100",  # small batches spread the work over workers
        "SMSGATEWAY_LEASE_SWEEP_SECONDS": "1",
        "SMSGATEWAY_LEADER_RETRY_SECONDS": "0.5",
    }


@pytest.fixture
def start_workers(runtime: Runtime, tmp_path: Path) -> Iterator[Callable[[int], list[Path]]]:
    processes: list[subprocess.Popen[bytes]] = []

    def start(count: int) -> list[Path]:
        logs = []
        for n in range(count):
            log = tmp_path / f"worker-{n}.log"
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        [SMSGATEWAY, "worker"],
                        env=worker_environment(runtime),
                        stdout=out,
                        stderr=out,
                    )
                )
            logs.append(log)
        return logs

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def pending(session: Session, after_id: int) -> int:
    session.expire_all()
    query = select(func.count()).where(
        Notice.id > after_id, Notice.state.in_([NoticeState.PLANNED, NoticeState.CLAIMED])
    )
    return session.scalar(query) or 0


def test_four_workers_send_every_notice_exactly_once(
    runtime: Runtime,
    session: Session,
    make_referral: Callable[..., Referral],
    start_workers: Callable[[int], list[Path]],
    plan_due_notices: Callable[..., None],
) -> None:
    referrals = [make_referral() for _ in range(50)]
    for referral in referrals:
        # Equal start and end: no quiet hours, so the test runs the same at any hour.
        referral.returnee.quiet_hours_start = clock_time(0)
        referral.returnee.quiet_hours_end = clock_time(0)
    session.commit()
    after_id = session.scalar(select(func.max(Notice.id))) or 0
    plan_due_notices(session, referrals, NOTICES)

    logs = start_workers(WORKERS)
    deadline = time.monotonic() + 240
    while pending(session, after_id):
        assert time.monotonic() < deadline, "workers did not finish"
        time.sleep(0.5)

    states = dict(
        session.execute(
            select(Notice.state, func.count()).where(Notice.id > after_id).group_by(Notice.state)
        ).all()
    )
    assert states == {NoticeState.SENT: NOTICES}
    per_notice = session.execute(
        select(Message.notice_id, func.count())
        .where(Message.notice_id > after_id)
        .group_by(Message.notice_id)
    ).all()
    assert len(per_notice) == NOTICES
    assert max(count for _, count in per_notice) == 1
    texts = [log.read_text() for log in logs]
    assert sum("dispatch: claimed=" in text for text in texts) >= 2, "one worker did it all"
    assert sum(text.count("now runs the leader jobs") for text in texts) == 1
