"""CSV import benchmark (a benchmark, not a timed test): run `python bench/imports.py`.

Builds a programme with 5 partners on SQLite in a temporary instance folder (migrated with
Alembic), writes a CSV of N = 20,000 returnees and one of N referrals (one per returnee, each
with an appointment, so every referral gets its full plan of notices), and times:

- (a) `smsgateway import returnees FILE`'s work: `read_table` + `import_returnees`, one
  transaction, all or nothing;
- (b) `smsgateway import referrals FILE`'s work: the same for `import_referrals`, with the
  programme's notice plan (the number the issue's target is about);
  wall-clock and CPU seconds are both printed: on a shared machine the CPU time is the
  steadier figure;
- (c) the naive way, measured in the same run: the same referral rows, one transaction each
  (as one console form or one API call at a time would), for a sample of 1,000 rows,
  extrapolated to N.

The last line printed is one JSON object; docs/benchmarks.md records runs and the machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from smsgateway import migrations
from smsgateway.config import load_settings
from smsgateway.imports import import_referrals, import_returnees, read_table
from smsgateway.models import Notice, Partner, Referral, Returnee
from smsgateway.partners import register_partner
from smsgateway.referrals import create_referral
from smsgateway.runtime import build_runtime

LANGUAGES = ("Wolof", "fr", "French", "en", "Pulaar", "ar")
SERVICES = ("vocational_training", "business_support", "housing", "legal", "education")


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def returnee_rows(n: int) -> list[list[str]]:
    return [
        [
            f"BENCH-{i:06d}",
            f"Person {i}",
            f"77 {i // 10000 % 1000:03d} {i // 100 % 100:02d} {i % 100:02d}",
            LANGUAGES[i % len(LANGUAGES)] if LANGUAGES[i % len(LANGUAGES)] != "Pulaar" else "ff",
            "sms" if i % 5 else "whatsapp",
        ]
        for i in range(n)
    ]


def referral_rows(n: int, start: datetime, offset: int = 0) -> list[list[str]]:
    rows = []
    for i in range(n):
        day = start + timedelta(days=7 + (i % 60), hours=i % 8)
        partner = i % 5
        rows.append(
            [
                f"BENCH-{i + offset:06d}",
                f"Centre {partner}",
                SERVICES[partner],
                day.strftime("%d/%m/%Y %H:%M") if i % 2 else day.strftime("%Y-%m-%d %H:%M"),
                f"Office {partner}",
                "no",
            ]
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--naive", type=int, default=1_000, help="rows for the naive sample")
    args = parser.parse_args()
    n, naive_n = args.referrals, args.naive
    root = Path(tempfile.mkdtemp(prefix="smsgateway-bench-imports-"))
    try:
        settings = load_settings(
            overrides={"instance_path": root, "env": "test", "scheduler": False}
        )
        migrations.upgrade(settings.sqlalchemy_url)
        runtime = build_runtime(settings)
        now = datetime.now(UTC)
        with runtime.db.transaction() as session:
            for p in range(5):
                register_partner(
                    session, now, name=f"Centre {p}", service_categories=[SERVICES[p]], region="SN"
                )
        people = returnee_rows(n + naive_n)
        returnees_csv = csv_bytes(
            ["case_reference", "first_name", "phone", "language", "channel"], people, ";"
        )
        started = time.perf_counter()
        with runtime.db.transaction() as session:
            report = import_returnees(
                session,
                read_table(returnees_csv),
                now=now,
                actor="bench",
                region="SN",
                default_time_zone="Africa/Dakar",
            )
        returnees_s = time.perf_counter() - started
        assert report.imported == n + naive_n, report.lines()[:5]

        referrals_csv = csv_bytes(
            ["case_reference", "partner", "service", "appointment", "place", "sensitive"],
            referral_rows(n, now),
            ",",
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        with runtime.db.transaction() as session:
            report = import_referrals(
                session,
                read_table(referrals_csv),
                now=now,
                actor="bench",
                programme=runtime.programme,
            )
        referrals_s = time.perf_counter() - started
        referrals_cpu_s = time.process_time() - cpu_started
        assert report.imported == n, report.lines()[:5]
        assert not report.errors, report.lines()[:5]

        with runtime.db.sessions() as session:
            notices = session.scalar(select(func.count()).select_from(Notice)) or 0
            partners = {p.name: p.id for p in session.scalars(select(Partner))}

        # (c) naive: one transaction per referral, same domain function, same rows.
        sample = referral_rows(naive_n, now, offset=n)
        started = time.perf_counter()
        for case, partner, service, when, place, _ in sample:
            with runtime.db.transaction() as session:
                returnee = session.scalar(select(Returnee).filter_by(case_reference=case))
                assert returnee is not None
                appointment = datetime.strptime(
                    when, "%d/%m/%Y %H:%M" if "/" in when else "%Y-%m-%d %H:%M"
                ).replace(tzinfo=UTC)
                create_referral(
                    session,
                    now,
                    returnee=returnee,
                    partner=session.get(Partner, partners[partner]),  # type: ignore[arg-type]
                    service_category=service,
                    created_by="bench",
                    appointment_at=appointment,
                    appointment_place=place,
                    programme=runtime.programme,
                )
        naive_s = (time.perf_counter() - started) * n / naive_n
        with runtime.db.sessions() as session:
            referrals = session.scalar(select(func.count()).select_from(Referral)) or 0
        runtime.db.dispose()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"(a) {n + naive_n} returnees imported in {returnees_s:.1f} s")
    print(
        f"(b) {n} referrals imported in {referrals_s:.1f} s wall, {referrals_cpu_s:.1f} s CPU "
        f"({notices} notices planned)"
    )
    print(f"(c) naive, one transaction per referral: {naive_s:.1f} s for {n} (from {naive_n})")
    print(f"referrals in the database: {referrals}")
    print(
        json.dumps(
            {
                "referrals": n,
                "referrals_s": round(referrals_s, 1),
                "referrals_cpu_s": round(referrals_cpu_s, 1),
                "returnees_s": round(returnees_s, 1),
                "notices": notices,
                "naive_s": round(naive_s, 1),
                "vs_naive": round(naive_s / referrals_s, 2),
                "under_a_minute": referrals_s < 60,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
