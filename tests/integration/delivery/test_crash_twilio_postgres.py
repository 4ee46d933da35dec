"""Workers killed mid-batch, several times, on PostgreSQL with the Twilio transport and the fake.

Afterwards every notice is sent exactly once at the provider or is a review item on the console;
none is silently parked; the provider received exactly the messages recorded as sent, and
every delivery report, including those for messages of a killed worker, was applied.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import time as clock_time
from pathlib import Path

import pytest
from delivery_helpers import PUBLIC, SENDER
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.delivery.reports import sweep_parked
from smsgateway.dispatch.settle import SETTLE_AFTER
from smsgateway.fakes import FakeTwilio, via_test_client
from smsgateway.models import Message, Notice, ParkedCallback, Referral, Returnee, ReviewItem
from smsgateway.notices import NoticeState
from smsgateway.runtime import Runtime

NOTICES = 600
KILLS = 3
SMSGATEWAY = str(Path(sys.executable).with_name("smsgateway"))


def worker_environment(runtime: Runtime, fake: FakeTwilio) -> dict[str, str]:
    settings = runtime.settings
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SMSGATEWAY_")},
        "SMSGATEWAY_ENV": "test",
        "SMSGATEWAY_INSTANCE_PATH": str(settings.instance_path),
        "SMSGATEWAY_DATABASE_URL": settings.database_url,
        "SMSGATEWAY_TRANSPORT": "twilio",
        "SMSGATEWAY_PUBLIC_URL": PUBLIC,
        "SMSGATEWAY_TWILIO_ACCOUNT_SID": fake.account_sid,
        "SMSGATEWAY_TWILIO_AUTH_TOKEN": fake.auth_token,
        "SMSGATEWAY_TWILIO_API_BASE": fake.url,
        "SMSGATEWAY_TWILIO_SMS_FROM": SENDER,
        "SMSGATEWAY_SEND_RATE_PER_SECOND": "0",
        # Small batches sent two at a time: a batch lasts about half a second, so a worker is
        # caught holding one (the kill lands mid-batch) however fast the rest of dispatch is.
        "SMSGATEWAY_DISPATCH_BATCH_SIZE": "50",
        "SMSGATEWAY_DISPATCH_CONCURRENCY": "2",
        "SMSGATEWAY_DISPATCH_INTERVAL_SECONDS": "0.2",
        "SMSGATEWAY_LEASE_SECONDS": "3",
        "SMSGATEWAY_LEASE_SWEEP_SECONDS": "0.5",
        "SMSGATEWAY_LEADER_RETRY_SECONDS": "0.5",
    }


@contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen([SMSGATEWAY, "worker"], env=env, stdout=out, stderr=out)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def counts(session: Session, after_id: int) -> Counter[str]:
    session.expire_all()
    rows = session.execute(
        select(Notice.state, func.count()).where(Notice.id > after_id).group_by(Notice.state)
    ).all()
    return Counter({state: number for state, number in rows})


def mid_batch(now: Counter[str], sent_before: int) -> bool:
    """A worker has sent some of its notices and still holds others (one snapshot of both)."""
    return now[NoticeState.SENT] >= sent_before + 60 and now[NoticeState.CLAIMED] > 0


def settled(now: Counter[str]) -> bool:
    """Nothing is planned or claimed any more, in one snapshot: counted in two queries, a lease
    sweep that releases claimed notices to `planned` between them would look like nothing left."""
    return now[NoticeState.PLANNED] + now[NoticeState.CLAIMED] == 0


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.postgres
def test_workers_killed_mid_batch_leave_every_notice_sent_once_or_in_review(
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    tmp_path: Path,
    make_returnee: Callable[..., Returnee],
    make_referral_on_the_clock: Callable[..., Referral],
    plan_due_notices: Callable[..., None],
) -> None:
    fake.set_latency(0.02)  # slow enough for a kill to land mid-batch
    fake.auto_callbacks = True
    fake.set_callback_delay(0.05)
    fake.callback_target = via_test_client(client)
    returnees = [make_returnee() for _ in range(40)]
    for returnee in returnees:
        returnee.quiet_hours_start = returnee.quiet_hours_end = clock_time(0)  # any hour
    session.commit()
    referrals = [make_referral_on_the_clock(returnee=r) for r in returnees]
    after_id = session.scalar(select(func.max(Notice.id))) or 0
    plan_due_notices(session, referrals, NOTICES)
    env = worker_environment(runtime, fake)
    log = tmp_path / "worker.log"

    for kill in range(KILLS):
        sent_before = counts(session, after_id)[NoticeState.SENT]
        with worker(env, log) as process:
            wait_until(
                lambda sent=sent_before: mid_batch(counts(session, after_id), sent),  # type: ignore[misc]
                timeout=120,
                what=f"worker {kill + 1} to be mid-batch",
            )
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        assert counts(session, after_id)[NoticeState.CLAIMED] > 0, "the kill missed the batch"
    time.sleep(SETTLE_AFTER.total_seconds() / 2)
    with worker(env, log):
        wait_until(
            lambda: settled(counts(session, after_id)),
            timeout=180,
            what="every notice to be settled",
        )
    assert fake.wait_for_callbacks(timeout=60)
    with runtime.db.transaction() as tx:  # reports that raced the recording of their message
        sweep_parked(tx, now=runtime.clock())

    final = counts(session, after_id)
    assert set(final) <= {NoticeState.SENT, NoticeState.REVIEW}, final
    assert sum(final.values()) == NOTICES
    in_review = set(
        session.scalars(
            select(Notice.id).where(Notice.id > after_id, Notice.state == NoticeState.REVIEW)
        )
    )
    shown = set(
        session.scalars(
            select(ReviewItem.notice_id).where(
                ReviewItem.reason == "delivery_unknown", ReviewItem.resolved_at.is_(None)
            )
        )
    )
    assert in_review <= shown  # every notice in review is on the console's review queue
    recorded = session.execute(
        select(Message.notice_id, Message.provider_id, Message.phone_e164, Message.body).where(
            Message.direction == "out", Message.notice_id > after_id
        )
    ).all()
    sent_ids = set(
        session.scalars(
            select(Notice.id).where(Notice.id > after_id, Notice.state == NoticeState.SENT)
        )
    )
    assert sorted(row.notice_id for row in recorded) == sorted(sent_ids)  # one message each
    at_provider = fake.sent_messages()
    assert {m.sid for m in at_provider} == {row.provider_id for row in recorded}
    assert len(at_provider) == len(recorded) == len(sent_ids)
    assert Counter((m.to, m.resource["body"]) for m in at_provider) == Counter(
        (row.phone_e164, row.body) for row in recorded
    )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ParkedCallback)) == 0
    statuses = Counter(
        session.scalars(
            select(Message.delivery_status).where(
                Message.direction == "out", Message.notice_id > after_id
            )
        )
    )
    assert statuses == Counter({"delivered": len(recorded)})  # no report was lost
    found = sum(int(n) for n in re.findall(r"lease sweep: sent=\d+ found=(\d+)", log.read_text()))
    assert found > 0, "no kill left a message only the provider knew of"
