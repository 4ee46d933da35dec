"""A worker killed with SIGKILL mid-batch and restarted: every notice ends sent once or flagged."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import time as clock_time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.models import Message, Notice, Referral, Returnee
from smsgateway.notices import NoticeState
from smsgateway.runtime import Runtime

NOTICES = 2000
SMSGATEWAY = str(Path(sys.executable).with_name("smsgateway"))


def worker_environment(runtime: Runtime) -> dict[str, str]:
    settings = runtime.settings
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SMSGATEWAY_")},
        "SMSGATEWAY_ENV": "test",
        "SMSGATEWAY_INSTANCE_PATH": str(settings.instance_path),
        "SMSGATEWAY_LOCAL_SEND_DELAY_SECONDS": "0.01",  # slow enough to be killed mid-batch
        "SMSGATEWAY_SEND_RATE_PER_SECOND": "0",
        "SMSGATEWAY_DISPATCH_INTERVAL_SECONDS": "0.2",
        "SMSGATEWAY_LEASE_SECONDS": "3",
        "SMSGATEWAY_LEASE_SWEEP_SECONDS": "0.5",
        "SMSGATEWAY_LEADER_RETRY_SECONDS": "0.5",
    }


@contextmanager
def worker(runtime: Runtime, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [SMSGATEWAY, "worker"], env=worker_environment(runtime), stdout=out, stderr=out
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def count_in(session: Session, after_id: int, *states: str) -> int:
    """Notices in these states among those the test planned (ids above `after_id`)."""
    session.expire_all()
    query = select(func.count()).where(Notice.state.in_(states), Notice.id > after_id)
    return session.scalar(query) or 0


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow
def test_worker_killed_mid_batch_loses_nothing_and_sends_each_notice_once(
    runtime: Runtime,
    session: Session,
    tmp_path: Path,
    make_returnee: Callable[..., Returnee],
    make_referral_on_the_clock: Callable[..., Referral],
    plan_due_notices: Callable[..., None],
) -> None:
    returnees = [make_returnee() for _ in range(40)]
    for returnee in returnees:
        # Equal start and end: no quiet hours, so the test runs the same at any hour of the day.
        returnee.quiet_hours_start = returnee.quiet_hours_end = clock_time(0)
    session.commit()
    referrals = [make_referral_on_the_clock(returnee=r) for r in returnees]
    after_id = session.scalar(select(func.max(Notice.id))) or 0
    plan_due_notices(session, referrals, NOTICES)
    planned_ids = set(session.scalars(select(Notice.id).where(Notice.id > after_id)))
    log = tmp_path / "worker.log"

    with worker(runtime, log) as first:
        wait_until(
            lambda: (
                count_in(session, after_id, NoticeState.SENT) >= 300
                and count_in(session, after_id, NoticeState.CLAIMED) > 0
            ),
            timeout=60,
            what="the first worker to be mid-batch",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    sent_before = count_in(session, after_id, NoticeState.SENT)
    assert count_in(session, after_id, NoticeState.CLAIMED) > 0, "the kill did not land mid-batch"
    assert sent_before < NOTICES

    with worker(runtime, log):
        wait_until(
            lambda: count_in(session, after_id, NoticeState.PLANNED, NoticeState.CLAIMED) == 0,
            timeout=90,
            what="every notice to be settled after the restart",
        )

    session.expire_all()
    states = dict(
        session.execute(
            select(Notice.state, func.count())
            .where(Notice.id.in_(planned_ids))
            .group_by(Notice.state)
        ).all()
    )
    assert set(states) <= {NoticeState.SENT, NoticeState.REVIEW}
    assert sum(states.values()) == NOTICES
    per_notice = dict(
        session.execute(
            select(Message.notice_id, func.count())
            .where(Message.direction == "out")
            .group_by(Message.notice_id)
        ).all()
    )
    sent_ids = set(
        session.scalars(
            select(Notice.id).where(Notice.state == NoticeState.SENT, Notice.id.in_(planned_ids))
        )
    )
    assert set(per_notice) == sent_ids
    assert set(per_notice.values()) == {1}
    # The restarted worker's lease sweep put the killed worker's claims back, not a timeout.
    assert re.search(r"lease sweep: [1-9]\d* notices resolved", log.read_text())
