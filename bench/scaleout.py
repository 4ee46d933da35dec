"""Scale-out benchmark (a benchmark, not a timed test): run `python bench/scaleout.py`.

Four `smsgateway worker` processes dispatch one due notice per returnee through the real
`twilio` client to the fake Twilio API (50 ms per request, 100 messages/s for the whole
account, 429 above), with SMSGATEWAY_SEND_RATE_PER_SECOND=100 and 8 calls in flight in each
(`--concurrency`):

- ours: on PostgreSQL, where the processes share one send window per sender in the database;
- naive: the same four processes on SQLite, where each keeps its own window, set to the cap
  divided by the number of processes (25/s), as operators had to before.

After a while one process is killed (SIGKILL) and the others go on. Figures, from the fake's
own records: sustained rate before the kill (accepted messages / time between the first and
the last acceptance), message creations the fake refused (429: attempts over its cap), the
most creations attempted in any one second, recipients who got a message twice, the time from
the kill until the fake again accepts 95 in one second, and the rate in the ten seconds from two
seconds after the kill.
The last line printed is one JSON object; docs/benchmarks.md records runs and the machine.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from smsgateway import migrations
from smsgateway.config import load_settings
from smsgateway.fakes.twilio_api import FakeTwilio
from smsgateway.fakes.twilio_faults import max_in_any_window
from smsgateway.models import Notice, Partner, Referral, Returnee
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.partners import register_partner
from smsgateway.referrals import create_referral
from smsgateway.returnees import PhoneInput, register_returnee
from smsgateway.runtime import build_runtime

BIN = Path(sys.executable).parent
CAP = 100  # the provider's cap for the whole account, and our setting
WORKERS = 4
LATENCY = 0.05
AFTER_KILL_SECONDS = 10
SEED_CHUNK = 500
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new PostgreSQL database for this run, dropped afterwards."""
    name = f"smsgateway_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield PG_URL.format(name=name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str, instance: Path, count: int) -> None:
    """`count` returnees, one referral each, and one notice each due now (nothing else due)."""
    migrations.upgrade(url)
    settings = load_settings({}, {"instance_path": instance, "env": "test", "database_url": url})
    runtime = build_runtime(settings)
    now = datetime.now(UTC)
    try:
        with runtime.db.transaction() as session:
            partner_id = register_partner(
                session,
                now,
                name="Training Centre",
                display_name="Centre",
                service_categories=["vocational_training"],
                region="SN",
            ).id
        for start in range(0, count, SEED_CHUNK):
            with runtime.db.transaction() as session:
                partner = session.get_one(Partner, partner_id)
                for n in range(start, min(start + SEED_CHUNK, count)):
                    _add_recipient(session, partner, n, now)
        with runtime.db.transaction() as session:
            # Only the notices planned below are due; no quiet hours, so any hour of the day runs.
            session.execute(update(Notice).values(state=NoticeState.CANCELLED))
            session.execute(
                update(Returnee).values(
                    quiet_hours_start=clock_time(0), quiet_hours_end=clock_time(0)
                )
            )
            due = now - timedelta(minutes=1)
            referrals = session.scalars(select(Referral).options(selectinload(Referral.returnee)))
            for referral in referrals:
                plan_notice(
                    session,
                    kind=NoticeKind.REFERRAL_CREATED,
                    returnee=referral.returnee,
                    referral=referral,
                    due_at=due,
                    now=due,
                )
    finally:
        runtime.db.dispose()


def _add_recipient(session: Any, partner: Partner, n: int, now: datetime) -> None:
    returnee = register_returnee(
        session,
        now,
        case_reference=f"CASE-{n:06d}",
        first_name=f"Person{n}",
        phones=[PhoneInput(f"+22177{n:07d}")],
        region="SN",
        language="fr",
        time_zone="Africa/Dakar",
    )
    create_referral(
        session,
        now,
        returnee=returnee,
        partner=partner,
        service_category="vocational_training",
        created_by="bench",
        appointment_at=now + timedelta(days=3),
        appointment_place="Pikine",
    )


def worker_environment(
    url: str, instance: Path, fake: FakeTwilio, rate: float, concurrency: int
) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SMSGATEWAY_")},
        "SMSGATEWAY_ENV": "test",
        "SMSGATEWAY_INSTANCE_PATH": str(instance),
        "SMSGATEWAY_DATABASE_URL": url,
        "SMSGATEWAY_TRANSPORT": "twilio",
        "SMSGATEWAY_TWILIO_ACCOUNT_SID": fake.account_sid,
        "SMSGATEWAY_TWILIO_AUTH_TOKEN": fake.auth_token,
        "SMSGATEWAY_TWILIO_API_BASE": fake.url,
        "SMSGATEWAY_TWILIO_SMS_FROM": "+15005550006",
        "SMSGATEWAY_PUBLIC_URL": "https://sms.bench.invalid",
        "SMSGATEWAY_SEND_RATE_PER_SECOND": str(rate),
        "SMSGATEWAY_DISPATCH_INTERVAL_SECONDS": "0.5",
        "SMSGATEWAY_DISPATCH_CONCURRENCY": str(concurrency),
    }


def accepted(fake: FakeTwilio) -> int:
    # The fake's own dict, read without its lock: copying every message under the lock each
    # poll would hold up the very requests it counts.
    return len(fake.state.messages)


def run_workers(
    environ: dict[str, str], fake: FakeTwilio, count: int, kill_after: float, logs: Path
) -> float:
    """Start the workers, kill one after `kill_after` of the notices went out; return when."""
    processes = []
    for n in range(WORKERS):
        with (logs / f"worker-{n}.log").open("wb") as out:
            command = [str(BIN / "smsgateway"), "worker"]
            processes.append(subprocess.Popen(command, env=environ, stdout=out, stderr=out))
    try:
        while accepted(fake) < count * kill_after:
            if all(process.poll() is not None for process in processes):
                tail = (logs / "worker-0.log").read_text().splitlines()[-5:]
                raise RuntimeError("every worker stopped:\n" + "\n".join(tail))
            time.sleep(0.5)
        processes[0].send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        # The killed worker's claimed notices wait for their lease (README, "Delivery
        # guarantee"); the run ends when the fake has accepted nothing new for five seconds.
        last, still = accepted(fake), time.monotonic()
        while time.monotonic() - still < 5:
            time.sleep(0.5)
            if accepted(fake) != last:
                last, still = accepted(fake), time.monotonic()
        return killed_at
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            process.wait(timeout=60)


def figures(fake: FakeTwilio, killed_at: float, count: int) -> dict[str, Any]:
    messages = fake.sent_messages()
    moments = sorted(m.at for m in messages)
    before = [m for m in moments if m < killed_at]
    after = [m for m in moments if m >= killed_at]
    creations = [r for r in fake.requests() if r.method == "POST" and "Messages" in r.path]
    recipients = [m.to for m in messages]
    # The first moment after the kill from which the fake accepts 95 within one second.
    recovered = next(
        (m for i, m in enumerate(after) if bisect.bisect_left(after, m + 1) - i >= 95), None
    )
    # The ten seconds from two seconds after the kill, while every survivor still has work (later,
    # workers run out of notices one by one, and refused ones come back a minute later).
    settled = [m for m in after if killed_at + 2 <= m < killed_at + 2 + AFTER_KILL_SECONDS]
    return {
        "accepted": len(messages),
        "sustained_per_s": _rate(before),
        "max_in_any_second": fake.max_messages_in_any_second(),
        "refused_over_cap": sum(1 for r in creations if r.status == 429),
        "max_attempts_in_any_second": max_in_any_window([r.at for r in creations]),
        "duplicates": len(recipients) - len(set(recipients)),
        "recovery_s": None if recovered is None else recovered - killed_at,
        "after_kill_per_s": len(settled) / AFTER_KILL_SECONDS,
        # The killed worker's claimed notices (settled by the lease sweep once their lease runs
        # out) and those refused with 429 (retried a minute later).
        "not_yet_sent": count - len(messages),
    }


def _rate(moments: list[float]) -> float:
    return (len(moments) - 1) / (moments[-1] - moments[0]) if len(moments) > 1 else 0.0


def scenario(
    root: Path,
    name: str,
    url: str | None,
    count: int,
    rate: float,
    options: argparse.Namespace,
) -> dict[str, Any]:
    instance = root / name
    instance.mkdir()
    url = url or f"sqlite:///{instance / 'smsgateway.db'}"
    started = time.perf_counter()
    seed(url, instance, count)
    print(f"{name}: seeded {count} notices in {time.perf_counter() - started:.1f} s", flush=True)
    with FakeTwilio() as fake:
        fake.set_latency(LATENCY)
        fake.rate_limit(CAP)
        environ = worker_environment(url, instance, fake, rate, options.concurrency)
        killed_at = run_workers(environ, fake, count, options.kill_after, instance)
        return figures(fake, killed_at, count)


def machine() -> dict[str, str]:
    return {"cpus": str(os.cpu_count()), "python": platform.python_version(),
            "platform": platform.platform()}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=5000, help="notices for ours")
    parser.add_argument("--naive-notices", type=int, default=3000, help="notices for naive")
    parser.add_argument("--kill-after", type=float, default=0.5, help="share sent before the kill")
    parser.add_argument("--concurrency", type=int, default=8, help="calls in flight per worker")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="smsgateway-scaleout-"))
    try:
        print("machine:", machine(), flush=True)
        with postgres_database() as url:
            ours = scenario(root, "ours", url, args.notices, CAP, args)
        print("ours (PostgreSQL, one shared window):", ours, flush=True)
        naive = scenario(root, "naive", None, args.naive_notices, CAP / WORKERS, args)
        print(f"naive (SQLite, {CAP / WORKERS:g}/s per process):", naive, flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    summary = {
        "workers": WORKERS,
        "cap_per_s": CAP,
        "concurrency": args.concurrency,
        "notices": args.notices,
        "sustained_per_s": round(ours["sustained_per_s"], 1),
        "max_in_any_second": ours["max_in_any_second"],
        "refused_over_cap": ours["refused_over_cap"],
        "max_attempts_in_any_second": ours["max_attempts_in_any_second"],
        "duplicates": ours["duplicates"],
        "recovery_s": None if ours["recovery_s"] is None else round(ours["recovery_s"], 1),
        "after_kill_per_s": round(ours["after_kill_per_s"], 1),
        "naive_sustained_per_s": round(naive["sustained_per_s"], 1),
        "naive_after_kill_per_s": round(naive["after_kill_per_s"], 1),
        # The machine's load at the end: figures from a shared machine are pessimistic.
        "load_avg_1m": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
