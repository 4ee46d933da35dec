"""Console benchmark (a benchmark, not a timed test): run `python bench/console.py`.

Seeds a caseload on SQLite in a temporary instance folder (migrated with Alembic): by default
50,000 returnees (each with a number, one in five with a proxy too) and 100,000 referrals over
10 partners, in every status, with their first events, three notices each (one sent, two
planned), the messages of the sent ones, stalled tasks and unreachable flags. Then, logged in
as a caseworker through Flask's test client (whole requests: routing, queries, templates), it
times each page `--repeat` times with varied arguments and prints the median and p95 of:

- the referral list (`/referrals/list`, first pages);
- a filtered list (status + partner + service, due this week, stalled, unreachable, in turn);
- a search (a name, a case reference, phone digits, a partner; on referrals and returnees);
- a referral page (`/referrals/<reference>`, its timeline).

The naive comparison, measured in the same run: the same filtered lists and searches with the
indexes that migration 0010 adds for them dropped.

`seed_caseload(runtime, returnees=..., referrals=...)` is importable, so other pages (the
managers' dashboard) can be timed on the same data. The last line printed is one JSON object;
docs/benchmarks.md records runs and the machine.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from smsgateway import create_app, migrations
from smsgateway.models import (
    ContactPoint,
    Message,
    Notice,
    Partner,
    Referral,
    ReferralEvent,
    Returnee,
    Task,
)
from smsgateway.runtime import Runtime, get_runtime
from smsgateway.users import create_user

STATUSES = (
    ["referred"] * 5
    + ["confirmed"] * 3
    + ["attended", "enrolled", "no_show", "declined"]
    + ["completed", "cancelled", "reschedule_requested", "ineligible"]
)
SERVICES = ("vocational_training", "business_support", "housing", "legal", "education", "medical")
NAMES = ("Awa", "Moussa", "Fatou", "Ibrahima", "Aminata", "Ousmane", "Mariama", "Cheikh")
SURNAMES = ("Diop", "Ndiaye", "Sow", "Fall", "Ba", "Diallo", "Faye", "Sarr", "Gueye", "Kane")
LANGUAGES = ("fr", "wo", "en", "ff", "ar")
CHUNK = 10_000
PASSWORD = "bench-" + "caseworker"  # a throwaway account in a temporary database


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(runtime: Runtime, model: type[Any], rows: list[dict[str, Any]]) -> None:
    with runtime.db.transaction() as session:
        for chunk in _chunks(rows):
            session.execute(insert(model), chunk)


def seed_caseload(
    runtime: Runtime, *, returnees: int = 50_000, referrals: int = 100_000, seed: int = 14
) -> datetime:
    """Fill an empty, migrated database with a caseload of this size; returns its `now`.

    Rows go in with bulk inserts (the domain functions plan notices one referral at a time,
    which would make seeding, not the pages, the slow part); they look like what the domain
    writes: references `R{1000+id}`, a first event per referral, notices and messages.
    """
    rng = random.Random(seed)
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    _insert(
        runtime,
        Partner,
        [
            {
                "id": p,
                "name": f"Partner {p} {SURNAMES[p % len(SURNAMES)]}",
                "display_name": f"Centre {p}",
                "service_categories": [
                    SERVICES[p % len(SERVICES)],
                    SERVICES[(p + 1) % len(SERVICES)],
                ],
                "created_at": now,
            }
            for p in range(1, 11)
        ],
    )
    people, points = [], []
    for i in range(1, returnees + 1):
        people.append(
            {
                "id": i,
                "case_reference": f"SN-{i:06d}",
                "first_name": rng.choice(NAMES),
                "last_name": f"{rng.choice(SURNAMES)} {i}",
                "preferred_language": rng.choice(LANGUAGES),
                "fallback_languages": "fr,en",
                "preferred_channel": "sms" if i % 5 else "whatsapp",
                "time_zone": "Africa/Dakar",
                "unreachable_flagged_at": now if i % 97 == 0 else None,
                "unreachable_reason": "no_answer_after_proxy" if i % 97 == 0 else "",
                "is_sensitive": i % 50 == 0,
                "created_at": now,
                "updated_at": now,
            }
        )
        points.append(
            {
                "id": i,
                "returnee_id": i,
                "phone_e164": f"+2217{i:08d}",
                "reachability": "unreachable" if i % 61 == 0 else "reachable",
                "created_at": now,
            }
        )
        if i % 5 == 0:
            points.append(
                {
                    "id": returnees + i,
                    "returnee_id": i,
                    "phone_e164": f"+2216{i:08d}",
                    "is_proxy": True,
                    "proxy_relation": "brother",
                    "created_at": now,
                }
            )
    _insert(runtime, Returnee, people)
    _insert(runtime, ContactPoint, points)
    refs, events, notices, messages, tasks = [], [], [], [], []
    for r in range(1, referrals + 1):
        returnee_id = (r - 1) % returnees + 1
        partner = rng.randint(1, 10)
        created = now - timedelta(days=rng.randint(0, 120))
        appointment = created + timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 8))
        refs.append(
            {
                "id": r,
                "reference": f"R{1000 + r}",
                "returnee_id": returnee_id,
                "partner_id": partner,
                "service_category": SERVICES[(partner + r % 2) % len(SERVICES)],
                "is_sensitive": False,
                "status": rng.choice(STATUSES),
                "appointment_at": appointment if r % 4 else None,
                "appointment_place": f"Office {partner}",
                "created_by": "bench",
                "created_at": created,
                "updated_at": created,
            }
        )
        events.append(
            {
                "referral_id": r,
                "old_status": None,
                "new_status": "referred",
                "source": "caseworker",
                "actor": "bench",
                "created_at": created,
            }
        )
        for n, (kind, due, state) in enumerate(
            (
                ("referral_created", created, "sent"),
                ("appointment_reminder", appointment - timedelta(days=1), "planned"),
                ("referral_followup", created + timedelta(days=30), "planned"),
            )
        ):
            notice_id = (r - 1) * 3 + n + 1
            notices.append(
                {
                    "id": notice_id,
                    "kind": kind,
                    "referral_id": r,
                    "returnee_id": returnee_id,
                    "contact_point_id": returnee_id,
                    "channel": "sms",
                    "language": "fr",
                    "payload": {},
                    "due_at": due,
                    "state": state,
                    "sent_at": due if state == "sent" else None,
                    "created_at": created,
                }
            )
            if state == "sent":
                messages.append(
                    {
                        "direction": "out",
                        "channel": "sms",
                        "phone_e164": f"+2217{returnee_id:08d}",
                        "contact_point_id": returnee_id,
                        "returnee_id": returnee_id,
                        "referral_id": r,
                        "notice_id": notice_id,
                        "kind": kind,
                        "provider": "local",
                        "provider_id": f"LO{r:09d}",
                        "body": f"Bonjour, vous avez été orienté(e). Ref R{1000 + r}.",
                        "language": "fr",
                        "encoding": "GSM-7",
                        "segments": 1,
                        "delivery_status": "delivered",
                        "created_at": due,
                        "updated_at": due,
                    }
                )
        if r % 40 == 0:
            tasks.append(
                {
                    "referral_id": r,
                    "rule": "stalled",
                    "anchor_at": created,
                    "state": "open" if r % 80 else "flagged",
                    "due_at": now + timedelta(days=2),
                    "flag": "" if r % 80 else "no_response",
                    "created_at": created,
                }
            )
    _insert(runtime, Referral, refs)
    _insert(runtime, ReferralEvent, events)
    _insert(runtime, Notice, notices)
    _insert(runtime, Message, messages)
    _insert(runtime, Task, tasks)
    with runtime.db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return now


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    """Milliseconds of each call."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def pages(rng: random.Random, referrals: int, returnees: int) -> dict[str, Callable[[], str]]:
    """Each timed operation: a function giving the next URL (varied arguments)."""
    filters = [
        lambda: f"/referrals/list?status=confirmed&partner={rng.randint(1, 10)}",
        lambda: f"/referrals/list?service={rng.choice(SERVICES)}&status=referred",
        lambda: "/referrals/list?due=week",
        lambda: "/referrals/list?stalled=on",
        lambda: "/referrals/list?unreachable=on",
    ]
    searches = [
        lambda: f"/referrals/list?q={rng.choice(SURNAMES)}+{rng.randint(1, returnees)}",
        lambda: f"/referrals/list?q=SN-{rng.randint(1, returnees):06d}",
        lambda: f"/referrals/list?q={rng.randint(1, returnees):08d}",
        lambda: f"/referrals/list?q=Partner+{rng.randint(1, 10)}",
        lambda: f"/returnees/?q={rng.choice(NAMES)}",
        lambda: f"/returnees/?q=7{rng.randint(1, returnees):08d}",
    ]
    cycle = {"filter": 0, "search": 0}

    def next_of(name: str, choices: list[Callable[[], str]]) -> Callable[[], str]:
        def pick() -> str:
            cycle[name] += 1
            return choices[cycle[name] % len(choices)]()

        return pick

    return {
        "referral_list": lambda: f"/referrals/list?page={rng.randint(1, 5)}",
        "filtered_list": next_of("filter", filters),
        "search": next_of("search", searches),
        "referral_page": lambda: f"/referrals/R{1000 + rng.randint(1, referrals)}",
    }


def measure(client: Any, urls: dict[str, Callable[[], str]], repeat: int) -> dict[str, Any]:
    results = {}
    for name, url in urls.items():

        def call(url: Callable[[], str] = url) -> None:
            response = client.get(url())
            assert response.status_code == 200, response.status_code

        call()  # warm the caches (templates, statements) once
        results[name] = summary(timed(call, repeat))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--returnees", type=int, default=50_000)
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=60, help="requests per operation")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="smsgateway-bench-console-"))
    try:
        app = create_app({"instance_path": root, "env": "test", "scheduler": False})
        runtime = get_runtime(app)
        migrations.upgrade(runtime.settings.sqlalchemy_url)
        started = time.perf_counter()
        now = seed_caseload(runtime, returnees=args.returnees, referrals=args.referrals)
        seed_s = time.perf_counter() - started
        runtime.clock = lambda: now
        with runtime.db.transaction() as session:
            create_user(session, now, username="bench", role="caseworker", password=PASSWORD)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        login = client.post(
            "/login", data={"csrf_token": token, "username": "bench", "password": PASSWORD}
        )
        assert login.status_code == 303, login.status_code
        urls = pages(random.Random(1), args.referrals, args.returnees)
        indexed = measure(client, urls, args.repeat)
        with runtime.db.engine.connect() as connection:
            connection.execute(text("DROP INDEX ix_referrals_appointment_at"))
            connection.execute(text("DROP INDEX ix_referrals_service_category"))
            connection.execute(text("ANALYZE"))
            connection.commit()
        naive_urls = pages(random.Random(1), args.referrals, args.returnees)
        naive = measure(
            client, {k: naive_urls[k] for k in ("filtered_list", "search")}, args.repeat
        )
        runtime.db.dispose()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"seeded {args.returnees} returnees and {args.referrals} referrals in {seed_s:.1f} s")
    for name, figures in indexed.items():
        line = f"{name:15} median {figures['median_ms']:7.1f} ms   p95 {figures['p95_ms']:7.1f} ms"
        if name in naive:
            line += f"   (without 0010's indexes: p95 {naive[name]['p95_ms']:.1f} ms)"
        print(line)
    print(
        json.dumps(
            {
                "returnees": args.returnees,
                "referrals": args.referrals,
                "repeat": args.repeat,
                "seed_s": round(seed_s, 1),
                "pages": indexed,
                "without_indexes": naive,
            }
        )
    )
    worst = max(figures["p95_ms"] for figures in indexed.values())
    return 0 if worst <= 200 else 1


if __name__ == "__main__":
    sys.exit(main())
