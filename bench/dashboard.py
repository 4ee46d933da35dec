"""Dashboard benchmark (a benchmark, not a timed test): run `python bench/dashboard.py`.

Seeds N referrals (default 100,000) over the last 180 days on SQLite, with the rows the
dashboard reads: each referral's events (three on average), its returnee and number, two
outbound messages and a reply for some, a question, review items, opt-outs, flags. The rows are
written in bulk with SQLAlchemy Core, shaped as the domain writes them (the dashboard only reads
them; seeding 100,000 referrals through `create_referral` alone takes minutes, see the import
benchmark).

Then it measures, over `--runs` requests:
(a) the dashboard page (`GET /manager/?days=180`, 180 days, every partner) as a logged-in
    manager through Flask's test client: figures, SVG charts and tables; median and p95;
(b) the same with a partner filter;
(c) the naive way: every referral of the period loaded as ORM objects with its events and
    counted in Python, on a slice, extrapolated to N.
The last line printed is one JSON object; docs/benchmarks.md records runs and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from smsgateway import create_app, migrations
from smsgateway.dashboard import DashboardFilter, build_dashboard, last_days
from smsgateway.models import (
    ContactPoint,
    Message,
    Notice,
    Partner,
    Referral,
    ReferralEvent,
    Returnee,
    ReviewItem,
)
from smsgateway.models.reachability import ReachabilityEvent
from smsgateway.referrals import ENROLLED_STAGE, FUNNEL_STAGE, Status
from smsgateway.runtime import get_runtime
from smsgateway.users import create_user

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PARTNERS = 12
SERVICES = ("vocational_training", "medical", "mental_health", "business_grant", "housing")
LANGUAGES = ("fr", "wo", "en", "pcm", "ar", "ff")
CHANNELS = ("sms", "sms", "sms", "whatsapp", "voice")
PATHS = (
    ("confirmed", "attended", "enrolled"),
    ("confirmed", "attended", "enrolled", "completed"),
    ("confirmed",),
    ("declined",),
    ("ineligible",),
    ("confirmed", "no_show"),
    ("confirmed", "attended", "dropped_out"),
    (),
)
CHUNK = 5000
PASSWORD = "bench-bench-1"  # noqa: S105 -- a throwaway account in a temporary database


def seed(runtime: Any, count: int, rng: random.Random) -> None:
    """`count` referrals over the last 180 days, in bulk."""
    db = runtime.db
    with db.transaction() as session:
        for n in range(PARTNERS):
            session.add(
                Partner(name=f"Partner {n}", service_categories=list(SERVICES), created_at=NOW)
            )
    with db.engine.begin() as connection:
        for start in range(0, count, CHUNK):
            _seed_chunk(connection, range(start, min(count, start + CHUNK)), rng)


def _seed_chunk(connection: Any, ids: range, rng: random.Random) -> None:
    returnees, points, referrals, events, messages, notices, reviews, stops = ([] for _ in range(8))
    for i in ids:
        rid = i + 1
        created = NOW - timedelta(days=rng.uniform(0, 180))
        language = rng.choice(LANGUAGES)
        flagged = created + timedelta(days=5) if rng.random() < 0.04 else None
        returnees.append(
            {
                "id": rid,
                "case_reference": f"B-{rid:07d}",
                "preferred_language": language,
                "time_zone": "Africa/Dakar",
                "unreachable_flagged_at": flagged,
                "created_at": created,
                "updated_at": created,
            }
        )
        phone = f"+22177{rid:07d}"
        points.append({"id": rid, "returnee_id": rid, "phone_e164": phone, "created_at": created})
        path = rng.choice(PATHS)
        status, moment, stage, enrolled_at = "referred", created, 0, None
        events.append(_event(rid, None, "referred", created))
        for new in path:
            moment = moment + timedelta(days=rng.uniform(0.5, 20))
            if moment > NOW:
                break
            events.append(_event(rid, status, new, moment))
            status = new
            stage = max(stage, FUNNEL_STAGE.get(Status(new), 0))
            if stage == ENROLLED_STAGE and enrolled_at is None:
                enrolled_at = moment
        referrals.append(
            {
                "id": rid,
                "reference": f"R{1000 + rid}",
                "returnee_id": rid,
                "partner_id": rng.randrange(PARTNERS) + 1,
                "service_category": rng.choice(SERVICES),
                "status": status,
                "created_by": "bench",
                "created_at": created,
                "updated_at": moment,
                "status_changed_at": moment,
                "furthest_stage": stage,
                "enrolled_at": enrolled_at,
            }
        )
        channel = rng.choice(CHANNELS)
        for k in range(2):
            sent = created + timedelta(hours=1 + 24 * k)
            state = rng.choice(("delivered", "delivered", "read", "undelivered", "sent"))
            messages.append(_message(rid, phone, "out", channel, language, state, sent))
        if path and path[0] == "confirmed":
            messages.append(_message(rid, phone, "in", channel, language, "received", created))
        asked = created + timedelta(hours=2)
        notices.append(
            {
                "kind": "appointment_reminder",
                "referral_id": rid,
                "returnee_id": rid,
                "contact_point_id": rid,
                "channel": channel,
                "language": language,
                "question": "appointment",
                "payload": {},
                "due_at": asked,
                "state": "sent",
                "sent_at": asked,
                "answered_at": asked + timedelta(hours=3) if path else None,
                "created_at": created,
            }
        )
        if rng.random() < 0.02:
            resolved = created + timedelta(days=1) if rng.random() < 0.5 else None
            reviews.append(
                {
                    "referral_id": rid,
                    "returnee_id": rid,
                    "reason": "unclear",
                    "created_at": created,
                    "resolved_at": resolved,
                }
            )
        if rng.random() < 0.01:
            stops.append(
                {
                    "contact_point_id": rid,
                    "state": "opted_out",
                    "reason": "stop",
                    "created_at": created,
                }
            )
    for model, rows in (
        (Returnee, returnees),
        (ContactPoint, points),
        (Referral, referrals),
        (ReferralEvent, events),
        (Message, messages),
        (Notice, notices),
        (ReviewItem, reviews),
        (ReachabilityEvent, stops),
    ):
        if rows:
            connection.execute(insert(model), rows)


def _event(rid: int, old: str | None, new: str, at: datetime) -> dict[str, Any]:
    return {
        "referral_id": rid,
        "old_status": old,
        "new_status": new,
        "source": "system",
        "created_at": at,
    }


def _message(
    rid: int, phone: str, direction: str, channel: str, language: str, state: str, at: datetime
) -> dict[str, Any]:
    return {
        "direction": direction,
        "channel": channel,
        "phone_e164": phone,
        "contact_point_id": rid,
        "returnee_id": rid,
        "referral_id": rid,
        "provider": "local",
        "language": language,
        "delivery_status": state,
        "created_at": at,
        "updated_at": at,
    }


CPU: list[float] = []  # process CPU time of each timed call, ms (load on the machine aside)


def timed(call: Any, runs: int) -> list[float]:
    found = []
    for _ in range(runs):
        began, cpu = time.perf_counter(), time.process_time()
        call()
        found.append((time.perf_counter() - began) * 1000)
        CPU.append((time.process_time() - cpu) * 1000)
    return found


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def naive(runtime: Any, share: float) -> float:
    """Milliseconds for the naive way on a slice of the referrals, extrapolated to all."""
    with runtime.db.sessions() as session:
        limit = int(session.scalar(select(Referral.id).order_by(Referral.id.desc()).limit(1)) or 0)
        sliced = int(limit * share)
        began = time.perf_counter()
        referrals = session.scalars(
            select(Referral)
            .where(Referral.id <= sliced)
            .options(selectinload(Referral.events), selectinload(Referral.returnee))
        ).all()
        counts: dict[tuple[int, str], dict[str, int]] = {}
        for referral in referrals:
            seen = {event.new_status for event in referral.events}
            row = counts.setdefault((referral.partner_id, referral.service_category), {})
            for status in seen:
                row[status] = row.get(status, 0) + 1
        return (time.perf_counter() - began) * 1000 / share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--naive-share", type=float, default=0.1)
    args = parser.parse_args()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as root:
        app = create_app({"instance_path": Path(root) / "i", "env": "test", "scheduler": False})
        runtime = get_runtime(app)
        migrations.upgrade(runtime.settings.sqlalchemy_url)
        began = time.perf_counter()
        seed(runtime, args.referrals, rng)
        with runtime.db.transaction() as session:
            create_user(session, NOW, username="bench", role="manager", password=PASSWORD)
        print(f"seeded {args.referrals} referrals in {time.perf_counter() - began:.1f} s")
        runtime.clock = lambda: NOW
        client = app.test_client()
        _log_in(client)
        url = "/manager/?days=180"
        assert client.get(url).status_code == 200
        page = timed(lambda: client.get(url), args.runs)
        page_cpu = list(CPU)
        filtered = timed(lambda: client.get(url + "&partner=3"), args.runs)
        with runtime.db.sessions() as session:
            filters = DashboardFilter(last_days(NOW, 180, "Africa/Dakar"))
            figures = timed(lambda: build_dashboard(session, filters, now=NOW), args.runs)
        naive_ms = naive(runtime, args.naive_share)
        runtime.db.dispose()
    result = {
        "referrals": args.referrals,
        "page_median_ms": round(statistics.median(page), 1),
        "page_p95_ms": round(p95(page), 1),
        "page_cpu_median_ms": round(statistics.median(page_cpu), 1),
        "page_cpu_p95_ms": round(p95(page_cpu), 1),
        "partner_median_ms": round(statistics.median(filtered), 1),
        "partner_p95_ms": round(p95(filtered), 1),
        "figures_median_ms": round(statistics.median(figures), 1),
        "naive_ms": round(naive_ms, 1),
        "under_500_ms": p95(page) <= 500,
        "load_average": round(os.getloadavg()[0], 1),
    }
    print(f"(a) page: median {result['page_median_ms']} ms, p95 {result['page_p95_ms']} ms")
    print(
        f"    CPU time of the process per page: median {result['page_cpu_median_ms']} ms,"
        f" p95 {result['page_cpu_p95_ms']} ms"
    )
    print(f"(b) partner: median {result['partner_median_ms']} ms, p95 {result['partner_p95_ms']}")
    print(f"    figures alone: median {result['figures_median_ms']} ms")
    print(f"(c) naive, ORM objects counted in Python: {result['naive_ms']} ms (extrapolated)")
    print(json.dumps(result))


def _log_in(client: Any) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    data = {"csrf_token": token.group(1), "username": "bench", "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 303


if __name__ == "__main__":
    main()
