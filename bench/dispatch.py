"""Dispatch benchmark (a benchmark, not a timed test): run `python bench/dispatch.py`.

(a) plan and dispatch N notices through the local transport on SQLite;
(b) the naive way, one APScheduler job per notice in a SQLAlchemy job store, on a smaller count;
(c) the floor: the same database writes with the sqlite3 module and no framework;
(d) against the fake Twilio API (50 ms latency, 100 messages/s cap) through the real `twilio`
    client: sustained rate and the most messages the provider saw in any one second.
The last line printed is one JSON object; docs/benchmarks.md records runs and the machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from requests.adapters import HTTPAdapter
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from smsgateway import migrations
from smsgateway.config import Settings, load_settings
from smsgateway.dispatch import (
    DispatchReport,
    complete_notices,
    dispatch_until_idle,
    prepare_notices,
    send_all,
)
from smsgateway.heap import freeze_startup_objects
from smsgateway.models import Message, Notice, Referral, Returnee
from smsgateway.notices import NoticeKind, NoticeState, insert_notices, notice_row
from smsgateway.partners import register_partner
from smsgateway.programme import single_reminder
from smsgateway.ratelimit import process_limits
from smsgateway.referrals import create_referral
from smsgateway.returnees import PhoneInput, register_returnee
from smsgateway.runtime import Runtime, build_runtime
from smsgateway.transports.base import (
    OutboundMessage,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 10:00 in Dakar: inside the allowed hours
RECIPIENTS = 1000
PLAN_CHUNK = 20_000


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def fresh_runtime(root: Path, name: str, **overrides: Any) -> Iterator[Runtime]:
    settings = load_settings(
        {}, {"instance_path": root / name, "env": "test", "scheduler": False, **overrides}
    )
    migrations.upgrade(settings.sqlalchemy_url)
    runtime = build_runtime(settings)
    try:
        yield runtime
    finally:
        runtime.db.dispose()


def add_recipients(runtime: Runtime, count: int) -> list[int]:
    """Returnees with one referral each; returns the referral ids."""
    with runtime.db.transaction() as session:
        partner = register_partner(
            session,
            NOW,
            name="Training Centre",
            display_name="Centre",
            service_categories=["vocational_training"],
            region="SN",
        )
        ids = []
        for n in range(count):
            returnee = register_returnee(
                session,
                NOW,
                case_reference=f"CASE-{n:06d}",
                first_name=f"Person{n}",
                phones=[PhoneInput(f"+22177{n:07d}")],
                region="SN",
                language="fr",
                time_zone="Africa/Dakar",
            )
            referral = create_referral(
                session,
                NOW,
                returnee=returnee,
                partner=partner,
                service_category="vocational_training",
                created_by="bench",
                programme=single_reminder(timedelta(hours=24)),
                appointment_at=NOW + timedelta(days=3),
                appointment_place="Pikine",
            )
            session.flush()
            ids.append(referral.id)
    return ids


def plan_notices(runtime: Runtime, referral_ids: list[int], count: int) -> None:
    """`count` notices due now, spread over the referrals, as a bulk notice plans them: rows
    built by `notice_row`, written by `insert_notices` (one INSERT over all rows per transaction of
    `PLAN_CHUNK`, which bounds the memory the rows take)."""
    with runtime.db.sessions() as session:
        referrals = session.scalars(
            select(Referral)
            .where(Referral.id.in_(referral_ids))
            .options(selectinload(Referral.returnee).selectinload(Returnee.contact_points))
        ).all()
        session.expunge_all()  # read-only from here: the rows only copy their ids and settings
    for start in range(0, count, PLAN_CHUNK):
        with runtime.db.transaction() as session:
            rows = [
                notice_row(
                    kind=NoticeKind.REFERRAL_CREATED,
                    returnee=referrals[n % len(referrals)].returnee,
                    referral_id=referrals[n % len(referrals)].id,
                    due_at=NOW,
                    now=NOW,
                )
                for n in range(start, min(start + PLAN_CHUNK, count))
            ]
            insert_notices(session, rows)


def bench_ours(root: Path, count: int) -> dict[str, float]:
    """(a) plan and dispatch `count` notices through the local transport."""
    # The local transport does no I/O: provider calls in threads would only contend for the GIL.
    with fresh_runtime(root, "ours", send_rate_per_second=0.0, dispatch_concurrency=1) as runtime:
        referral_ids = add_recipients(runtime, RECIPIENTS)
        started, cpu = time.perf_counter(), time.process_time()
        plan_notices(runtime, referral_ids, count)
        plan_s, plan_cpu_s = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        report = dispatch_until_idle(
            runtime.db, runtime.transport, runtime.settings, clock=lambda: NOW, max_rounds=10**6
        )
        dispatch_s, dispatch_cpu_s = time.perf_counter() - started, time.process_time() - cpu
        assert report.sent == count, f"sent {report.sent} of {count}"
        with runtime.db.sessions() as session:
            messages = session.scalar(select(func.count()).select_from(Message))
        assert messages == count
    return {
        "plan_s": plan_s,
        "dispatch_s": dispatch_s,
        # CPU time of this process: what a busy machine changes least.
        "plan_cpu_s": plan_cpu_s,
        "dispatch_cpu_s": dispatch_cpu_s,
        "peak_rss_mb": peak_rss_mb(),
    }


_job_runtime: Runtime | None = None
_job_done = threading.Semaphore(0)


def send_one_notice(notice_id: int) -> None:
    """The naive job: claim, render, send and complete one notice, as its own job."""
    try:
        _send_one_notice(notice_id)
    finally:
        _job_done.release()  # a failed job shows as a missing message below, not a hang


def _send_one_notice(notice_id: int) -> None:
    assert _job_runtime is not None
    runtime, worker, report = _job_runtime, f"job-{notice_id}", DispatchReport()
    with runtime.db.transaction() as session:
        session.execute(
            update(Notice)
            .where(Notice.id == notice_id, Notice.state == "held")
            .values(state=NoticeState.CLAIMED, claimed_by=worker)
        )
        prepared = prepare_notices(
            session, [notice_id], runtime.settings, worker=worker, now=NOW, report=report
        )
    sent = send_all(runtime.transport, prepared, process_limits(0.0), 1)
    outcomes = [outcome for outcome in sent if outcome is not None]
    with runtime.db.transaction() as session:
        complete_notices(session, outcomes, worker=worker, now=NOW, report=report)


def bench_job_per_notice(root: Path, count: int) -> dict[str, float]:
    """(b) one APScheduler job per notice in a SQLAlchemy job store, run as they fall due."""
    global _job_runtime
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    from smsgateway.db import make_engine

    with fresh_runtime(root, "jobs", send_rate_per_second=0.0) as runtime:
        _job_runtime = runtime
        referral_ids = add_recipients(runtime, min(RECIPIENTS, count))
        scheduler = BackgroundScheduler(
            timezone=UTC,
            jobstores={"default": SQLAlchemyJobStore(engine=make_engine(runtime.db.url))},
            job_defaults={"misfire_grace_time": None},
        )
        scheduler.start(paused=True)
        started, cpu = time.perf_counter(), time.process_time()
        # The naive planner still writes each notice, then one job that sends it.
        with runtime.db.sessions() as session:  # the referrals' own notices are not the bench's
            before = session.scalar(select(func.max(Notice.id))) or 0
        plan_notices(runtime, referral_ids, count)
        with runtime.db.transaction() as session:  # each job claims its own notice
            ids = list(session.scalars(select(Notice.id).where(Notice.id > before)))
            session.execute(update(Notice).where(Notice.id.in_(ids)).values(state="held"))
        for notice_id in ids:
            scheduler.add_job(send_one_notice, "date", run_date=datetime.now(UTC), args=[notice_id])
        add_s = time.perf_counter() - started
        scheduler.resume()
        for _ in ids:
            _job_done.acquire()
        total_s, total_cpu_s = time.perf_counter() - started, time.process_time() - cpu
        scheduler.shutdown()
        with runtime.db.sessions() as session:
            messages = session.scalar(select(func.count()).select_from(Message))
        assert messages == count, f"{messages} messages for {count} jobs"
    return {"add_s": add_s, "total_s": total_s, "total_cpu_s": total_cpu_s}


RAW_NOTICE = (
    "INSERT INTO notices (kind, referral_id, returnee_id, contact_point_id, channel, language,"
    " payload, due_at, state, attempts, last_error, created_at)"
    " VALUES ('referral_created', ?, ?, ?, 'sms', 'fr', '{}', ?, 'planned', 0, '', ?)"
)
RAW_CLAIM = (
    "UPDATE notices SET state = 'claimed', claimed_by = 'raw', lease_expires_at = ?"
    " WHERE id IN (SELECT id FROM notices WHERE state = 'planned' AND due_at <= ?"
    " ORDER BY due_at, id LIMIT ?) RETURNING id, returnee_id, referral_id, contact_point_id"
)
RAW_MESSAGE = (
    "INSERT INTO messages (direction, channel, phone_e164, contact_point_id, returnee_id,"
    " referral_id, notice_id, kind, provider, provider_id, body, language, encoding, segments,"
    " delivery_status, error_code, created_at, updated_at) VALUES ('out', 'sms', '+221770000000',"
    " ?, ?, ?, ?, 'referral_created', 'local', ?, ?, 'fr', 'GSM-7', 2, 'delivered', '', ?, ?)"
    " RETURNING id"
)
RAW_EVENT = (
    "INSERT INTO message_status_events (message_id, status, error_code, created_at)"
    " VALUES (?, 'delivered', '', ?)"
)
RAW_SENT = (
    "UPDATE notices SET state = 'sent', sent_at = ?, attempts = 1, lease_expires_at = NULL"
    " WHERE id = ?"
)


def bench_raw_floor(root: Path, count: int, batch: int) -> dict[str, float]:
    """(c) the same rows written with sqlite3 alone: plan, then claim/record/complete batches."""
    with fresh_runtime(root, "raw") as runtime:
        add_recipients(runtime, RECIPIENTS)
        path = runtime.settings.sqlalchemy_url.removeprefix("sqlite:///")
    stamp = NOW.replace(tzinfo=None).isoformat(sep=" ")
    body = "Bonjour. Vous etes oriente vers Centre. Premier RDV : jeudi. Ref R1001." * 2
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    recipients = connection.execute(
        "SELECT r.id, r.returnee_id, c.id FROM referrals r JOIN contact_points c"
        " ON c.returnee_id = r.returnee_id"
    ).fetchall()
    started = time.perf_counter()
    for start in range(0, count, PLAN_CHUNK):
        rows = [
            (*recipients[n % len(recipients)], stamp, stamp)
            for n in range(start, min(start + PLAN_CHUNK, count))
        ]
        with connection:
            connection.execute("BEGIN")
            connection.executemany(RAW_NOTICE, rows)
    plan_s = time.perf_counter() - started
    started = time.perf_counter()
    sent = 0
    while True:
        connection.execute("BEGIN")
        claimed = connection.execute(RAW_CLAIM, (stamp, stamp, batch)).fetchall()
        connection.execute("COMMIT")
        if not claimed:
            break
        connection.execute("BEGIN")
        for notice_id, returnee_id, referral_id, point_id in claimed:
            message_id = connection.execute(
                RAW_MESSAGE,
                (
                    point_id,
                    returnee_id,
                    referral_id,
                    notice_id,
                    f"LO{notice_id}",
                    body,
                    stamp,
                    stamp,
                ),
            ).fetchone()[0]
            connection.execute(RAW_EVENT, (message_id, stamp))
        connection.executemany(RAW_SENT, [(stamp, row[0]) for row in claimed])
        connection.execute("COMMIT")
        sent += len(claimed)
    dispatch_s = time.perf_counter() - started
    connection.close()
    assert sent == count
    return {"plan_s": plan_s, "dispatch_s": dispatch_s}


class FakeProviderTransport:
    """The real `twilio` client against the fake API, behind our transport interface."""

    slug = "twilio"

    def __init__(self, client: Any) -> None:
        self.client = client

    def send(self, message: OutboundMessage) -> SendResult:
        from twilio.base.exceptions import TwilioRestException

        try:
            created = self.client.messages.create(
                to=message.to, from_="+15005550006", body=message.body
            )
        except TwilioRestException as exc:
            if exc.status == 429 or exc.status >= 500:
                raise TemporaryFailure("provider busy", str(exc.code or exc.status)) from exc
            raise PermanentFailure("provider refused", str(exc.code)) from exc
        return SendResult(provider_id=created.sid, status="queued")


def bench_provider(root: Path, count: int, settings: dict[str, Any]) -> dict[str, float]:
    """(d) dispatch through the fake provider: 50 ms per call, 100 messages/s cap."""
    from smsgateway.fakes.twilio_api import FakeTwilio
    from smsgateway.transports.twilio_http import make_twilio_client

    with fresh_runtime(root, "provider", **settings) as runtime, FakeTwilio() as fake:
        fake.set_latency(0.05)
        fake.rate_limit(100)
        client = make_twilio_client(fake.account_sid, fake.auth_token, api_base=fake.url)
        # As many pooled connections as calls in flight: past the pool, each call opens a new
        # connection, whose set-up time jitters the moments the provider counts.
        pool = HTTPAdapter(pool_maxsize=runtime.settings.dispatch_concurrency)
        client.http_client.session.mount("http://", pool)
        transport = FakeProviderTransport(client)
        plan_notices(runtime, add_recipients(runtime, RECIPIENTS), count)
        started = time.perf_counter()
        report = dispatch_until_idle(
            runtime.db, transport, runtime.settings, clock=lambda: NOW, max_rounds=10**6
        )
        elapsed = time.perf_counter() - started
        accepted = fake.sent_messages()
        moments = sorted(m.at for m in accepted)
    return {
        "sent": report.sent,
        "retried": report.retried,
        "accepted": len(accepted),
        "wall_per_s": report.sent / elapsed,
        "sustained_per_s": (len(moments) - 1) / (moments[-1] - moments[0]),
        "max_in_any_second": fake.max_messages_in_any_second(),
    }


def machine() -> dict[str, str]:
    return {
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=100_000, help="N for (a) and (c)")
    parser.add_argument("--jobs", type=int, default=6_000, help="N for (b)")
    parser.add_argument("--provider", type=int, default=1_500, help="N for (d)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    defaults = Settings()
    # As a worker does once it has started (smsgateway.heap); every part below runs after it.
    freeze_startup_objects()
    root = Path(tempfile.mkdtemp(prefix="smsgateway-bench-"))
    try:
        print("machine:", machine(), flush=True)
        ours = bench_ours(root, args.notices)
        print("(a) ours:", ours, flush=True)
        naive = bench_job_per_notice(root, args.jobs)
        print("(b) job per notice:", naive, flush=True)
        floor = bench_raw_floor(root, args.notices, defaults.dispatch_batch_size)
        print("(c) raw floor:", floor, flush=True)
        provider = bench_provider(
            root,
            args.provider,
            {"send_rate_per_second": 100.0, "dispatch_concurrency": defaults.dispatch_concurrency},
        )
        print("(d) provider:", provider, flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    ours_per_notice = (ours["plan_s"] + ours["dispatch_s"]) / args.notices
    ours_cpu_per_notice = (ours["plan_cpu_s"] + ours["dispatch_cpu_s"]) / args.notices
    print(
        json.dumps(
            {
                "notices": args.notices,
                "dispatch_per_s": round(args.notices / ours["dispatch_s"], 1),
                "plan_s": round(ours["plan_s"], 2),
                "plan_cpu_s": round(ours["plan_cpu_s"], 2),
                "dispatch_cpu_per_s": round(args.notices / ours["dispatch_cpu_s"], 1),
                "vs_job_per_notice": round(naive["total_s"] / args.jobs / ours_per_notice, 1),
                "vs_job_per_notice_cpu": round(
                    naive["total_cpu_s"] / args.jobs / ours_cpu_per_notice, 1
                ),
                "vs_raw_floor": round(
                    ours_per_notice / ((floor["plan_s"] + floor["dispatch_s"]) / args.notices), 2
                ),
                "provider_sustained_per_s": round(provider["sustained_per_s"], 1),
                "provider_max_in_any_second": provider["max_in_any_second"],
                "peak_rss_mb": round(ours["peak_rss_mb"], 1),
                # The machine's load at the end: figures from a shared machine are pessimistic.
                "load_avg_1m": round(os.getloadavg()[0], 1),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
