"""Where a reply's time goes (a probe, not a timed test): `python bench/reply_profile.py`.

Same set-up as bench/webhooks.py (production settings, SQLite in a temporary instance folder,
returnees with a sent and delivered reminder, signed "1"s). Then:

1. **CPU in one process**: replies POSTed one at a time through Flask's test client to the app
   created in this process: CPU seconds per reply (`time.process_time`, no profiler), then a
   cProfile of more replies (top functions by own time).
2. **Wall against CPU under load**: the same gunicorn command as the benchmark (`--workers`,
   `--threads`), with hooks in each worker (`bench/reply_profile_conf.py`) that add up, per
   request, wall time and the thread's CPU time, and per SQL statement kind (BEGIN, INSERT,
   SELECT...) and per COMMIT, the same two; plus the workers' CPU from /proc. Wall time that
   is not CPU inside an INSERT/UPDATE/BEGIN is mostly waiting for SQLite's write lock.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.webhooks import (  # noqa: E402
    PATH,
    PYTHON,
    Reply,
    app_environment,
    app_in_process,
    free_port,
    migrate,
    percentile,
    run_load,
    seed,
    signed_replies,
    wait_until_listening,
)
from smsgateway.fakes.twilio_api import FakeTwilio  # noqa: E402
from smsgateway.runtime import get_runtime  # noqa: E402


def in_process(environ: dict[str, str], timed: list[Reply], profiled: list[Reply]) -> dict:
    app = app_in_process(environ)
    client = app.test_client()

    def send(reply: Reply) -> None:
        response = client.post(PATH, data=reply.body, headers=reply.headers)
        if response.status_code != 200:
            raise RuntimeError(f"reply answered {response.status_code}")

    for reply in timed[:20]:  # warm up: statements built, modules imported
        send(reply)
    started_cpu, started = time.process_time(), time.perf_counter()
    for reply in timed[20:]:
        send(reply)
    cpu = (time.process_time() - started_cpu) / len(timed[20:])
    wall = (time.perf_counter() - started) / len(timed[20:])
    profile = cProfile.Profile()
    profile.enable()
    for reply in profiled:
        send(reply)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
    print(out.getvalue())
    get_runtime(app).db.dispose()
    return {"cpu_ms": round(cpu * 1000, 2), "wall_ms": round(wall * 1000, 2)}


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def under_load(environ: dict[str, str], replies: list[Reply], args: argparse.Namespace) -> dict:
    stats_dir = Path(tempfile.mkdtemp(prefix="reply-profile-"))
    port = free_port()
    log = stats_dir / "gunicorn.log"
    command = [
        str(PYTHON),
        "-m",
        "gunicorn",
        "--config",
        "python:bench.reply_profile_conf",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--bind",
        f"127.0.0.1:{port}",
        "smsgateway.wsgi:app",
    ]
    env = {**environ, "REPLY_PROFILE_DIR": str(stats_dir)}
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log_file, stderr=log_file)
        try:
            wait_until_listening(port, process, log)
            time.sleep(1.0)
            pids = worker_pids(process.pid)
            before = sum(cpu_seconds(pid) for pid in pids)
            load = run_load(port, replies, args.clients, args.seconds)
            after = sum(cpu_seconds(pid) for pid in pids)
        finally:
            process.terminate()
            process.wait(timeout=20)
    totals: dict[str, list[float]] = {}
    for path in stats_dir.glob("stats-*.json"):
        for key, (count, wall, cpu) in json.loads(path.read_text()).items():
            entry = totals.setdefault(key, [0, 0.0, 0.0])
            entry[0] += count
            entry[1] += wall
            entry[2] += cpu
    shutil.rmtree(stats_dir, ignore_errors=True)
    n = len(load.latencies)
    per_reply = {
        key: {
            "count": round(count / n, 2),
            "wall_ms": round(wall / n * 1000, 2),
            "cpu_ms": round(cpu / n * 1000, 2),
        }
        for key, (count, wall, cpu) in sorted(totals.items())
    }
    return {
        "replies": n,
        "per_s": round(load.per_s, 1),
        "errors": load.errors,
        "p50_ms": round(percentile(load.latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(load.latencies, 0.99) * 1000, 1),
        "worker_cpu_ms_per_reply": round((after - before) / n * 1000, 2) if n else None,
        "worker_wall_ms_per_reply": round(args.workers * load.seconds / n * 1000, 2) if n else None,
        "per_reply": per_reply,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--returnees", type=int, default=3000, help="replies under load")
    parser.add_argument("--timed", type=int, default=300, help="replies timed in process")
    parser.add_argument("--profiled", type=int, default=300, help="replies profiled in process")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="reply-profile-"))
    try:
        with FakeTwilio() as fake:
            environ = app_environment(root / "instance", fake, scheduler=False)
            migrate(environ)
            phones = seed(environ, args.returnees + args.timed + args.profiled)
            everyone = signed_replies(phones, fake)
            timed = everyone[: args.timed]
            profiled = everyone[args.timed : args.timed + args.profiled]
            loaded = everyone[args.timed + args.profiled :]
            one = in_process(environ, timed, profiled)
            print("in process:", one, flush=True)
            load = under_load(environ, loaded, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(
        json.dumps(
            {
                "in_process": one,
                "under_load": load,
                "workers": args.workers,
                "threads": args.threads,
                "load_avg_1m": round(os.getloadavg()[0], 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
