"""Inbound reply benchmark (a benchmark, not a timed test): run `python bench/webhooks.py`.

The app runs under gunicorn on 127.0.0.1 with production settings (Twilio transport pointed at
the local fake, SQLite in a temporary instance folder, migrated with `smsgateway db upgrade`)
and the production gunicorn configuration (`smsgateway.gunicorn_conf`).
Returnees with a referral and a sent appointment reminder are seeded through the domain
functions; concurrent clients then POST one signed "1" per returnee to
`/webhooks/twilio/messages` for a fixed time. The same load then goes to `bench/bare_app.py`
(empty TwiML, no database) under the same gunicorn settings for the same time, reusing the
replies: the floor of the stack. Then
some replies are sent again (as Twilio retries), and a few returnees kept aside reply through
the same app in this process, where SQLAlchemy event hooks count the SQL statements and commits
each reply costs, and the process's CPU time per reply is read. Finally the database is checked:
one message per MessageSid, each replying returnee's referral confirmed once, by an event
linking that message.

With `--replies queued` the app runs with `SMSGATEWAY_REPLIES=queued` (the webhook only stores)
and one `smsgateway worker` process, started before the load, applies the queued replies while
it comes and after: the benchmark also times how long after the load began the last reply was
applied (`applied_per_s`), counts the statements and CPU of applying (the counted replies are
applied in this process), and the check also requires that nothing is left queued.
The last line printed is one JSON object; docs/benchmarks.md records runs and the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy import Engine, event, func, select, update

from smsgateway import create_app
from smsgateway.config import load_settings
from smsgateway.fakes.twilio_api import FakeTwilio
from smsgateway.fakes.twilio_callbacks import inbound_message_params, signed_form
from smsgateway.models import ContactPoint, Message, Notice, Referral, ReferralEvent
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.partners import register_partner
from smsgateway.referrals import Status, create_referral
from smsgateway.replies.queue import apply_queued, apply_queued_until_idle, count_queued
from smsgateway.returnees import PhoneInput, register_returnee
from smsgateway.runtime import build_runtime, get_runtime

ROOT = Path(__file__).resolve().parent.parent
# The executables of the environment running this script, whichever virtual environment it is.
BIN = Path(sys.executable).parent
PYTHON = BIN / "python"
PATH = "/webhooks/twilio/messages"
PUBLIC_URL = "https://sms.bench.invalid"
SERVICE_NUMBER = "+15005550006"
SEED_CHUNK = 500


@dataclass
class Reply:
    """One signed inbound reply, ready to POST."""

    sid: str
    phone: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Load:
    """What the clients measured in one run."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    errors: int = 0

    @property
    def per_s(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_environment(
    instance: Path, fake: FakeTwilio, scheduler: bool, replies: str = "inline"
) -> dict[str, str]:
    """Production settings: Twilio transport against the fake, SQLite in the instance folder."""
    return {
        "SMSGATEWAY_REPLIES": replies,
        **os.environ,
        "SMSGATEWAY_ENV": "production",
        "SMSGATEWAY_SECRET_KEY": secrets.token_hex(32),
        "SMSGATEWAY_INSTANCE_PATH": str(instance),
        "SMSGATEWAY_TRANSPORT": "twilio",
        "SMSGATEWAY_TWILIO_ACCOUNT_SID": fake.account_sid,
        "SMSGATEWAY_TWILIO_AUTH_TOKEN": fake.auth_token,
        "SMSGATEWAY_TWILIO_SMS_FROM": SERVICE_NUMBER,
        "SMSGATEWAY_TWILIO_API_BASE": fake.url,
        "SMSGATEWAY_PUBLIC_URL": PUBLIC_URL,
        "SMSGATEWAY_SCHEDULER": "true" if scheduler else "false",
    }


def migrate(environ: dict[str, str]) -> None:
    subprocess.run(
        [str(BIN / "smsgateway"), "db", "upgrade"],
        env=environ,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def seed(environ: dict[str, str], count: int) -> list[str]:
    """Returnees with one referral each and its reminders sent; returns their phone numbers."""
    settings = load_settings(environ)
    runtime = build_runtime(settings)
    now = datetime.now(UTC)
    phones = [f"+22177{n:07d}" for n in range(count)]
    try:
        with runtime.db.transaction() as session:
            partner = register_partner(
                session,
                now,
                name="Training Centre",
                display_name="Centre",
                service_categories=["vocational_training"],
                region="SN",
            )
            partner_id = partner.id
        for start in range(0, count, SEED_CHUNK):
            with runtime.db.transaction() as session:
                partner = session.get_one(type(partner), partner_id)
                for n in range(start, min(start + SEED_CHUNK, count)):
                    returnee = register_returnee(
                        session,
                        now,
                        case_reference=f"CASE-{n:06d}",
                        first_name=f"Person{n}",
                        phones=[PhoneInput(phones[n])],
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
        # As if the dispatcher had sent every reminder ten minutes ago and Twilio had reported
        # it delivered (which records the number reachable): "1" now confirms.
        with runtime.db.transaction() as session:
            session.execute(
                update(Notice)
                .where(Notice.kind == NoticeKind.APPOINTMENT_REMINDER)
                .values(state=NoticeState.SENT, sent_at=now - timedelta(minutes=10), attempts=1)
            )
            session.execute(
                update(ContactPoint).values(
                    reachability="reachable", reachability_changed_at=now - timedelta(minutes=9)
                )
            )
    finally:
        runtime.db.dispose()
    return phones


def signed_replies(phones: list[str], fake: FakeTwilio) -> list[Reply]:
    """One "1" per returnee, signed with twilio's RequestValidator against the public URL."""
    replies = []
    for phone in phones:
        params = inbound_message_params(fake.account_sid, phone, SERVICE_NUMBER, "1", {})
        form, headers = signed_form(PUBLIC_URL + PATH, params, fake.auth_token)
        headers = {**headers, "Host": "sms.bench.invalid"}
        replies.append(Reply(form["MessageSid"], phone, urlencode(form).encode(), headers))
    return replies


@contextmanager
def gunicorn(
    app: str, workers: int, threads: int, environ: dict[str, str], log: Path
) -> Iterator[int]:
    """`gunicorn --config python:smsgateway.gunicorn_conf --workers W --threads T` on a free
    127.0.0.1 port (no --preload); yields the port.

    Its log goes to a file: an unread pipe would fill and stall the workers.
    """
    port = free_port()
    bind = f"127.0.0.1:{port}"
    log_file = log.open("wb")
    config = ["--config", "python:smsgateway.gunicorn_conf"]
    sizes = ["--workers", str(workers), "--threads", str(threads)]
    process = subprocess.Popen(
        [str(PYTHON), "-m", "gunicorn", *config, *sizes, "--bind", bind, app],
        env=environ,
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_listening(port, process, log)
        time.sleep(1.0)  # every worker booted, not just the first
        yield port
    finally:
        stop(process, grace=15)
        log_file.close()


def stop(process: subprocess.Popen[bytes], *, grace: float) -> None:
    """SIGTERM, `grace` seconds to finish, then SIGKILL."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def worker(
    environ: dict[str, str], log: Path, niceness: int = 0
) -> Iterator[subprocess.Popen[bytes]]:
    """One `smsgateway worker` process (the periodic jobs: it applies queued replies and
    dispatches their acknowledgements), stopped with SIGTERM at the end; `niceness` lowers its
    CPU priority below the web processes' as the README advises on a small machine.

    The loop's task sweep is put off (it would start tasks for the seeded referrals a minute
    in, and a reply applied after that writes its task too: the statement count would then
    depend on how long the run took)."""
    log_file = log.open("wb")
    process = subprocess.Popen(
        ["nice", "-n", str(niceness), str(BIN / "smsgateway"), "worker"],
        env={**environ, "SMSGATEWAY_TASK_SWEEP_SECONDS": "86400"},
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(2.0)  # imported and running its jobs
        if process.poll() is not None:
            raise RuntimeError(f"worker exited: {log.read_text()[-2000:]}")
        yield process
    finally:
        stop(process, grace=30)
        log_file.close()


def queued_now(environ: dict[str, str]) -> int:
    """How many stored replies wait to be applied."""
    runtime = build_runtime(load_settings(environ))
    try:
        with runtime.db.sessions() as session:
            return count_queued(session)
    finally:
        runtime.db.dispose()


def wait_until_applied(environ: dict[str, str], timeout: float) -> float | None:
    """Poll until nothing is queued; the perf_counter time it was seen empty (None: timeout)."""
    runtime = build_runtime(load_settings(environ))
    deadline = time.perf_counter() + timeout
    try:
        while time.perf_counter() < deadline:
            with runtime.db.sessions() as session:
                if count_queued(session) == 0:
                    return time.perf_counter()
            time.sleep(0.05)
        return None
    finally:
        runtime.db.dispose()


def count_apply(environ: dict[str, str], expected: int) -> Counts:
    """SQL statements, commits and CPU per queued reply applied in this process, through the
    function the worker's job runs (after the first `WARM_UP`, applied apart)."""
    runtime = build_runtime(load_settings(environ))

    def clock() -> datetime:
        return datetime.now(UTC)

    try:
        apply_queued(runtime.db, runtime.settings, clock=clock, limit=WARM_UP)
        with counted(runtime.db.engine) as tally:
            cpu_started = time.process_time()
            report = apply_queued_until_idle(runtime.db, runtime.settings, clock=clock)
            cpu = time.process_time() - cpu_started
    finally:
        runtime.db.dispose()
    applied = report.done
    if applied != expected - WARM_UP:
        print(f"applied {applied} counted replies in this process, expected {expected - WARM_UP}")
    if not applied:
        return Counts(0.0, 0.0, 0.0)
    return Counts(tally.statements / applied, tally.commits / applied, cpu / applied * 1000)


@dataclass
class Tally:
    statements: int = 0
    commits: int = 0


@contextmanager
def counted(engine: Engine) -> Iterator[Tally]:
    """The SQL statements and commits `engine` runs inside the block (SQLAlchemy event hooks)."""
    tally = Tally()

    def count(*_args: object) -> None:
        tally.statements += 1

    def commit(_conn: object) -> None:
        tally.commits += 1

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "commit", commit)
    try:
        yield tally
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "commit", commit)


def wait_until_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not listen within 30 s")


def post(connection: http.client.HTTPConnection, reply: Reply) -> bool:
    """POST one reply; True on a 200 TwiML answer (a closed connection reopens itself)."""
    connection.request("POST", PATH, body=reply.body, headers=reply.headers)
    response = connection.getresponse()
    text = response.read()
    return response.status == 200 and b"<Response" in text


def run_load(
    port: int, replies: list[Reply], clients: int, seconds: float, *, repeat: bool = False
) -> Load:
    """`clients` threads take replies from one list until it (unless `repeat`) or time runs out."""
    load = Load()
    lock = threading.Lock()
    cursor = itertools.cycle(replies) if repeat else iter(replies)
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    reply = next(cursor, None)
                if reply is None:
                    return
                started = time.perf_counter()
                try:
                    ok = post(connection, reply)
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection.close()
                elapsed = time.perf_counter() - started
                with lock:
                    load.sent.append(reply.sid)
                    load.latencies.append(elapsed)
                    load.errors += not ok
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - started
    return load


def replay(port: int, replies: list[Reply], clients: int) -> int:
    """Send replies again, twice each and concurrently, as Twilio retries; returns errors."""
    load = run_load(port, replies + replies, clients, seconds=60)
    return load.errors


@dataclass
class Counts:
    """Per reply, in one process: SQL statements, commits, and CPU milliseconds."""

    statements: float
    commits: float
    cpu_ms: float


#: Counted replies left out of the CPU time: the first build the statements and import modules.
WARM_UP = 10


def app_in_process(environ: dict[str, str]) -> Flask:
    """The app built in this process with `environ`'s settings (it reads them from the
    environment), which is then left as it was."""
    saved = dict(os.environ)
    os.environ.update(environ)
    try:
        return create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def count_statements(environ: dict[str, str], replies: list[Reply]) -> Counts:
    """SQL statements and commits per reply: these replies POSTed, one at a time, to the same
    app (same settings, same database) in this process, with SQLAlchemy event hooks on its
    engine; and the process's CPU time per reply after the first `WARM_UP`."""
    app = app_in_process(environ)
    client = app.test_client()
    cpu_started = 0.0
    try:
        with counted(get_runtime(app).db.engine) as tally:
            for number, reply in enumerate(replies):
                if number == WARM_UP:
                    cpu_started = time.process_time()
                response = client.post(PATH, data=reply.body, headers=reply.headers)
                if response.status_code != 200:
                    raise RuntimeError(f"counted reply answered {response.status_code}")
            cpu = time.process_time() - cpu_started
    finally:
        get_runtime(app).db.dispose()
    if not replies:
        return Counts(0.0, 0.0, 0.0)
    timed = len(replies) - WARM_UP
    return Counts(
        tally.statements / len(replies),
        tally.commits / len(replies),
        cpu / timed * 1000 if timed > 0 else 0.0,
    )


def server_errors(log: Path) -> list[str]:
    """Lines of the gunicorn log that report an error or a worker timeout."""
    lines = log.read_text(errors="replace").splitlines()
    return [
        line for line in lines if " ERROR " in line or "CRITICAL" in line or "Traceback" in line
    ]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def check_applied_once(environ: dict[str, str], replies: list[Reply], sent: set[str]) -> dict:
    """Count, from the database, how each reply was stored and applied."""
    settings = load_settings(environ)
    runtime = build_runtime(settings)
    problems: dict[str, int] = {"missing_or_duplicate_message": 0, "not_applied_once": 0}
    try:
        with runtime.db.sessions() as session:
            rows = session.execute(
                select(Message.provider_id, func.count(), func.min(Message.id))
                .where(Message.direction == "in", Message.provider == "twilio")
                .group_by(Message.provider_id)
            ).all()
            stored = {sid: (count, message_id) for sid, count, message_id in rows}
            events = session.execute(
                select(ReferralEvent.message_id, ReferralEvent.referral_id).where(
                    ReferralEvent.new_status == Status.CONFIRMED
                )
            ).all()
            per_message: dict[int | None, int] = {}
            per_referral: dict[int, int] = {}
            for message_id, referral_id in events:
                per_message[message_id] = per_message.get(message_id, 0) + 1
                per_referral[referral_id] = per_referral.get(referral_id, 0) + 1
            confirmed = session.scalar(
                select(func.count())
                .select_from(Referral)
                .where(Referral.status == Status.CONFIRMED)
            )
    finally:
        runtime.db.dispose()
    for reply in replies:
        count, message_id = stored.get(reply.sid, (0, None))
        if reply.sid in sent and count != 1:
            problems["missing_or_duplicate_message"] += 1
        if reply.sid in sent and per_message.get(message_id, 0) != 1:
            problems["not_applied_once"] += 1
        if reply.sid not in sent and count:
            problems["missing_or_duplicate_message"] += 1
    problems["stray_messages"] = len(set(stored) - {r.sid for r in replies})
    problems["referrals_confirmed_twice"] = sum(1 for n in per_referral.values() if n > 1)
    problems["confirmed_vs_sent"] = (confirmed or 0) - len(sent)
    problems["still_queued"] = queued_now(environ)
    return problems


def machine() -> dict[str, str]:
    import platform
    import sqlite3

    return {
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--returnees", type=int, default=4000, help="seeded; one reply each")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--replays", type=int, default=50, help="MessageSids sent again")
    parser.add_argument("--counted", type=int, default=100, help="replies whose SQL is counted")
    parser.add_argument("--scheduler", action="store_true", help="run the clock in the workers")
    parser.add_argument(
        "--replies",
        choices=("inline", "queued"),
        default="inline",
        help="SMSGATEWAY_REPLIES; queued: one `smsgateway worker` applies them",
    )
    parser.add_argument(
        "--worker-after-load",
        action="store_true",
        help="with --replies queued: start the worker only once the load is over",
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=0,
        help="with --replies queued: run the worker under `nice -n N` (the README's advice)",
    )
    parser.add_argument(
        "--apply-timeout", type=float, default=900.0, help="seconds to wait for the queue"
    )
    args = parser.parse_args()
    queued = args.replies == "queued"
    print("machine:", machine(), flush=True)
    root = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    try:
        with FakeTwilio() as fake:
            environ = app_environment(root / "instance", fake, args.scheduler, args.replies)
            migrate(environ)
            started = time.perf_counter()
            phones = seed(environ, args.returnees + args.counted)
            print(f"seeded {len(phones)} returnees in {time.perf_counter() - started:.1f} s")
            everyone = signed_replies(phones, fake)
            replies, counted = everyone[: args.returnees], everyone[args.returnees :]
            app_log, bare_log = root / "app.log", root / "bare.log"
            worker_log = root / "worker.log"
            sizes = (args.workers, args.threads)
            backlog: int | None = None
            applied_at: float | None = None
            launched: float | None = None  # when the worker was started
            after_load = queued and args.worker_after_load
            with contextlib.ExitStack() as stack:
                if queued and not after_load:
                    launched = time.perf_counter()
                    stack.enter_context(worker(environ, worker_log, args.worker_nice))
                port = stack.enter_context(
                    gunicorn("smsgateway.wsgi:app", *sizes, environ, app_log)
                )
                load_started = time.perf_counter()
                ours = run_load(port, replies, args.clients, args.seconds)
                if queued:
                    backlog = queued_now(environ)
                replayed = [r for r in replies if r.sid in set(ours.sent)][: args.replays]
                replay_errors = replay(port, replayed, args.clients)
                if after_load:
                    launched = time.perf_counter()
                    stack.enter_context(worker(environ, worker_log, args.worker_nice))
                if queued:
                    applied_at = wait_until_applied(environ, args.apply_timeout)
            with gunicorn("bench.bare_app:app", *sizes, environ, bare_log) as port:
                bare = run_load(port, replies, args.clients, args.seconds, repeat=True)
            counts = count_statements(environ, counted)
            applying = count_apply(environ, len(counted)) if queued else None
            answered = set(ours.sent) | {reply.sid for reply in counted}
            problems = check_applied_once(environ, everyone, answered)
            logs = [app_log, bare_log] + ([worker_log] if queued else [])
            for line in [line for log in logs for line in server_errors(log)][:20]:
                print("server:", line)
            worker_errors = len(server_errors(worker_log)) if queued else 0
    finally:
        shutil.rmtree(root, ignore_errors=True)
    exhausted = len(ours.sent) == len(replies)
    print(f"app: {len(ours.sent)} replies in {ours.seconds:.1f} s", "(all seeded)" * exhausted)
    print(f"bare: {len(bare.sent)} requests in {bare.seconds:.1f} s, {bare.errors} errors")
    print(f"replayed {len(replayed)} MessageSids twice each: {replay_errors} errors")
    print(
        f"SQL statements per reply: {counts.statements:.2f}, commits {counts.commits:.2f}, "
        f"CPU {counts.cpu_ms:.2f} ms in one process (over {len(counted)} replies)"
    )
    print("database check:", problems, flush=True)
    applied_per_s = None
    apply_seconds = None
    drain_per_s = None
    if queued and applied_at is not None and launched is not None:
        apply_seconds = applied_at - load_started
        applied_per_s = len(set(ours.sent)) / apply_seconds
        drain_per_s = len(set(ours.sent)) / (applied_at - launched)
        print(
            f"queued: {backlog} waiting when the load ended ({ours.seconds:.1f} s); all "
            f"{len(set(ours.sent))} applied {apply_seconds:.1f} s after it began "
            f"({applied_per_s:.1f}/s), {applied_at - launched:.1f} s after the worker was "
            f"started ({drain_per_s:.1f}/s)"
        )
    elif queued:
        print(f"queued: not all applied within {args.apply_timeout:.0f} s")
    if applying is not None:
        print(
            f"applying, per reply: {applying.statements:.2f} SQL statements, commits "
            f"{applying.commits:.2f}, CPU {applying.cpu_ms:.2f} ms in one process"
        )
    print(
        json.dumps(
            {
                "replies": len(ours.sent),
                "per_s": round(ours.per_s, 1),
                "bare_per_s": round(bare.per_s, 1),
                "ratio": round(ours.per_s / bare.per_s, 3) if bare.per_s else None,
                "p50_ms": round(percentile(ours.latencies, 0.50) * 1000, 1),
                "p99_ms": round(percentile(ours.latencies, 0.99) * 1000, 1),
                "errors": ours.errors + replay_errors + worker_errors,
                "applied_exactly_once": not any(problems.values())
                and (not queued or applied_at is not None),
                "sql_per_reply": round(counts.statements, 2),
                "workers": args.workers,
                "threads": args.threads,
                # The machine's load at the end: figures from a shared machine are pessimistic.
                "load_avg_1m": round(os.getloadavg()[0], 1),
                # Since issue 19 round 4, from the statement count's replies (one process).
                "commits_per_reply": round(counts.commits, 2),
                "cpu_ms_per_reply": round(counts.cpu_ms, 2),
                # Since issue 19 round 6: `--replies queued` (the webhook's figures above are then
                # those of storing; these are applying's, by one `smsgateway worker`).
                "replies_mode": args.replies,
                "applied_per_s": round(applied_per_s, 1) if applied_per_s else None,
                "apply_seconds": round(apply_seconds, 1) if apply_seconds else None,
                "queued_at_load_end": backlog,
                "worker_after_load": after_load,
                # Replies applied per second from the worker's start (with the worker started
                # after the load: what it applies when it has the machine to itself).
                "drain_per_s": round(drain_per_s, 1) if drain_per_s else None,
                # Since round 8: the worker's `nice -n` (0: the web processes' priority).
                "worker_nice": args.worker_nice if queued else None,
                "sql_per_apply": round(applying.statements, 2) if applying else None,
                "commits_per_apply": round(applying.commits, 2) if applying else None,
                "cpu_ms_per_apply": round(applying.cpu_ms, 2) if applying else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
