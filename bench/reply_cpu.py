"""CPU per reply in one process (a probe, not a timed test): `python bench/reply_cpu.py`.

Same set-up as bench/webhooks.py (production settings, SQLite in a temporary instance folder,
returnees with a sent and delivered reminder, signed "1"s), without the load: the replies are
POSTed one at a time through Flask's test client to the app created in this process, and the
process's CPU time (`time.process_time`, which a busy machine does not inflate the way it does
wall time) is read over `--rounds` rounds of `--per-round` replies after `--warm-up` replies.
Run it from two trees alternately (`PYTHONPATH=<tree> python <tree>/bench/reply_cpu.py`) to
compare two versions in the same minutes. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.webhooks import (  # noqa: E402
    PATH,
    app_environment,
    app_in_process,
    migrate,
    seed,
    signed_replies,
)
from smsgateway.fakes.twilio_api import FakeTwilio  # noqa: E402
from smsgateway.runtime import get_runtime  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--returnees", type=int, default=3600, help="seeded")
    parser.add_argument("--warm-up", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="then profile this many replies")
    parser.add_argument("--verbose", action="store_true", help="print the profile's top functions")
    parser.add_argument(
        "--replies", choices=("inline", "queued"), default="inline", help="the webhook's mode"
    )
    args = parser.parse_args()
    needed = args.warm_up + args.rounds * args.per_round + args.profile
    root = Path(tempfile.mkdtemp(prefix="reply-cpu-"))
    try:
        with FakeTwilio() as fake:
            environ = app_environment(
                root / "instance", fake, scheduler=False, replies=args.replies
            )
            migrate(environ)
            phones = seed(environ, max(args.returnees, needed))
            replies = signed_replies(phones[:needed], fake)
            app = app_in_process(environ)
            client = app.test_client()
            for reply in replies[: args.warm_up]:
                client.post(PATH, data=reply.body, headers=reply.headers)
            rounds = []
            calls = None
            for number in range(args.rounds):
                start = args.warm_up + number * args.per_round
                batch = replies[start : start + args.per_round]
                started = time.process_time()
                for reply in batch:
                    response = client.post(PATH, data=reply.body, headers=reply.headers)
                    if response.status_code != 200:
                        raise RuntimeError(f"reply answered {response.status_code}")
                rounds.append((time.process_time() - started) / len(batch) * 1000)
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for reply in replies[needed - args.profile :]:
                    client.post(PATH, data=reply.body, headers=reply.headers)
                profile.disable()
                (ROOT / "bench" / "results").mkdir(exist_ok=True)
                profile.dump_stats(str(ROOT / "bench" / "results" / "reply_cpu.prof"))
                stats = pstats.Stats(profile, stream=io.StringIO())
                calls = stats.total_calls / args.profile  # type: ignore[attr-defined]
                if args.verbose:
                    for order in ("tottime", "cumulative"):
                        out = io.StringIO()
                        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(50)
                        print(out.getvalue())
            get_runtime(app).db.dispose()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    revision = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(
        json.dumps(
            {
                "tree": str(ROOT),
                "revision": revision,
                "replies_mode": args.replies,
                "cpu_ms_per_reply": round(statistics.median(rounds), 2),
                # The least disturbed round: on a shared machine the others carry its noise.
                "cpu_ms_min": round(min(rounds), 2),
                "rounds_ms": [round(value, 2) for value in rounds],
                "function_calls_per_reply": round(calls) if calls is not None else None,
                "load_avg_1m": round(os.getloadavg()[0], 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
